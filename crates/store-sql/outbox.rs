// Shared by both store crates, which `include!` it: the `mail_outbox` table (mail and webhook
// POSTs, one channel each), enqueued in a transaction, and the workers' bookkeeping; claiming
// due rows is each database's own (`claim.rs`). `Db` is the including crate's database.

use crate::Db;
use crate::backend;
use sqlx::Executor;
use tessera_core::Timestamp;
use tessera_core::mail::{Channel, NewMail, NewWebhook};
use tessera_core::ports::{MailFailure, OutboxDepth, StoreError};

/// One row to queue, of either channel.
struct Row<'a> {
    channel: Channel,
    user_id: Option<i64>,
    kind: &'a str,
    recipient: &'a str,
    context: &'a str,
}

async fn insert<'e>(
    db: impl Executor<'e, Database = Db>,
    row: Row<'_>,
    now: Timestamp,
) -> Result<(), StoreError> {
    let channel = row.channel.as_str();
    sqlx::query!(
        "INSERT INTO mail_outbox
             (channel, user_id, kind, recipient, context, next_attempt_at, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
        channel,
        row.user_id,
        row.kind,
        row.recipient,
        row.context,
        now.0,
        now.0
    )
    .execute(db)
    .await
    .map_err(backend)?;
    Ok(())
}

pub(crate) async fn enqueue<'e>(
    db: impl Executor<'e, Database = Db>,
    mail: &NewMail,
    now: Timestamp,
) -> Result<(), StoreError> {
    let context = mail.stored_context().map_err(backend)?;
    let row = Row {
        channel: Channel::Mail,
        user_id: mail.user_id.map(|u| u.0),
        kind: mail.kind.as_str(),
        recipient: mail.to.as_str(),
        context: &context,
    };
    insert(db, row, now).await
}

pub(crate) async fn enqueue_webhook<'e>(
    db: impl Executor<'e, Database = Db>,
    hook: &NewWebhook,
    now: Timestamp,
) -> Result<(), StoreError> {
    let row = Row {
        channel: Channel::Webhook,
        user_id: None,
        kind: hook.kind,
        recipient: &hook.url,
        context: &hook.body,
    };
    insert(db, row, now).await
}

/// How many mails are pending, and when the oldest of them was queued.
pub(crate) async fn depth<'e>(
    db: impl Executor<'e, Database = Db>,
) -> Result<OutboxDepth, StoreError> {
    let row = sqlx::query!(
        r#"SELECT COUNT(*) AS "pending!: i64", MIN(created_at) AS "oldest: i64"
           FROM mail_outbox WHERE status = 'pending' AND channel = 'mail'"#
    )
    .fetch_one(db)
    .await
    .map_err(backend)?;
    Ok(OutboxDepth {
        pending: row.pending,
        oldest: row.oldest.map(Timestamp),
    })
}

/// Let claimed mails go (a worker that stops before delivering them).
pub(crate) async fn release<'e>(
    db: impl Executor<'e, Database = Db>,
    id: i64,
) -> Result<(), StoreError> {
    sqlx::query!(
        "UPDATE mail_outbox SET claimed_until = NULL WHERE id = $1 AND status = 'pending'",
        id
    )
    .execute(db)
    .await
    .map_err(backend)?;
    Ok(())
}

pub(crate) async fn sent<'e>(
    db: impl Executor<'e, Database = Db>,
    id: i64,
    now: Timestamp,
) -> Result<(), StoreError> {
    sqlx::query!(
        "UPDATE mail_outbox SET status = 'sent', context = '{}', sent_at = $1,
             attempts = attempts + 1, claimed_until = NULL
         WHERE id = $2",
        now.0,
        id
    )
    .execute(db)
    .await
    .map_err(backend)?;
    Ok(())
}

pub(crate) async fn failed<'e>(
    db: impl Executor<'e, Database = Db>,
    id: i64,
    f: &MailFailure,
) -> Result<(), StoreError> {
    let (status, next) = match f.retry_at {
        Some(at) => ("pending", at.0),
        None => ("failed", 0),
    };
    // A mail given up keeps its error, not its links and codes (as one delivered); a webhook's
    // body carries no secret and stays, for a retry.
    sqlx::query!(
        "UPDATE mail_outbox SET status = $1, attempts = $2, next_attempt_at = $3, last_error = $4,
                context = CASE WHEN $1 = 'failed' AND channel = 'mail' THEN '{}' ELSE context END,
                claimed_until = NULL
         WHERE id = $5",
        status,
        i64::from(f.attempts),
        next,
        f.error,
        id
    )
    .execute(db)
    .await
    .map_err(backend)?;
    Ok(())
}
