//! The `users` table: look-ups, the bearer read, insert, update, delete, on PostgreSQL: the shared source in `crates/store-sql/users.rs`.

include!("../../store-sql/users.rs");
