// Shared by both store crates, which `include!` it: The login address's changes: a new address waiting for its verification, the named writes of the address, and the tokens that let the old address undo a change.
// Every query here is compile-checked against each crate's database (its `sqlx.toml` and
// `.sqlx/`); `Db` is the including crate's database.

use crate::Db;
use crate::{backend, write_error};
use sqlx::Executor;
use tessera_core::Timestamp;
use tessera_core::domain::{EmailAddress, UserId};
use tessera_core::ports::StoreError;
use tessera_core::records::EmailUndoRecord;

pub(crate) async fn pending<'e>(
    db: impl Executor<'e, Database = Db>,
    user: UserId,
) -> Result<Option<EmailAddress>, StoreError> {
    let row = sqlx::query_scalar!(
        "SELECT email FROM pending_emails WHERE user_id = $1",
        user.0
    )
    .fetch_optional(db)
    .await
    .map_err(backend)?;
    Ok(row.map(EmailAddress::from_trusted))
}

pub(crate) async fn put_pending<'e>(
    db: impl Executor<'e, Database = Db>,
    user: UserId,
    email: &EmailAddress,
    now: Timestamp,
) -> Result<(), StoreError> {
    let (address, key) = (email.as_str(), email.key());
    sqlx::query!(
        "INSERT INTO pending_emails (user_id, email, email_key, requested_at)
         VALUES ($1, $2, $3, $4)
         ON CONFLICT (user_id) DO UPDATE SET email = excluded.email,
             email_key = excluded.email_key, requested_at = excluded.requested_at",
        user.0,
        address,
        key,
        now.0
    )
    .execute(db)
    .await
    .map_err(backend)?;
    Ok(())
}

pub(crate) async fn clear_pending<'e>(
    db: impl Executor<'e, Database = Db>,
    user: UserId,
) -> Result<(), StoreError> {
    sqlx::query!("DELETE FROM pending_emails WHERE user_id = $1", user.0)
        .execute(db)
        .await
        .map_err(backend)?;
    Ok(())
}

/// The account's login address, verified or not (a taken address is a conflict).
pub(crate) async fn set_address<'e>(
    db: impl Executor<'e, Database = Db>,
    user: UserId,
    email: &EmailAddress,
    verified: bool,
) -> Result<(), StoreError> {
    let (address, key) = (email.as_str(), email.key());
    sqlx::query!(
        "UPDATE users SET email = $1, email_key = $2, email_verified = $3 WHERE id = $4",
        address,
        key,
        verified,
        user.0
    )
    .execute(db)
    .await
    .map_err(write_error)?;
    Ok(())
}

pub(crate) async fn mark_verified<'e>(
    db: impl Executor<'e, Database = Db>,
    user: UserId,
) -> Result<(), StoreError> {
    sqlx::query!(
        "UPDATE users SET email_verified = TRUE WHERE id = $1",
        user.0
    )
    .execute(db)
    .await
    .map_err(backend)?;
    Ok(())
}

pub(crate) async fn insert_undo<'e>(
    db: impl Executor<'e, Database = Db>,
    r: &EmailUndoRecord,
) -> Result<(), StoreError> {
    sqlx::query!(
        "INSERT INTO email_undo_tokens (token_hash, user_id, old_email, new_email, created_at,
             expires_at)
         VALUES ($1, $2, $3, $4, $5, $6)",
        r.token_hash,
        r.user_id,
        r.old_email,
        r.new_email,
        r.created_at,
        r.expires_at
    )
    .execute(db)
    .await
    .map_err(backend)?;
    Ok(())
}

pub(crate) async fn undo<'e>(
    db: impl Executor<'e, Database = Db>,
    token_hash: &str,
) -> Result<Option<EmailUndoRecord>, StoreError> {
    sqlx::query_as!(
        EmailUndoRecord,
        r#"SELECT token_hash AS "token_hash!", user_id, old_email, new_email, created_at,
              expires_at FROM email_undo_tokens WHERE token_hash = $1"#,
        token_hash
    )
    .fetch_optional(db)
    .await
    .map_err(backend)
}

pub(crate) async fn clear_undo<'e>(
    db: impl Executor<'e, Database = Db>,
    user: UserId,
) -> Result<(), StoreError> {
    sqlx::query!("DELETE FROM email_undo_tokens WHERE user_id = $1", user.0)
        .execute(db)
        .await
        .map_err(backend)?;
    Ok(())
}
