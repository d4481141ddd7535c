//! The operator's account queries on SQLite: the shared source in `crates/store-sql/admin.rs`.

include!("../../store-sql/admin.rs");
