//! The `services` table, on SQLite: the shared source in `crates/store-sql/services.rs`.

include!("../../store-sql/services.rs");
