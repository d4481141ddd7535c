//! The `Store`/`Tx` contract: one behaviour suite both store implementations must pass, run
//! against SQLite (a database in memory) and, when TEST_DATABASE_URL names a PostgreSQL
//! server, against a database of its own there.

#[macro_use]
mod support;

mod accounts;
mod import;
mod outbox;
mod sessions;
mod two_factor;
