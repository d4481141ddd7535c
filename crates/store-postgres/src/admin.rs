//! The operator's account queries on PostgreSQL: the shared source in `crates/store-sql/admin.rs`.

include!("../../store-sql/admin.rs");
