//! The `events` table on PostgreSQL: the shared source in `crates/store-sql/events.rs`.

include!("../../store-sql/events.rs");
