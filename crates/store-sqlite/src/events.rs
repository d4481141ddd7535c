//! The `events` table on SQLite: the shared source in `crates/store-sql/events.rs`.

include!("../../store-sql/events.rs");
