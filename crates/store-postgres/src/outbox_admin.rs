//! The operator's view of the outbox on PostgreSQL: the shared source in
//! `crates/store-sql/outbox_admin.rs`.

include!("../../store-sql/outbox_admin.rs");
