//! Taking in accounts, refresh tokens and TOTP factors from another system, on SQLite: the shared source in `crates/store-sql/import.rs`.

include!("../../store-sql/import.rs");
