//! The `Store` port on SQLite: the shared source in `crates/store-sql/store.rs`.

include!("../../store-sql/store.rs");
