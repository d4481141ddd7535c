// Shared by both store crates, which `include!` it: the `events` table (the audit trail).
// Every query here is compile-checked against each crate's database (its `sqlx.toml` and
// `.sqlx/`); `Db` is the including crate's database.

use crate::Db;
use crate::backend;
use sqlx::Executor;
use tessera_core::Timestamp;
use tessera_core::events::{EventQuery, EventRecord, NewEvent};
use tessera_core::ports::StoreError;

/// The columns of one row, as read.
struct EventRow {
    id: i64,
    at: i64,
    kind: String,
    user_id: Option<i64>,
    actor_id: Option<i64>,
    ip: String,
    user_agent: String,
    request_id: String,
    detail: String,
}

impl From<EventRow> for EventRecord {
    fn from(r: EventRow) -> Self {
        EventRecord {
            id: r.id,
            at: r.at,
            kind: r.kind,
            user_id: r.user_id,
            actor_id: r.actor_id,
            ip: r.ip,
            user_agent: r.user_agent,
            request_id: r.request_id,
            detail: serde_json::from_str(&r.detail).unwrap_or_default(),
        }
    }
}

pub(crate) async fn record<'e>(
    db: impl Executor<'e, Database = Db>,
    event: &NewEvent,
    now: Timestamp,
) -> Result<(), StoreError> {
    let detail = serde_json::Value::Object(event.detail.clone()).to_string();
    let (kind, user, actor) = (
        event.kind.as_str(),
        event.user.map(|u| u.0),
        event.actor.map(|u| u.0),
    );
    let ip = event.origin.client.ip_text();
    sqlx::query!(
        "INSERT INTO events (at, kind, user_id, actor_id, ip, user_agent, request_id, detail)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        now.0,
        kind,
        user,
        actor,
        ip,
        event.origin.client.user_agent,
        event.origin.request_id,
        detail
    )
    .execute(db)
    .await
    .map_err(backend)?;
    Ok(())
}

/// The events `query` asks for, newest first.
pub(crate) async fn list<'e>(
    db: impl Executor<'e, Database = Db>,
    query: &EventQuery,
) -> Result<Vec<EventRecord>, StoreError> {
    let (user, kind) = (query.user.map(|u| u.0), query.kind.map(|k| k.as_str()));
    let rows = sqlx::query_as!(
        EventRow,
        r#"SELECT id AS "id!", at, kind, user_id, actor_id, ip, user_agent, request_id, detail
           FROM events
           WHERE COALESCE(user_id = $1, $1 IS NULL) AND COALESCE(kind = $2, $2 IS NULL)
             AND COALESCE(id < $3, TRUE)
           ORDER BY id DESC LIMIT $4"#,
        user,
        kind,
        query.before,
        query.limit
    )
    .fetch_all(db)
    .await
    .map_err(backend)?;
    Ok(rows.into_iter().map(EventRecord::from).collect())
}

/// Delete the events older than `before`; how many went.
pub(crate) async fn prune<'e>(
    db: impl Executor<'e, Database = Db>,
    before: Timestamp,
) -> Result<u64, StoreError> {
    let done = sqlx::query!("DELETE FROM events WHERE at < $1", before.0)
        .execute(db)
        .await
        .map_err(backend)?;
    Ok(done.rows_affected())
}
