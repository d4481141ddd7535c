// Shared by both store crates, which `include!` it: The `services` table.
// Every query here is compile-checked against each crate's database (its `sqlx.toml` and
// `.sqlx/`); `Db` is the including crate's database.

use crate::Db;
use crate::{backend, write_error};
use sqlx::Executor;
use tessera_core::Timestamp;
use tessera_core::ports::{ServiceRecord, StoreError};

pub(crate) async fn by_name<'e>(
    db: impl Executor<'e, Database = Db>,
    name: &str,
) -> Result<Option<ServiceRecord>, StoreError> {
    sqlx::query_as!(
        ServiceRecord,
        r#"SELECT name, secret_hash, created_at, rotated_at FROM services WHERE name = $1"#,
        name
    )
    .fetch_optional(db)
    .await
    .map_err(backend)
}

pub(crate) async fn all<'e>(
    db: impl Executor<'e, Database = Db>,
) -> Result<Vec<ServiceRecord>, StoreError> {
    sqlx::query_as!(
        ServiceRecord,
        r#"SELECT name, secret_hash, created_at, rotated_at FROM services ORDER BY name"#
    )
    .fetch_all(db)
    .await
    .map_err(backend)
}

pub(crate) async fn insert<'e>(
    db: impl Executor<'e, Database = Db>,
    name: &str,
    hash: &str,
    now: Timestamp,
) -> Result<(), StoreError> {
    sqlx::query!(
        "INSERT INTO services (name, secret_hash, created_at) VALUES ($1, $2, $3)",
        name,
        hash,
        now.0
    )
    .execute(db)
    .await
    .map_err(write_error)?;
    Ok(())
}

/// `false` when no service has that name.
pub(crate) async fn set_secret<'e>(
    db: impl Executor<'e, Database = Db>,
    name: &str,
    hash: &str,
    now: Timestamp,
) -> Result<bool, StoreError> {
    let done = sqlx::query!(
        "UPDATE services SET secret_hash = $1, rotated_at = $2 WHERE name = $3",
        hash,
        now.0,
        name
    )
    .execute(db)
    .await
    .map_err(backend)?;
    Ok(done.rows_affected() == 1)
}

/// Replace `from` with `to` only while `from` is still the stored hash (not a rotation:
/// the secret is the same).
pub(crate) async fn upgrade_secret<'e>(
    db: impl Executor<'e, Database = Db>,
    name: &str,
    from: &str,
    to: &str,
) -> Result<bool, StoreError> {
    let done = sqlx::query!(
        "UPDATE services SET secret_hash = $1 WHERE name = $2 AND secret_hash = $3",
        to,
        name,
        from
    )
    .execute(db)
    .await
    .map_err(backend)?;
    Ok(done.rows_affected() == 1)
}

/// `false` when no service has that name.
pub(crate) async fn delete<'e>(
    db: impl Executor<'e, Database = Db>,
    name: &str,
) -> Result<bool, StoreError> {
    let done = sqlx::query!("DELETE FROM services WHERE name = $1", name)
        .execute(db)
        .await
        .map_err(backend)?;
    Ok(done.rows_affected() == 1)
}
