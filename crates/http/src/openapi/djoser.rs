//! The Djoser dialect's user endpoints in the document (`/auth/users/…`): Djoser 2.3.5's
//! paths, statuses and DRF-shaped refusals. Each function carries one operation's
//! `#[utoipa::path]` and is never called.
#![allow(dead_code)]

use super::responses::Throttled;
use super::schemas::{Invalid, Profile};
use utoipa::{OpenApi, ToSchema};

#[derive(OpenApi)]
#[openapi(paths(
    list,
    register,
    me,
    change_me,
    delete_me,
    by_id,
    change_by_id,
    delete_by_id,
    activation,
    resend_activation,
    set_password,
    reset_password,
    reset_password_confirm,
    set_email,
    reset_email,
    reset_email_confirm
))]
pub struct Doc;

/// Djoser's user record, with the profile fields.
#[derive(ToSchema, serde::Serialize)]
pub struct DjoserUser {
    id: i64,
    #[schema(format = Email)]
    email: String,
    username: String,
    #[serde(flatten)]
    profile: Profile,
}

/// What registration answers.
#[derive(ToSchema)]
pub struct Registered {
    #[schema(format = Email)]
    email: String,
    id: i64,
    username: String,
}

/// A sign-up: the login address, a username, a password Django's validators accept, and
/// the optional profile fields.
#[derive(ToSchema, serde::Serialize)]
pub struct Registration {
    #[schema(format = Email)]
    email: String,
    username: String,
    password: String,
    #[serde(flatten)]
    profile: Profile,
}

/// A change of the record: PUT needs `username`, PATCH takes any subset; `id` and `email`
/// are read-only (the address changes at `set_email/`).
#[derive(ToSchema, serde::Serialize)]
pub struct UserChange {
    username: Option<String>,
    #[serde(flatten)]
    profile: Profile,
}

/// `{"current_password": "…"}`
#[derive(ToSchema)]
pub struct CurrentPassword {
    current_password: String,
}

/// A mailed link's `uid` and `token`.
#[derive(ToSchema)]
pub struct UidToken {
    uid: String,
    token: String,
}

/// `{"email": "…"}`
#[derive(ToSchema)]
pub struct EmailBody {
    #[schema(format = Email)]
    email: String,
}

#[derive(ToSchema)]
pub struct SetPassword {
    new_password: String,
    current_password: String,
}

#[derive(ToSchema)]
pub struct ResetPasswordConfirm {
    uid: String,
    token: String,
    new_password: String,
}

#[derive(ToSchema)]
pub struct SetEmail {
    current_password: String,
    #[schema(format = Email)]
    new_email: String,
}

#[derive(ToSchema)]
pub struct ResetEmailConfirm {
    uid: String,
    token: String,
    #[schema(format = Email)]
    new_email: String,
}

/// List users
///
/// Staff see every account; anyone else only their own (HIDE_USERS).
#[utoipa::path(get, path = "/auth/users/", tag = "Djoser: users", security(("bearer" = [])),
    responses((status = 200, description = "The accounts the caller may see", body = Vec<DjoserUser>)))]
fn list() {}

/// Register
///
/// The account is inactive until the mailed activation link is followed.
#[utoipa::path(post, path = "/auth/users/", tag = "Djoser: users", request_body = Registration,
    responses(
        (status = 201, description = "The new account", body = Registered),
        (status = 400, description = "Fields refused: taken address or username, a weak password", body = Invalid),
        (status = 429, response = Throttled)))]
fn register() {}

/// The caller's record
#[utoipa::path(get, path = "/auth/users/me/", tag = "Djoser: users", security(("bearer" = [])),
    responses((status = 200, description = "The caller's record", body = DjoserUser)))]
fn me() {}

/// Change the caller's record
///
/// PUT needs `username`; PATCH takes any subset.
#[utoipa::path(method(put, patch), path = "/auth/users/me/", tag = "Djoser: users", security(("bearer" = [])),
    request_body = UserChange,
    responses(
        (status = 200, description = "The record as changed", body = DjoserUser),
        (status = 400, description = "Fields refused (a taken username)", body = Invalid)))]
fn change_me() {}

/// Delete the caller's account
#[utoipa::path(delete, path = "/auth/users/me/", tag = "Djoser: users", security(("bearer" = [])),
    request_body = CurrentPassword,
    responses(
        (status = 204, description = "Deleted"),
        (status = 400, description = "`current_password` missing or wrong", body = Invalid)))]
fn delete_me() {}

/// One user's record
#[utoipa::path(get, path = "/auth/users/{id}/", tag = "Djoser: users", security(("bearer" = [])),
    params(("id" = String, Path, description = "The account's id")),
    responses(
        (status = 200, description = "The record", body = DjoserUser),
        (status = 404, description = "No such account, or not the caller's (non-staff)", body = super::schemas::Detail)))]
fn by_id() {}

/// Change a user's record
///
/// PUT needs `username`; PATCH takes any subset.
#[utoipa::path(method(put, patch), path = "/auth/users/{id}/", tag = "Djoser: users", security(("bearer" = [])),
    params(("id" = String, Path, description = "The account's id")),
    request_body = UserChange,
    responses(
        (status = 200, description = "The record as changed", body = DjoserUser),
        (status = 400, description = "Fields refused", body = Invalid),
        (status = 404, description = "No such account, or not the caller's (non-staff)", body = super::schemas::Detail)))]
fn change_by_id() {}

/// Delete a user's account
#[utoipa::path(delete, path = "/auth/users/{id}/", tag = "Djoser: users", security(("bearer" = [])),
    params(("id" = String, Path, description = "The account's id")),
    request_body = CurrentPassword,
    responses(
        (status = 204, description = "Deleted"),
        (status = 400, description = "`current_password` missing or wrong", body = Invalid),
        (status = 403, description = "Another's account, to a non-staff caller", body = super::schemas::Detail),
        (status = 404, description = "No such account", body = super::schemas::Detail)))]
fn delete_by_id() {}

/// Activate an account
///
/// The `uid` and `token` of the mailed activation link.
#[utoipa::path(post, path = "/auth/users/activation/", tag = "Djoser: users", request_body = UidToken,
    responses(
        (status = 204, description = "Activated"),
        (status = 400, description = "Invalid uid or token", body = Invalid),
        (status = 403, description = "`Stale token for given user.`: already active", body = super::schemas::Detail)))]
fn activation() {}

/// Mail the activation link again
#[utoipa::path(post, path = "/auth/users/resend_activation/", tag = "Djoser: users", request_body = EmailBody,
    responses(
        (status = 204, description = "Mailed (or nothing to mail)"),
        (status = 400, description = "Not an address, or `[\"User with given email does not exist.\"]`", body = Invalid),
        (status = 429, response = Throttled)))]
fn resend_activation() {}

/// Change the caller's password
#[utoipa::path(post, path = "/auth/users/set_password/", tag = "Djoser: users", security(("bearer" = [])),
    request_body = SetPassword,
    responses(
        (status = 204, description = "Changed; the account's other sessions end (`TESSERA_REVOKE_ON_PASSWORD_CHANGE`)"),
        (status = 400, description = "Wrong current password, or a weak new one", body = Invalid),
        (status = 429, response = Throttled)))]
fn set_password() {}

/// Mail a password-reset link
///
/// 204 whether or not the address has an account.
#[utoipa::path(post, path = "/auth/users/reset_password/", tag = "Djoser: users", request_body = EmailBody,
    responses(
        (status = 204, description = "Mailed when the address has an account"),
        (status = 400, description = "Not an address", body = Invalid),
        (status = 429, response = Throttled)))]
fn reset_password() {}

/// Set a new password with a mailed reset link
#[utoipa::path(post, path = "/auth/users/reset_password_confirm/", tag = "Djoser: users",
    request_body = ResetPasswordConfirm,
    responses(
        (status = 204, description = "Changed; every session ends"),
        (status = 400, description = "Invalid uid or token, or a weak password", body = Invalid),
        (status = 429, response = Throttled)))]
fn reset_password_confirm() {}

/// Change the caller's login address
#[utoipa::path(post, path = "/auth/users/set_email/", tag = "Djoser: users", security(("bearer" = [])),
    request_body = SetEmail,
    responses(
        (status = 204, description = "Changed"),
        (status = 400, description = "Wrong password, or the address is taken", body = Invalid),
        (status = 429, response = Throttled)))]
fn set_email() {}

/// Mail an address-reset link
#[utoipa::path(post, path = "/auth/users/reset_email/", tag = "Djoser: users", request_body = EmailBody,
    responses(
        (status = 204, description = "Mailed when the address has an account"),
        (status = 400, description = "Not an address", body = Invalid),
        (status = 429, response = Throttled)))]
fn reset_email() {}

/// Set a new login address with a mailed link
#[utoipa::path(post, path = "/auth/users/reset_email_confirm/", tag = "Djoser: users",
    request_body = ResetEmailConfirm,
    responses(
        (status = 204, description = "Changed"),
        (status = 400, description = "Invalid uid or token, or the address is taken", body = Invalid),
        (status = 429, response = Throttled)))]
fn reset_email_confirm() {}
