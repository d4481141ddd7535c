//! The `Store` port on PostgreSQL: the shared source in `crates/store-sql/store.rs`.

include!("../../store-sql/store.rs");
