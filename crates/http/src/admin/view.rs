//! The admin API's JSON shapes of accounts, their details, events and outbox rows (the CLI's `--json`
//! prints the same). Times are RFC 3339 in UTC.

use serde_json::{Value, json};
use tessera_core::Timestamp;
use tessera_core::accounts::{AccountDetail, UserPage};
use tessera_core::events::EventRecord;
use tessera_core::mail::OutboxRow;
use tessera_core::ports::UserListing;
use tessera_core::records::SessionRecord;

fn time(secs: i64) -> Value {
    Value::String(Timestamp(secs).rfc3339())
}

fn time_or_null(secs: Option<i64>) -> Value {
    secs.map_or(Value::Null, time)
}

/// One account of a list.
pub fn user(listing: &UserListing) -> Value {
    let u = &listing.user;
    json!({
        "id": u.id.0,
        "username": u.username.as_str(),
        "email": u.email.as_str(),
        "email_verified": u.email_verified,
        "is_active": u.is_active,
        "is_staff": u.is_staff,
        "is_superuser": u.is_superuser,
        "two_fa_enabled": u.two_fa_enabled,
        "lang": u.lang.as_str(),
        "date_joined": time(u.date_joined.0),
        "last_login": time_or_null(u.last_login.map(|t| t.0)),
        "last_seen": time_or_null(listing.last_seen),
    })
}

/// A page of accounts: `{count, results}` as DRF paginates.
pub fn page(page: &UserPage) -> Value {
    json!({
        "count": page.total,
        "results": page.users.iter().map(user).collect::<Vec<_>>(),
    })
}

fn session(s: &SessionRecord) -> Value {
    json!({
        "id": s.id,
        "created_at": time(s.created_at),
        "last_used_at": time(s.last_used_at),
        "expires_at": time(s.expires_at),
        "ip": s.ip,
        "user_agent": s.user_agent,
    })
}

/// One event.
pub fn event(e: &EventRecord) -> Value {
    json!({
        "id": e.id,
        "at": time(e.at),
        "kind": e.kind,
        "user_id": e.user_id,
        "actor_id": e.actor_id,
        "ip": e.ip,
        "user_agent": e.user_agent,
        "request_id": e.request_id,
        "detail": e.detail,
    })
}

/// One account with all an operator sees of it.
pub fn detail(d: &AccountDetail) -> Value {
    let mut shown = user(&d.listing);
    let extra = json!({
        "pending_email": d.pending_email.as_ref().map(|e| e.as_str()),
        "two_factor": {
            "enabled": d.two_factor.enabled,
            "enrolment_pending": d.two_factor.pending,
            "methods": d.two_factor.methods,
            "recovery_codes_left": d.two_factor.recovery_codes_left,
        },
        "sessions": d.sessions.iter().map(session).collect::<Vec<_>>(),
        "recent_events": d.recent_events.iter().map(event).collect::<Vec<_>>(),
    });
    if let (Value::Object(shown), Value::Object(extra)) = (&mut shown, extra) {
        shown.extend(extra);
    }
    shown
}

/// One row of the outbox (never its context).
pub fn outbox_row(r: &OutboxRow) -> Value {
    json!({
        "id": r.id,
        "channel": r.channel,
        "kind": r.kind,
        "recipient": r.recipient,
        "user_id": r.user_id,
        "status": r.status,
        "attempts": r.attempts,
        "last_error": r.last_error,
        "created_at": time(r.created_at),
        "next_attempt_at": (r.status == "pending").then(|| time(r.next_attempt_at)),
        "sent_at": time_or_null(r.sent_at),
    })
}
