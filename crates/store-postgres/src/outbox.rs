//! The `mail_outbox` table on PostgreSQL: the shared source in `crates/store-sql/outbox.rs`.

include!("../../store-sql/outbox.rs");
