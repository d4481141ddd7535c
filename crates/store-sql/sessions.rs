// Shared by both store crates, which `include!` it: Sessions and the refresh tokens in them.
// Every query here is compile-checked against each crate's database (its `sqlx.toml` and
// `.sqlx/`); `Db` is the including crate's database.

use crate::Db;
use crate::backend;
use sqlx::Executor;
use tessera_core::Timestamp;
use tessera_core::domain::UserId;
use tessera_core::ports::{IssuedToken, StoreError};
use tessera_core::records::{OutstandingRecord, SessionRecord};
use tessera_core::tokens::Claims;

pub(crate) async fn is_blacklisted<'e>(
    db: impl Executor<'e, Database = Db>,
    jti: &str,
) -> Result<bool, StoreError> {
    let row = sqlx::query!("SELECT jti FROM blacklisted_tokens WHERE jti = $1", jti)
        .fetch_optional(db)
        .await
        .map_err(backend)?;
    Ok(row.is_some())
}

/// The refresh tokens issued to `user`, oldest first.
pub(crate) async fn issued<'e>(
    db: impl Executor<'e, Database = Db>,
    user: UserId,
) -> Result<Vec<IssuedToken>, StoreError> {
    sqlx::query_as!(
        IssuedToken,
        r#"SELECT o.jti AS "jti!", o.created_at AS "created_at!", o.expires_at AS "expires_at!",
              (b.jti IS NOT NULL) AS "revoked!: bool"
           FROM outstanding_tokens o LEFT JOIN blacklisted_tokens b ON b.jti = o.jti
           WHERE o.user_id = $1 ORDER BY o.created_at, o.jti"#,
        user.0
    )
    .fetch_all(db)
    .await
    .map_err(backend)
}

pub(crate) async fn outstanding<'e>(
    db: impl Executor<'e, Database = Db>,
    jti: &str,
) -> Result<Option<OutstandingRecord>, StoreError> {
    sqlx::query_as!(
        OutstandingRecord,
        r#"SELECT o.jti AS "jti!", o.user_id, o.session_id, o.rotated_at,
              (b.jti IS NOT NULL) AS "blacklisted!: bool"
           FROM outstanding_tokens o LEFT JOIN blacklisted_tokens b ON b.jti = o.jti
           WHERE o.jti = $1"#,
        jti
    )
    .fetch_optional(db)
    .await
    .map_err(backend)
}

pub(crate) async fn by_id<'e>(
    db: impl Executor<'e, Database = Db>,
    id: &str,
) -> Result<Option<SessionRecord>, StoreError> {
    sqlx::query_as!(
        SessionRecord,
        r#"SELECT id AS "id!", user_id, created_at, last_used_at, expires_at, user_agent, ip,
              revoked_at FROM sessions WHERE id = $1"#,
        id
    )
    .fetch_optional(db)
    .await
    .map_err(backend)
}

pub(crate) async fn live<'e>(
    db: impl Executor<'e, Database = Db>,
    user: UserId,
    now: Timestamp,
) -> Result<Vec<SessionRecord>, StoreError> {
    sqlx::query_as!(
        SessionRecord,
        r#"SELECT id AS "id!", user_id, created_at, last_used_at, expires_at, user_agent, ip,
              revoked_at FROM sessions
           WHERE user_id = $1 AND revoked_at IS NULL AND expires_at > $2
           ORDER BY created_at DESC, id"#,
        user.0,
        now.0
    )
    .fetch_all(db)
    .await
    .map_err(backend)
}

pub(crate) async fn add_outstanding<'e>(
    db: impl Executor<'e, Database = Db>,
    claims: &Claims,
) -> Result<(), StoreError> {
    let user_id = claims.user_id().0;
    sqlx::query!(
        "INSERT INTO outstanding_tokens (jti, user_id, created_at, expires_at, session_id)
         VALUES ($1, $2, $3, $4, $5)",
        claims.jti,
        user_id,
        claims.iat,
        claims.exp,
        claims.sid
    )
    .execute(db)
    .await
    .map_err(backend)?;
    Ok(())
}

pub(crate) async fn insert<'e>(
    db: impl Executor<'e, Database = Db>,
    s: &SessionRecord,
) -> Result<(), StoreError> {
    sqlx::query!(
        "INSERT INTO sessions (id, user_id, created_at, last_used_at, expires_at, user_agent, ip)
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
        s.id,
        s.user_id,
        s.created_at,
        s.last_used_at,
        s.expires_at,
        s.user_agent,
        s.ip
    )
    .execute(db)
    .await
    .map_err(backend)?;
    Ok(())
}

pub(crate) async fn touch<'e>(
    db: impl Executor<'e, Database = Db>,
    s: &SessionRecord,
) -> Result<(), StoreError> {
    sqlx::query!(
        "UPDATE sessions SET last_used_at = $1, expires_at = $2, user_agent = $3, ip = $4 WHERE id = $5",
        s.last_used_at,
        s.expires_at,
        s.user_agent,
        s.ip,
        s.id
    )
    .execute(db)
    .await
    .map_err(backend)?;
    Ok(())
}

/// Blacklist one refresh token; `false` when it already was.
pub(crate) async fn blacklist_jti<'e>(
    db: impl Executor<'e, Database = Db>,
    jti: &str,
    at: i64,
    expires_at: i64,
) -> Result<bool, StoreError> {
    let done = sqlx::query!(
        "INSERT INTO blacklisted_tokens (jti, blacklisted_at, expires_at) VALUES ($1, $2, $3)
         ON CONFLICT (jti) DO NOTHING",
        jti,
        at,
        expires_at
    )
    .execute(db)
    .await
    .map_err(backend)?;
    Ok(done.rows_affected() == 1)
}

/// Blacklist the unexpired refresh tokens of a session.
pub(crate) async fn blacklist_session<'e>(
    db: impl Executor<'e, Database = Db>,
    id: &str,
    now: Timestamp,
) -> Result<(), StoreError> {
    sqlx::query!(
        "INSERT INTO blacklisted_tokens (jti, blacklisted_at, expires_at)
         SELECT jti, $1, expires_at FROM outstanding_tokens WHERE session_id = $2 AND expires_at > $3
         ON CONFLICT (jti) DO NOTHING",
        now.0,
        id,
        now.0
    )
    .execute(db)
    .await
    .map_err(backend)?;
    Ok(())
}

pub(crate) async fn mark_revoked<'e>(
    db: impl Executor<'e, Database = Db>,
    id: &str,
    now: Timestamp,
) -> Result<(), StoreError> {
    sqlx::query!(
        "UPDATE sessions SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL",
        now.0,
        id
    )
    .execute(db)
    .await
    .map_err(backend)?;
    Ok(())
}

/// End every session of the account but `keep`.
pub(crate) async fn mark_all_revoked<'e>(
    db: impl Executor<'e, Database = Db>,
    user: UserId,
    keep: Option<&str>,
    now: Timestamp,
) -> Result<(), StoreError> {
    sqlx::query!(
        "UPDATE sessions SET revoked_at = $1
         WHERE user_id = $2 AND revoked_at IS NULL AND COALESCE(id <> $3, TRUE)",
        now.0,
        user.0,
        keep
    )
    .execute(db)
    .await
    .map_err(backend)?;
    Ok(())
}

pub(crate) async fn mark_rotated<'e>(
    db: impl Executor<'e, Database = Db>,
    jti: &str,
    now: Timestamp,
) -> Result<(), StoreError> {
    sqlx::query!(
        "UPDATE outstanding_tokens SET rotated_at = $1 WHERE jti = $2 AND rotated_at IS NULL",
        now.0,
        jti
    )
    .execute(db)
    .await
    .map_err(backend)?;
    Ok(())
}
