//! The admin API's outbox handlers: rows by state, one row, a failed row queued again (one, or
//! all), delivered rows purged. No answer carries a mail's context (its links and codes).

use super::errors::{admin, bad_parameter, internal};
use super::params::{Answer, Params, limit, number};
use super::{Staff, view};
use crate::AppState;
use crate::drf::{Path, Query};
use axum::Json;
use axum::extract::State;
use serde_json::json;
use tessera_core::mail::{Channel, OutboxQuery, OutboxState};

/// `GET mail/?state=failed|pending|sent&channel=mail|webhook&hours=N&limit=N`: `failed` by
/// default; `hours` keeps the rows queued (or sent) in the last N hours.
pub async fn list(State(state): State<AppState>, _: Staff, Query(params): Params) -> Answer {
    let status = match params.get("state").map(String::as_str) {
        None | Some("") => OutboxState::Failed,
        Some(s) => OutboxState::parse(s)
            .ok_or_else(|| bad_parameter("state", "Must be pending, failed or sent."))?,
    };
    let channel = match params.get("channel").map(String::as_str) {
        None | Some("") => None,
        Some(c) => Some(
            Channel::parse(c)
                .ok_or_else(|| bad_parameter("channel", "Must be mail or webhook."))?,
        ),
    };
    let since = number(&params, "hours")?.map(|h| state.accounts.ago(h.saturating_mul(3600)));
    let query = OutboxQuery {
        state: status,
        channel,
        since,
        limit: limit(&params)?,
    };
    let rows = state.accounts.outbox(&query).await.map_err(internal)?;
    Ok(Json(json!({
        "count": rows.len(),
        "results": rows.iter().map(view::outbox_row).collect::<Vec<_>>(),
    })))
}

/// `GET mail/{id}/`: one row, with its error.
pub async fn show(State(state): State<AppState>, _: Staff, Path(id): Path<i64>) -> Answer {
    let row = state.accounts.outbox_row(id).await.map_err(admin)?;
    Ok(Json(view::outbox_row(&row)))
}

/// `POST mail/{id}/retry/`: the row as it is queued again.
pub async fn retry(State(state): State<AppState>, Staff(op): Staff, Path(id): Path<i64>) -> Answer {
    let row = state.accounts.retry_outbox(&op, id).await.map_err(admin)?;
    Ok(Json(view::outbox_row(&row)))
}

/// `POST mail/retry/`: every failed row queued again, or why not.
pub async fn retry_all(State(state): State<AppState>, Staff(op): Staff) -> Answer {
    let done = state.accounts.retry_all_failed(&op).await.map_err(admin)?;
    let refused: Vec<_> = done
        .refused
        .iter()
        .map(|(id, why)| json!({"id": id, "reason": why}))
        .collect();
    Ok(Json(json!({"retried": done.retried, "refused": refused})))
}

/// `POST mail/purge/?older_than_hours=N`: the rows delivered more than N hours ago (0 by
/// default: all delivered rows) are deleted.
pub async fn purge(
    State(state): State<AppState>,
    Staff(op): Staff,
    Query(params): Params,
) -> Answer {
    let hours = number(&params, "older_than_hours")?.unwrap_or(0);
    let purged = state
        .accounts
        .purge_sent(&op, hours.saturating_mul(3600))
        .await
        .map_err(internal)?;
    Ok(Json(json!({ "purged": purged })))
}
