//! The login address's changes: a new address waiting for its verification, the named writes of the address, and the tokens that let the old address undo a change, on PostgreSQL: the shared source in `crates/store-sql/emails.rs`.

include!("../../store-sql/emails.rs");
