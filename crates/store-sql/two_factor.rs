// Shared by both store crates, which `include!` it: Two-factor tables: TOTP factors, one-time codes, login challenges and the record of wrong codes.
// Every query here is compile-checked against each crate's database (its `sqlx.toml` and
// `.sqlx/`); `Db` is the including crate's database.

use crate::Db;
use crate::backend;
use sqlx::Executor;
use tessera_core::Timestamp;
use tessera_core::domain::UserId;
use tessera_core::ports::{CodePurpose, StoreError};
use tessera_core::records::{ChallengeRecord, TotpFactorRecord};

/// Wrong codes are kept this long (well past any throttling window).
const FAILURES_KEPT_SECS: i64 = 86_400;

pub(crate) async fn totp_factor<'e>(
    db: impl Executor<'e, Database = Db>,
    user: UserId,
) -> Result<Option<TotpFactorRecord>, StoreError> {
    sqlx::query_as!(
        TotpFactorRecord,
        r#"SELECT user_id AS "user_id!", secret, confirmed_at, last_step, created_at
           FROM totp_factors WHERE user_id = $1"#,
        user.0
    )
    .fetch_optional(db)
    .await
    .map_err(backend)
}

pub(crate) async fn put_totp_factor<'e>(
    db: impl Executor<'e, Database = Db>,
    f: &TotpFactorRecord,
) -> Result<(), StoreError> {
    sqlx::query!(
        "INSERT INTO totp_factors (user_id, secret, confirmed_at, last_step, created_at)
         VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (user_id) DO UPDATE SET secret = excluded.secret,
             confirmed_at = excluded.confirmed_at, last_step = excluded.last_step,
             created_at = excluded.created_at",
        f.user_id,
        f.secret,
        f.confirmed_at,
        f.last_step,
        f.created_at
    )
    .execute(db)
    .await
    .map_err(backend)?;
    Ok(())
}

/// Confirm a pending enrolment with the time step of its first code; `false` when it was
/// confirmed already (another request won the race).
pub(crate) async fn confirm_totp_factor<'e>(
    db: impl Executor<'e, Database = Db>,
    user: UserId,
    step: i64,
    now: Timestamp,
) -> Result<bool, StoreError> {
    let done = sqlx::query!(
        "UPDATE totp_factors SET confirmed_at = $1, last_step = $2
         WHERE user_id = $3 AND confirmed_at IS NULL",
        now.0,
        step,
        user.0
    )
    .execute(db)
    .await
    .map_err(backend)?;
    Ok(done.rows_affected() == 1)
}

pub(crate) async fn delete_totp_factor<'e>(
    db: impl Executor<'e, Database = Db>,
    user: UserId,
) -> Result<(), StoreError> {
    sqlx::query!("DELETE FROM totp_factors WHERE user_id = $1", user.0)
        .execute(db)
        .await
        .map_err(backend)?;
    Ok(())
}

pub(crate) async fn use_totp_step<'e>(
    db: impl Executor<'e, Database = Db>,
    user: UserId,
    step: i64,
) -> Result<bool, StoreError> {
    let done = sqlx::query!(
        "UPDATE totp_factors SET last_step = $1
         WHERE user_id = $2 AND last_step < $3 AND confirmed_at IS NOT NULL",
        step,
        user.0,
        step
    )
    .execute(db)
    .await
    .map_err(backend)?;
    Ok(done.rows_affected() == 1)
}

pub(crate) async fn delete_codes<'e>(
    db: impl Executor<'e, Database = Db>,
    user: UserId,
    purpose: CodePurpose,
) -> Result<(), StoreError> {
    let purpose = purpose.as_str();
    sqlx::query!(
        "DELETE FROM otp_codes WHERE user_id = $1 AND purpose = $2",
        user.0,
        purpose
    )
    .execute(db)
    .await
    .map_err(backend)?;
    Ok(())
}

pub(crate) async fn insert_code<'e>(
    db: impl Executor<'e, Database = Db>,
    user: UserId,
    purpose: CodePurpose,
    hash: &str,
    expires_at: Option<Timestamp>,
    now: Timestamp,
) -> Result<(), StoreError> {
    let (purpose, expires_at) = (purpose.as_str(), expires_at.map(|t| t.0));
    sqlx::query!(
        "INSERT INTO otp_codes (user_id, purpose, code_hash, expires_at, created_at)
         VALUES ($1, $2, $3, $4, $5)",
        user.0,
        purpose,
        hash,
        expires_at,
        now.0
    )
    .execute(db)
    .await
    .map_err(backend)?;
    Ok(())
}

pub(crate) async fn consume_code<'e>(
    db: impl Executor<'e, Database = Db>,
    user: UserId,
    purpose: CodePurpose,
    hash: &str,
    now: Timestamp,
) -> Result<bool, StoreError> {
    let purpose = purpose.as_str();
    let done = sqlx::query!(
        "DELETE FROM otp_codes WHERE user_id = $1 AND purpose = $2 AND code_hash = $3
             AND (expires_at IS NULL OR expires_at > $4)",
        user.0,
        purpose,
        hash,
        now.0
    )
    .execute(db)
    .await
    .map_err(backend)?;
    Ok(done.rows_affected() > 0)
}

pub(crate) async fn count_guess<'e>(
    db: impl Executor<'e, Database = Db>,
    user: UserId,
    purpose: CodePurpose,
) -> Result<(), StoreError> {
    let purpose = purpose.as_str();
    sqlx::query!(
        "UPDATE otp_codes SET attempts = attempts + 1 WHERE user_id = $1 AND purpose = $2",
        user.0,
        purpose
    )
    .execute(db)
    .await
    .map_err(backend)?;
    Ok(())
}

pub(crate) async fn delete_guessed<'e>(
    db: impl Executor<'e, Database = Db>,
    user: UserId,
    purpose: CodePurpose,
    max: i64,
) -> Result<(), StoreError> {
    let purpose = purpose.as_str();
    sqlx::query!(
        "DELETE FROM otp_codes WHERE user_id = $1 AND purpose = $2 AND attempts >= $3",
        user.0,
        purpose,
        max
    )
    .execute(db)
    .await
    .map_err(backend)?;
    Ok(())
}

pub(crate) async fn live_codes<'e>(
    db: impl Executor<'e, Database = Db>,
    user: UserId,
    purpose: CodePurpose,
    now: Timestamp,
) -> Result<i64, StoreError> {
    let purpose = purpose.as_str();
    sqlx::query_scalar!(
        r#"SELECT COUNT(*) AS "n!: i64" FROM otp_codes WHERE user_id = $1 AND purpose = $2
           AND (expires_at IS NULL OR expires_at > $3)"#,
        user.0,
        purpose,
        now.0
    )
    .fetch_one(db)
    .await
    .map_err(backend)
}

pub(crate) async fn challenge<'e>(
    db: impl Executor<'e, Database = Db>,
    ticket_hash: &str,
) -> Result<Option<ChallengeRecord>, StoreError> {
    sqlx::query_as!(
        ChallengeRecord,
        r#"SELECT ticket_hash AS "ticket_hash!", user_id, created_at, expires_at, failures
           FROM login_challenges WHERE ticket_hash = $1"#,
        ticket_hash
    )
    .fetch_optional(db)
    .await
    .map_err(backend)
}

pub(crate) async fn insert_challenge<'e>(
    db: impl Executor<'e, Database = Db>,
    c: &ChallengeRecord,
) -> Result<(), StoreError> {
    sqlx::query!(
        "INSERT INTO login_challenges (ticket_hash, user_id, created_at, expires_at, failures)
         VALUES ($1, $2, $3, $4, $5)",
        c.ticket_hash,
        c.user_id,
        c.created_at,
        c.expires_at,
        c.failures
    )
    .execute(db)
    .await
    .map_err(backend)?;
    Ok(())
}

/// Drop the account's expired challenges.
pub(crate) async fn prune_challenges<'e>(
    db: impl Executor<'e, Database = Db>,
    user: i64,
    now: i64,
) -> Result<(), StoreError> {
    sqlx::query!(
        "DELETE FROM login_challenges WHERE user_id = $1 AND expires_at <= $2",
        user,
        now
    )
    .execute(db)
    .await
    .map_err(backend)?;
    Ok(())
}

pub(crate) async fn challenge_failed<'e>(
    db: impl Executor<'e, Database = Db>,
    ticket_hash: &str,
) -> Result<i64, StoreError> {
    let failures = sqlx::query_scalar!(
        r#"UPDATE login_challenges SET failures = failures + 1 WHERE ticket_hash = $1
           RETURNING failures AS "failures!: i64""#,
        ticket_hash
    )
    .fetch_optional(db)
    .await
    .map_err(backend)?;
    Ok(failures.unwrap_or(i64::MAX))
}

pub(crate) async fn clear_challenges<'e>(
    db: impl Executor<'e, Database = Db>,
    user: UserId,
) -> Result<(), StoreError> {
    sqlx::query!("DELETE FROM login_challenges WHERE user_id = $1", user.0)
        .execute(db)
        .await
        .map_err(backend)?;
    Ok(())
}

pub(crate) async fn note_failure<'e>(
    db: impl Executor<'e, Database = Db>,
    user: UserId,
    now: Timestamp,
) -> Result<(), StoreError> {
    sqlx::query!(
        "INSERT INTO two_fa_failures (user_id, failed_at) VALUES ($1, $2)",
        user.0,
        now.0
    )
    .execute(db)
    .await
    .map_err(backend)?;
    Ok(())
}

/// Forget the account's wrong codes older than `before` (all of them with `None`).
pub(crate) async fn forget_failures<'e>(
    db: impl Executor<'e, Database = Db>,
    user: UserId,
    before: Option<Timestamp>,
) -> Result<(), StoreError> {
    let before = before.map_or(i64::MAX, |t| t.0);
    sqlx::query!(
        "DELETE FROM two_fa_failures WHERE user_id = $1 AND failed_at < $2",
        user.0,
        before
    )
    .execute(db)
    .await
    .map_err(backend)?;
    Ok(())
}

pub(crate) async fn failures_since<'e>(
    db: impl Executor<'e, Database = Db>,
    user: UserId,
    since: Timestamp,
) -> Result<(i64, Option<Timestamp>), StoreError> {
    let row = sqlx::query!(
        r#"SELECT COUNT(*) AS "n!: i64", MAX(failed_at) AS "last: i64"
           FROM two_fa_failures WHERE user_id = $1 AND failed_at >= $2"#,
        user.0,
        since.0
    )
    .fetch_one(db)
    .await
    .map_err(backend)?;
    Ok((row.n, row.last.map(Timestamp)))
}

pub(crate) fn failures_kept_from(now: Timestamp) -> Timestamp {
    now.plus_secs(-FAILURES_KEPT_SECS)
}
