//! The behaviour both `Store` implementations promise, as one suite (`tests/contract/`):
//! the boolean results `ports.rs` documents, unique conflicts, cascades on delete, the
//! outbox's order and claims, and the replay guards. Nothing is exported.
