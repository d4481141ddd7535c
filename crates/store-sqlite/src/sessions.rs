//! Sessions and the refresh tokens in them, on SQLite: the shared source in `crates/store-sql/sessions.rs`.

include!("../../store-sql/sessions.rs");
