// Shared by both store crates, which `include!` it: the operator's view of the outbox (rows
// by state, one row, a failed row put back, delivered rows purged). No query here reads a
// row's context: it holds links and codes. `Db` is the including crate's database.

use crate::Db;
use crate::backend;
use sqlx::Executor;
use tessera_core::Timestamp;
use tessera_core::mail::{NewMail, OutboxQuery, OutboxRow};
use tessera_core::ports::StoreError;

pub(crate) async fn list<'e>(
    db: impl Executor<'e, Database = Db>,
    query: &OutboxQuery,
) -> Result<Vec<OutboxRow>, StoreError> {
    let state = query.state.as_str();
    let channel = query.channel.map(|c| c.as_str());
    let since = query.since.map(|t| t.0);
    sqlx::query_as!(
        OutboxRow,
        r#"SELECT id AS "id!", channel, kind, recipient, user_id, status, attempts, last_error,
                  created_at, next_attempt_at, sent_at
           FROM mail_outbox
           WHERE status = $1 AND COALESCE(channel = $2, $2 IS NULL)
             AND COALESCE(COALESCE(sent_at, created_at) >= $3, $3 IS NULL)
           ORDER BY id DESC LIMIT $4"#,
        state,
        channel,
        since,
        query.limit
    )
    .fetch_all(db)
    .await
    .map_err(backend)
}

pub(crate) async fn one<'e>(
    db: impl Executor<'e, Database = Db>,
    id: i64,
) -> Result<Option<OutboxRow>, StoreError> {
    sqlx::query_as!(
        OutboxRow,
        r#"SELECT id AS "id!", channel, kind, recipient, user_id, status, attempts, last_error,
                  created_at, next_attempt_at, sent_at
           FROM mail_outbox WHERE id = $1"#,
        id
    )
    .fetch_optional(db)
    .await
    .map_err(backend)
}

pub(crate) async fn requeue<'e>(
    db: impl Executor<'e, Database = Db>,
    id: i64,
    mail: Option<&NewMail>,
    now: Timestamp,
) -> Result<bool, StoreError> {
    let context = mail
        .map(NewMail::stored_context)
        .transpose()
        .map_err(backend)?;
    let recipient = mail.map(|m| m.to.as_str());
    let done = sqlx::query!(
        "UPDATE mail_outbox SET status = 'pending', attempts = 0, next_attempt_at = $1,
                claimed_until = NULL, context = COALESCE($2, context),
                recipient = COALESCE($3, recipient)
         WHERE id = $4 AND status = 'failed'",
        now.0,
        context,
        recipient,
        id
    )
    .execute(db)
    .await
    .map_err(backend)?;
    Ok(done.rows_affected() == 1)
}

pub(crate) async fn purge_sent<'e>(
    db: impl Executor<'e, Database = Db>,
    before: Timestamp,
) -> Result<u64, StoreError> {
    let done = sqlx::query!(
        "DELETE FROM mail_outbox WHERE status = 'sent' AND sent_at <= $1",
        before.0
    )
    .execute(db)
    .await
    .map_err(backend)?;
    Ok(done.rows_affected())
}
