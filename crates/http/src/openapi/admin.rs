//! The admin API in the document (`/admin/api/…`): staff bearer tokens only, limited by
//! `admin_account`, refusals `{"detail", "code"}`.
#![allow(dead_code)]

use super::responses::Throttled;
use super::schemas::{AnyObject, Detail, Invalid, TwoFactorStatus};
use utoipa::{OpenApi, ToSchema};

#[derive(OpenApi)]
#[openapi(paths(
    users,
    user,
    remove,
    deactivate,
    reactivate,
    grant_staff,
    revoke_staff,
    reset_password,
    reset_two_factor,
    end_sessions,
    resend,
    events
))]
pub struct Doc;

/// One account as an operator lists it. Times are RFC 3339 in UTC.
#[derive(ToSchema, serde::Serialize)]
pub struct AdminUser {
    id: i64,
    username: String,
    email: String,
    email_verified: bool,
    is_active: bool,
    is_staff: bool,
    is_superuser: bool,
    two_fa_enabled: bool,
    lang: String,
    date_joined: String,
    last_login: Option<String>,
    last_seen: Option<String>,
}

/// A page of accounts, as DRF paginates.
#[derive(ToSchema)]
pub struct UserPage {
    count: i64,
    results: Vec<AdminUser>,
}

/// A session as an operator sees it.
#[derive(ToSchema, serde::Serialize)]
pub struct AdminSession {
    id: String,
    created_at: String,
    last_used_at: String,
    expires_at: String,
    ip: String,
    user_agent: String,
}

/// One audit event.
#[derive(ToSchema, serde::Serialize)]
pub struct Event {
    id: i64,
    at: String,
    /// `login.succeeded`, `account.deactivated`, …
    kind: String,
    user_id: Option<i64>,
    actor_id: Option<i64>,
    ip: String,
    user_agent: String,
    request_id: String,
    detail: AnyObject,
}

/// One account with all an operator sees of it.
#[derive(ToSchema, serde::Serialize)]
pub struct AccountDetail {
    #[serde(flatten)]
    user: AdminUser,
    pending_email: Option<String>,
    two_factor: TwoFactorStatus,
    sessions: Vec<AdminSession>,
    recent_events: Vec<Event>,
}

/// Events, newest first.
#[derive(ToSchema)]
pub struct EventPage {
    results: Vec<Event>,
}

/// Which first mail was sent again, and where.
#[derive(ToSchema)]
pub struct Resent {
    /// `activation` or `verification`
    resent: String,
    to: String,
}

const ID: &str = "An account's id, e-mail address or username";

/// A staff-only call, and the account it names: `$name`, `$method`, `$path`, the summary, and
/// what the account answers after it.
macro_rules! on_account {
    ($name:ident, $method:ident, $path:tt, $summary:tt, $answer:tt) => {
        #[doc = $summary]
        #[utoipa::path($method, path = $path, tag = "Admin API", security(("bearer" = [])),
            params(("id" = String, Path, description = ID)),
            responses(
                (status = 200, description = $answer, body = AccountDetail),
                (status = 403, description = "Not staff: `permission_denied`", body = Detail),
                (status = 404, description = "`not_found`", body = Detail),
                (status = 409, description = "`own_account`, `two_factor_off`", body = Detail),
                (status = 429, response = Throttled)))]
        fn $name() {}
    };
}

/// Find accounts
#[utoipa::path(get, path = "/admin/api/users/", tag = "Admin API", security(("bearer" = [])),
    params(
        ("search" = Option<String>, Query, description = "Part of the address or username"),
        ("active" = Option<bool>, Query), ("staff" = Option<bool>, Query),
        ("two_fa" = Option<bool>, Query),
        ("limit" = Option<i64>, Query, description = "1–500, 50 by default"),
        ("offset" = Option<i64>, Query)),
    responses(
        (status = 200, description = "A page of accounts, by id", body = UserPage),
        (status = 400, description = "A bad filter: `{\"active\": [\"Must be true or false.\"]}`", body = Invalid),
        (status = 403, description = "Not staff: `permission_denied`", body = Detail),
        (status = 429, response = Throttled)))]
fn users() {}

on_account!(
    user,
    get,
    "/admin/api/users/{id}/",
    "One account",
    "The account with its 2FA, sessions and recent events"
);

/// Delete an account
#[utoipa::path(delete, path = "/admin/api/users/{id}/", tag = "Admin API", security(("bearer" = [])),
    params(("id" = String, Path, description = ID)),
    responses(
        (status = 204, description = "Deleted"),
        (status = 403, description = "Not staff: `permission_denied`", body = Detail),
        (status = 404, description = "`not_found`", body = Detail),
        (status = 409, description = "`own_account`", body = Detail),
        (status = 429, response = Throttled)))]
fn remove() {}

on_account!(
    deactivate,
    post,
    "/admin/api/users/{id}/deactivate/",
    "Deactivate an account",
    "Deactivated; every session ended"
);
on_account!(
    reactivate,
    post,
    "/admin/api/users/{id}/reactivate/",
    "Reactivate an account",
    "Active again"
);
on_account!(
    grant_staff,
    post,
    "/admin/api/users/{id}/staff/",
    "Grant staff rights",
    "Staff"
);
on_account!(
    revoke_staff,
    delete,
    "/admin/api/users/{id}/staff/",
    "Take staff rights",
    "No longer staff"
);
on_account!(
    reset_password,
    post,
    "/admin/api/users/{id}/reset-password/",
    "Force a password reset",
    "Password unusable, sessions ended, a reset link mailed"
);
on_account!(
    reset_two_factor,
    post,
    "/admin/api/users/{id}/reset-2fa/",
    "Reset two-factor authentication",
    "Factor, codes and waiting logins removed; the owner mailed"
);
on_account!(
    end_sessions,
    post,
    "/admin/api/users/{id}/end-sessions/",
    "End every session",
    "Every session ended"
);

/// Mail the activation or verification link again
#[utoipa::path(post, path = "/admin/api/users/{id}/resend/", tag = "Admin API", security(("bearer" = [])),
    params(("id" = String, Path, description = ID)),
    responses(
        (status = 200, description = "Mailed", body = Resent),
        (status = 403, description = "Not staff: `permission_denied`", body = Detail),
        (status = 404, description = "`not_found`", body = Detail),
        (status = 409, description = "`nothing_to_resend`", body = Detail),
        (status = 429, response = Throttled)))]
fn resend() {}

/// Audit events
#[utoipa::path(get, path = "/admin/api/events/", tag = "Admin API", security(("bearer" = [])),
    params(
        ("user" = Option<String>, Query, description = ID),
        ("kind" = Option<String>, Query, description = "One kind of event"),
        ("before" = Option<i64>, Query, description = "An event id: the next page"),
        ("limit" = Option<i64>, Query, description = "1–500, 50 by default")),
    responses(
        (status = 200, description = "Newest first", body = EventPage),
        (status = 400, description = "A bad filter", body = Invalid),
        (status = 403, description = "Not staff: `permission_denied`", body = Detail),
        (status = 404, description = "`user` names no account", body = Detail),
        (status = 429, response = Throttled)))]
fn events() {}
