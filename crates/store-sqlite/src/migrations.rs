//! Applying the migrations, on SQLite: the shared source in `crates/store-sql/migrations.rs`.

include!("../../store-sql/migrations.rs");
