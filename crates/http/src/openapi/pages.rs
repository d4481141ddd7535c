//! Tessera's own HTML pages in the document: Django's password-reset pages and the page that
//! undoes an e-mail change (CSRF-protected forms; each path served with and without its
//! trailing slash, the twins added by `aliases`).
#![allow(dead_code)]

use super::responses::Throttled;
use super::schemas::{Empty, Invalid};
use utoipa::{OpenApi, ToSchema};

#[derive(OpenApi)]
#[openapi(paths(
    reset_form,
    reset_request,
    reset_done,
    reset_complete,
    set_form,
    set,
    follow_link,
    undo_form,
    undo
))]
pub struct Doc;

/// The reset request form (or JSON with `email` alone).
#[derive(ToSchema)]
pub struct ResetRequest {
    #[schema(format = Email)]
    email: String,
    /// The `csrftoken` cookie's value (forms only).
    csrfmiddlewaretoken: Option<String>,
}

/// The new password twice.
#[derive(ToSchema)]
pub struct SetPassword {
    new_password1: String,
    new_password2: String,
    csrfmiddlewaretoken: String,
}

/// The undo form's CSRF token.
#[derive(ToSchema)]
pub struct UndoForm {
    csrfmiddlewaretoken: String,
}

const FORM: &str = "application/x-www-form-urlencoded";
const CSRF: &str = "The form's CSRF check failed (token, cookie, Origin or Referer)";

/// The password-reset request form
#[utoipa::path(get, path = "/api/auth/password_reset/", tag = "Pages",
    responses((status = 200, description = "The form", content_type = "text/html", body = String)))]
fn reset_form() {}

/// Ask for a password-reset link
///
/// A form POST redirects to `done/`; a JSON POST answers `{}`. Nothing tells whether the
/// address has an account.
#[utoipa::path(post, path = "/api/auth/password_reset/", tag = "Pages",
    request_body(content(
        (ResetRequest = "application/x-www-form-urlencoded"),
        (ResetRequest = "application/json"))),
    responses(
        (status = 200, description = "JSON: `{}`; a form with a bad address: the form again",
            content((Empty = "application/json"), (String = "text/html"))),
        (status = 302, description = "To `done/`"),
        (status = 400, description = "JSON: not an address", body = Invalid),
        (status = 403, description = CSRF, content_type = "text/html", body = String),
        (status = 429, response = Throttled)))]
fn reset_request() {}

/// After the request
#[utoipa::path(get, path = "/api/auth/password_reset/done/", tag = "Pages",
    responses((status = 200, description = "The page", content_type = "text/html", body = String)))]
fn reset_done() {}

/// After the reset
#[utoipa::path(get, path = "/api/auth/reset/done/", tag = "Pages",
    responses((status = 200, description = "The page", content_type = "text/html", body = String)))]
fn reset_complete() {}

/// The set-password form
///
/// Shown when the reset cookie holds a valid token for `uid`.
#[utoipa::path(get, path = "/api/auth/reset/{uid}/set-password/", tag = "Pages",
    params(("uid" = String, Path)),
    responses((status = 200, description = "The form, or the invalid-link page", content_type = "text/html", body = String)))]
fn set_form() {}

/// Set the new password
#[utoipa::path(post, path = "/api/auth/reset/{uid}/set-password/", tag = "Pages",
    params(("uid" = String, Path)),
    request_body(content = SetPassword, content_type = FORM),
    responses(
        (status = 200, description = "The form with its errors, or the invalid-link page", content_type = "text/html", body = String),
        (status = 302, description = "Changed: to `reset/done/`"),
        (status = 403, description = CSRF, content_type = "text/html", body = String),
        (status = 429, response = Throttled)))]
fn set() {}

/// The mailed reset link
///
/// A valid link moves its token into a cookie and redirects to the form.
#[utoipa::path(get, path = "/api/auth/reset/{uid}/{token}/", tag = "Pages",
    params(("uid" = String, Path), ("token" = String, Path)),
    responses(
        (status = 200, description = "The invalid-link page", content_type = "text/html", body = String),
        (status = 302, description = "To `reset/{uid}/set-password/`")))]
fn follow_link() {}

/// The page that undoes an e-mail change
#[utoipa::path(get, path = "/api/auth/email/undo/{token}/", tag = "Pages",
    params(("token" = String, Path, description = "From the mail sent to the old address")),
    responses((status = 200, description = "The form, or the invalid-link page", content_type = "text/html", body = String)))]
fn undo_form() {}

/// Undo an e-mail change
#[utoipa::path(post, path = "/api/auth/email/undo/{token}/", tag = "Pages",
    params(("token" = String, Path, description = "From the mail sent to the old address")),
    request_body(content = UndoForm, content_type = FORM),
    responses(
        (status = 200, description = "The old address is back", content_type = "text/html", body = String),
        (status = 400, description = "An invalid link", content_type = "text/html", body = String),
        (status = 403, description = CSRF, content_type = "text/html", body = String),
        (status = 409, description = "The old address has been taken since", content_type = "text/html", body = String),
        (status = 429, response = Throttled)))]
fn undo() {}
