//! The Auth API's account endpoints in the document (`/api/auth/…`, each served with and
//! without its trailing slash; the twins are added by `aliases`): create, read, update and
//! delete one's own account, change its password, export its data, verify its address.
#![allow(dead_code)]

use super::responses::Throttled;
use super::schemas::{AnyObject, Detail, Invalid, Profile};
use utoipa::{OpenApi, ToSchema};

#[derive(OpenApi)]
#[openapi(paths(
    list,
    create,
    account,
    update,
    remove,
    password,
    dump_data,
    verify_email,
    verify_email_confirm,
    verify_email_link
))]
pub struct Doc;

/// A sign-up: the password twice; `lang` (`en`, `es`, `fr`) optional.
#[derive(ToSchema)]
pub struct Creation {
    username: String,
    #[schema(format = Email)]
    email: String,
    password: String,
    password2: String,
    lang: Option<String>,
    /// The original's switch; 2FA needs a verified address first, so `true` is refused.
    two_fa_enable: Option<bool>,
}

/// What creation answers.
#[derive(ToSchema)]
pub struct Created {
    username: String,
    #[schema(format = Email)]
    email: String,
    two_fa_enabled: bool,
    lang: String,
}

/// The owner's view of the account.
#[derive(ToSchema, serde::Serialize)]
pub struct Account {
    username: String,
    #[schema(format = Email)]
    email: String,
    email_verified: bool,
    /// A new address waiting for verification.
    pending_email: Option<String>,
    two_fa_enabled: bool,
    lang: String,
    #[serde(flatten)]
    profile: Profile,
}

/// A partial update (PUT and PATCH alike). A new `email`, and turning 2FA off, need the
/// current `password` (and a code to turn 2FA off); passwords change at `password/`.
#[derive(ToSchema, serde::Serialize)]
pub struct Update {
    username: Option<String>,
    #[schema(format = Email)]
    email: Option<String>,
    lang: Option<String>,
    two_fa_enabled: Option<bool>,
    password: Option<String>,
    code: Option<String>,
    recovery_code: Option<String>,
    #[serde(flatten)]
    profile: Profile,
}

/// The account as updated, with the original's `Ok`; after a rename `OK`, `new username` and
/// a new pair; after turning 2FA on, the enrolment's fields.
#[derive(ToSchema, serde::Serialize)]
pub struct Updated {
    #[serde(flatten)]
    account: Account,
    #[serde(rename = "Ok")]
    ok: String,
    #[serde(rename = "OK")]
    renamed: Option<String>,
    #[serde(rename = "new username")]
    new_username: Option<String>,
    access: Option<String>,
    refresh: Option<String>,
}

/// The current password and the new one twice.
#[derive(ToSchema)]
pub struct PasswordChange {
    password: String,
    new_password: String,
    new_password2: String,
}

/// `{"detail": "Password changed."}` and a new pair for the caller's session.
#[derive(ToSchema)]
pub struct PasswordChanged {
    detail: String,
    access: Option<String>,
    refresh: Option<String>,
}

/// The mailed link's `uid` and `token`, or (with a bearer token) the mailed `code`.
#[derive(ToSchema)]
pub struct VerifyBody {
    uid: Option<String>,
    token: Option<String>,
    code: Option<String>,
}

#[derive(ToSchema)]
pub struct Verified {
    #[schema(format = Email)]
    email: String,
    email_verified: bool,
}

const USERNAME: &str = "The account's username (the caller's own)";

/// List accounts (staff)
#[utoipa::path(get, path = "/api/auth/", tag = "Auth API: accounts", security(("bearer" = [])),
    responses(
        (status = 200, description = "Every account", body = Vec<Account>),
        (status = 403, description = "Not staff", body = Detail)))]
fn list() {}

/// Create an account
#[utoipa::path(post, path = "/api/auth/", tag = "Auth API: accounts", request_body = Creation,
    responses(
        (status = 201, description = "The account, active, its address unverified", body = Created),
        (status = 400, description = "Fields refused: taken, weak or differing passwords", body = Invalid),
        (status = 429, response = Throttled)))]
fn create() {}

/// The caller's account
#[utoipa::path(get, path = "/api/auth/{username}/", tag = "Auth API: accounts", security(("bearer" = [])),
    params(("username" = String, Path, description = USERNAME)),
    responses(
        (status = 200, description = "The account", body = Account),
        (status = 403, description = "Not the caller's", body = Detail)))]
fn account() {}

/// Update the caller's account
///
/// PUT and PATCH alike: a partial update of the fields given.
#[utoipa::path(method(put, patch), path = "/api/auth/update/{username}/", tag = "Auth API: accounts",
    security(("bearer" = [])), params(("username" = String, Path, description = USERNAME)),
    request_body = Update,
    responses(
        (status = 200, description = "Updated", body = Updated),
        (status = 400, description = "Fields refused (with `\"Error\": \"Invalid data\"`)", body = Invalid),
        (status = 403, description = "Not the caller's", body = Detail),
        (status = 409, description = "2FA already in that state: `{\"error\": …}`", body = AnyObject)))]
fn update() {}

/// Delete the caller's account
#[utoipa::path(delete, path = "/api/auth/delete/{username}/", tag = "Auth API: accounts",
    security(("bearer" = [])), params(("username" = String, Path, description = USERNAME)),
    responses(
        (status = 204, description = "Deleted"),
        (status = 403, description = "Not the caller's", body = Detail)))]
fn remove() {}

/// Change the caller's password
///
/// PUT and PATCH alike.
#[utoipa::path(method(put, patch), path = "/api/auth/password/{username}/", tag = "Auth API: accounts",
    security(("bearer" = [])), params(("username" = String, Path, description = USERNAME)),
    request_body = PasswordChange,
    responses(
        (status = 200, description = "Changed", body = PasswordChanged),
        (status = 400, description = "Wrong current password, differing or weak new ones", body = Invalid),
        (status = 403, description = "Not the caller's", body = Detail),
        (status = 429, response = Throttled)))]
fn password() {}

/// Export the caller's data
#[utoipa::path(get, path = "/api/auth/dump_data/", tag = "Auth API: accounts", security(("bearer" = [])),
    params(("delivery" = Option<String>, Query, description = "`email` (the default: mailed as an attachment) or `download`")),
    responses(
        (status = 200, description = "`{\"detail\"}` when mailed; the document itself as an attachment with `download`", body = AnyObject),
        (status = 400, description = "Another `delivery`", body = Invalid)))]
fn dump_data() {}

/// Mail a verification link and code
#[utoipa::path(post, path = "/api/auth/verify_email/", tag = "Auth API: accounts", security(("bearer" = [])),
    responses(
        (status = 200, description = "Mailed", body = Detail),
        (status = 400, description = "Already verified", body = Invalid),
        (status = 429, response = Throttled)))]
fn verify_email() {}

/// Confirm the address
#[utoipa::path(post, path = "/api/auth/verify_email/confirm/", tag = "Auth API: accounts",
    security((), ("bearer" = [])), request_body = VerifyBody,
    responses(
        (status = 200, description = "Verified", body = Verified),
        (status = 400, description = "Invalid uid, token or code; already verified; address taken", body = Invalid),
        (status = 429, response = Throttled)))]
fn verify_email_confirm() {}

/// The mailed verification link (an HTML page)
#[utoipa::path(get, path = "/api/auth/verify_email/{uid}/{token}/", tag = "Auth API: accounts",
    params(("uid" = String, Path), ("token" = String, Path)),
    responses(
        (status = 200, description = "Verified", content_type = "text/html", body = String),
        (status = 400, description = "An invalid link", content_type = "text/html", body = String)))]
fn verify_email_link() {}
