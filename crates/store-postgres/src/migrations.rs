//! Applying the migrations, on PostgreSQL: the shared source in `crates/store-sql/migrations.rs`.

include!("../../store-sql/migrations.rs");
