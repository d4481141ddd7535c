//! `StoreTx`: one transaction implementing the `Tx` port, on PostgreSQL: the shared source in `crates/store-sql/tx.rs`.

include!("../../store-sql/tx.rs");
