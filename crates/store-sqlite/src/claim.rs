//! Claiming due mail on SQLite: the one writer makes the claim atomic (no row locks to
//! skip), so any number of workers on one database file deliver each mail once. A read
//! looks first, so a poll with nothing due never waits for the write lock.

use crate::backend;
use sqlx::SqlitePool;
use tessera_core::Timestamp;
use tessera_core::mail::Channel;
use tessera_core::ports::StoreError;
use tessera_core::records::MailRecord;

pub(crate) async fn claim(
    pool: &SqlitePool,
    channel: Channel,
    now: Timestamp,
    until: Timestamp,
    limit: i64,
) -> Result<Vec<MailRecord>, StoreError> {
    let channel = channel.as_str();
    let due = sqlx::query_scalar!(
        r#"SELECT EXISTS (SELECT 1 FROM mail_outbox
               WHERE channel = $2 AND status = 'pending' AND next_attempt_at <= $1
                 AND (claimed_until IS NULL OR claimed_until <= $1)) AS "due!: bool""#,
        now.0,
        channel
    )
    .fetch_one(pool)
    .await
    .map_err(backend)?;
    if !due {
        return Ok(Vec::new());
    }
    let mut rows = sqlx::query_as!(
        MailRecord,
        r#"UPDATE mail_outbox SET claimed_until = $2
           WHERE id IN (
               SELECT id FROM mail_outbox
               WHERE channel = $4 AND status = 'pending' AND next_attempt_at <= $1
                 AND (claimed_until IS NULL OR claimed_until <= $1)
               ORDER BY id LIMIT $3)
           RETURNING id AS "id!", kind, recipient, context, attempts"#,
        now.0,
        until.0,
        limit,
        channel
    )
    .fetch_all(pool)
    .await
    .map_err(backend)?;
    rows.sort_by_key(|r| r.id);
    Ok(rows)
}
