//! The Djoser dialect under `/auth/`: Djoser 2.3.5's user endpoints and SimpleJWT's token
//! endpoints, with their paths, status codes and bodies.

mod account;
mod activation;
mod email;
mod errors;
mod jwt;
mod passwords;
mod view;

use crate::AppState;
use crate::auth::login_required;
use crate::{sessions, two_factor};
use axum::Json;
use axum::Router;
use axum::http::header::{HOST, LOCATION};
use axum::http::{HeaderMap, HeaderValue, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, get, post};
use serde_json::{Value, json};
use tessera_core::accounts::{Actor, Reach};
use tessera_core::domain::User;

/// The caller: staff reach every account here; others see only their own (HIDE_USERS).
fn actor(me: &User) -> Actor<'_> {
    Actor::new(me, Reach::Staff)
}

pub fn routes() -> Router<AppState> {
    // Djoser's user views are one ViewSet: a method none of its actions serves meets its
    // default permission (a login) before the 405, as DRF checks permissions first.
    let users = login_required;
    let dialect = Router::new()
        .route("/users/", users(get(account::list).post(account::register)))
        .route(
            "/users/me/",
            users(
                get(account::me)
                    .put(account::put_me)
                    .patch(account::patch_me)
                    .delete(account::delete_me),
            ),
        )
        .route(
            "/users/{id}/",
            users(
                get(account::by_id)
                    .put(account::put_by_id)
                    .patch(account::patch_by_id)
                    .delete(account::delete_by_id),
            ),
        )
        .route(
            "/users/me/sessions/",
            users(get(sessions::list).delete(sessions::end_all)),
        )
        .route("/users/me/sessions/{id}/", users(delete(sessions::end)))
        .route("/users/activation/", users(post(activation::activate)))
        .route("/users/resend_activation/", users(post(activation::resend)))
        .route("/users/set_password/", users(post(passwords::set)))
        .route("/users/reset_password/", users(post(passwords::reset)))
        .route(
            "/users/reset_password_confirm/",
            users(post(passwords::reset_confirm)),
        )
        .route("/users/set_email/", users(post(email::set)))
        .route("/users/reset_email/", users(post(email::reset)))
        .route(
            "/users/reset_email_confirm/",
            users(post(email::reset_confirm)),
        )
        .route("/user/confirm-activation/{email}", get(activation::status))
        .route("/user/confirm-activation/{email}/", get(activation::status))
        .route("/jwt/create/", post(jwt::create))
        .route("/jwt/create", post(jwt::create))
        .route("/jwt/refresh/", post(jwt::refresh))
        .route("/jwt/refresh", post(jwt::refresh))
        .route("/jwt/verify/", post(jwt::verify))
        .route("/jwt/verify", post(jwt::verify))
        .merge(two_factor_routes());
    Router::new()
        .route("/auth/", get(root))
        .nest("/auth", dialect)
}

/// Two-factor authentication: the login's second step beside `jwt/create/` (with and without
/// the slash, as SimpleJWT's paths), the account's 2FA under `users/me/2fa/`.
fn two_factor_routes() -> Router<AppState> {
    use jwt::Djoser;
    let users = login_required;
    let mut router = Router::new();
    for (path, handler) in [
        ("/jwt/2fa/", post(two_factor::second_step::<Djoser>)),
        ("/jwt/2fa/email/", post(two_factor::send_code)),
    ] {
        router = router
            .route(path, handler.clone())
            .route(path.trim_end_matches('/'), handler);
    }
    router
        .route("/users/me/2fa/", users(get(two_factor::status)))
        .route(
            "/users/me/2fa/email/",
            users(post(two_factor::send_security_code::<Djoser>)),
        )
        .route(
            "/users/me/2fa/totp/",
            users(post(two_factor::enrol::<Djoser>)),
        )
        .route(
            "/users/me/2fa/totp/confirm/",
            users(post(two_factor::confirm::<Djoser>)),
        )
        .route(
            "/users/me/2fa/disable/",
            users(post(two_factor::disable::<Djoser>)),
        )
        .route(
            "/users/me/2fa/recovery_codes/",
            users(post(two_factor::regenerate::<Djoser>)),
        )
}

/// DRF's API root: the router's one list endpoint.
async fn root(headers: HeaderMap) -> Json<Value> {
    let host = headers
        .get(HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or("localhost");
    Json(json!({"users": format!("http://{host}/auth/users/")}))
}

/// Django's APPEND_SLASH for this dialect: `users/…` without its trailing slash (a path the
/// router has with one) is redirected (301) to the slashed path.
pub fn append_slash(uri: &Uri) -> Option<Response> {
    let path = uri.path();
    let last = path.rsplit('/').next().unwrap_or("");
    let under_users = path == "/auth/users" || path.starts_with("/auth/users/");
    if !under_users || last.is_empty() || last.contains('.') {
        return None;
    }
    let location = match uri.query() {
        Some(q) => format!("{path}/?{q}"),
        None => format!("{path}/"),
    };
    let value = HeaderValue::from_str(&location).ok()?;
    Some((StatusCode::MOVED_PERMANENTLY, [(LOCATION, value)]).into_response())
}
