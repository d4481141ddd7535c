//! The operator's view of the outbox on SQLite: the shared source in
//! `crates/store-sql/outbox_admin.rs`.

include!("../../store-sql/outbox_admin.rs");
