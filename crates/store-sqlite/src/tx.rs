//! `StoreTx`: one transaction implementing the `Tx` port, on SQLite: the shared source in `crates/store-sql/tx.rs`.

include!("../../store-sql/tx.rs");
