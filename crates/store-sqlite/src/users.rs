//! The `users` table: look-ups, the bearer read, insert, update, delete, on SQLite: the shared source in `crates/store-sql/users.rs`.

include!("../../store-sql/users.rs");
