//! Two-factor tables: TOTP factors, one-time codes, login challenges and the record of wrong codes, on SQLite: the shared source in `crates/store-sql/two_factor.rs`.

include!("../../store-sql/two_factor.rs");
