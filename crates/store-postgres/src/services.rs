//! The `services` table, on PostgreSQL: the shared source in `crates/store-sql/services.rs`.

include!("../../store-sql/services.rs");
