//! Claiming due mail on PostgreSQL: rows locked by another instance's claim are skipped
//! (`FOR UPDATE SKIP LOCKED`), so any number of instances deliver each mail once.

use crate::backend;
use sqlx::PgExecutor;
use tessera_core::Timestamp;
use tessera_core::mail::Channel;
use tessera_core::ports::StoreError;
use tessera_core::records::MailRecord;

pub(crate) async fn claim<'e>(
    db: impl PgExecutor<'e>,
    channel: Channel,
    now: Timestamp,
    until: Timestamp,
    limit: i64,
) -> Result<Vec<MailRecord>, StoreError> {
    let channel = channel.as_str();
    let mut rows = sqlx::query_as!(
        MailRecord,
        r#"UPDATE mail_outbox SET claimed_until = $2
           WHERE id IN (
               SELECT id FROM mail_outbox
               WHERE channel = $4 AND status = 'pending' AND next_attempt_at <= $1
                 AND (claimed_until IS NULL OR claimed_until <= $1)
               ORDER BY id LIMIT $3
               FOR UPDATE SKIP LOCKED)
           RETURNING id AS "id!", kind, recipient, context, attempts"#,
        now.0,
        until.0,
        limit,
        channel
    )
    .fetch_all(db)
    .await
    .map_err(backend)?;
    rows.sort_by_key(|r| r.id);
    Ok(rows)
}
