//! Sessions and the refresh tokens in them, on PostgreSQL: the shared source in `crates/store-sql/sessions.rs`.

include!("../../store-sql/sessions.rs");
