//! The admin API's outbox calls in the document (`/admin/api/mail/…`): rows by state, one
//! row, retries, purging delivered rows. No answer carries a mail's links or codes.
#![allow(dead_code)]

use super::responses::Throttled;
use super::schemas::{Detail, Invalid};
use utoipa::{OpenApi, ToSchema};

#[derive(OpenApi)]
#[openapi(paths(rows, row, retry, retry_all, purge))]
pub struct Doc;

/// One row of the outbox: a mail, or a webhook POST. Times are RFC 3339 in UTC.
#[derive(ToSchema, serde::Serialize)]
pub struct OutboxRow {
    id: i64,
    /// `mail` or `webhook`
    channel: String,
    /// The mail's kind (`activation`…) or the event's name (`account.deleted`…)
    kind: String,
    /// The address, or the receiver's URL
    recipient: String,
    user_id: Option<i64>,
    /// `pending`, `failed` or `sent`
    status: String,
    attempts: i64,
    last_error: Option<String>,
    created_at: String,
    /// When a pending row is due
    next_attempt_at: Option<String>,
    sent_at: Option<String>,
}

#[derive(ToSchema)]
pub struct OutboxPage {
    count: i64,
    results: Vec<OutboxRow>,
}

#[derive(ToSchema)]
pub struct Refused {
    id: i64,
    reason: String,
}

#[derive(ToSchema)]
pub struct RetriedAll {
    retried: Vec<i64>,
    refused: Vec<Refused>,
}

#[derive(ToSchema)]
pub struct Purged {
    purged: i64,
}

/// Rows of the outbox
#[utoipa::path(get, path = "/admin/api/mail/", tag = "Admin API", security(("bearer" = [])),
    params(
        ("state" = Option<String>, Query, description = "`pending`, `failed` (the default) or `sent`"),
        ("channel" = Option<String>, Query, description = "`mail` or `webhook`; both when left out"),
        ("hours" = Option<i64>, Query, description = "Only rows queued (or sent) in the last N hours"),
        ("limit" = Option<i64>, Query, description = "1–500, 50 by default")),
    responses(
        (status = 200, description = "Newest first", body = OutboxPage),
        (status = 400, description = "A bad filter: `{\"state\": [\"Must be pending, failed or sent.\"]}`", body = Invalid),
        (status = 403, description = "Not staff: `permission_denied`", body = Detail),
        (status = 429, response = Throttled)))]
fn rows() {}

/// One row of the outbox, with its last error
#[utoipa::path(get, path = "/admin/api/mail/{id}/", tag = "Admin API", security(("bearer" = [])),
    params(("id" = i64, Path, description = "The row's id")),
    responses(
        (status = 200, description = "The row", body = OutboxRow),
        (status = 400, description = "Not a number", body = Invalid),
        (status = 403, description = "Not staff: `permission_denied`", body = Detail),
        (status = 404, description = "`not_found`", body = Detail),
        (status = 429, response = Throttled)))]
fn row() {}

/// Queue a failed row again (a mail is made again from its account, with a fresh link)
#[utoipa::path(post, path = "/admin/api/mail/{id}/retry/", tag = "Admin API", security(("bearer" = [])),
    params(("id" = i64, Path, description = "The row's id")),
    responses(
        (status = 200, description = "The row, pending again", body = OutboxRow),
        (status = 400, description = "Not a number", body = Invalid),
        (status = 403, description = "Not staff: `permission_denied`", body = Detail),
        (status = 404, description = "`not_found`", body = Detail),
        (status = 409, description = "`not_failed`, or `cannot_retry` with why", body = Detail),
        (status = 429, response = Throttled)))]
fn retry() {}

/// Queue every failed row again
#[utoipa::path(post, path = "/admin/api/mail/retry/", tag = "Admin API", security(("bearer" = [])),
    responses(
        (status = 200, description = "What was queued again, and what could not be, with why", body = RetriedAll),
        (status = 403, description = "Not staff: `permission_denied`", body = Detail),
        (status = 429, response = Throttled)))]
fn retry_all() {}

/// Delete delivered rows
#[utoipa::path(post, path = "/admin/api/mail/purge/", tag = "Admin API", security(("bearer" = [])),
    params(("older_than_hours" = Option<i64>, Query, description = "Only rows sent more than N hours ago; all by default")),
    responses(
        (status = 200, description = "How many went", body = Purged),
        (status = 400, description = "Not a number", body = Invalid),
        (status = 403, description = "Not staff: `permission_denied`", body = Detail),
        (status = 429, response = Throttled)))]
fn purge() {}
