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
use axum::routing::{MethodRouter, delete, get, post};
use serde_json::{Value, json};
use tessera_core::accounts::{Actor, Reach};
use tessera_core::domain::User;

/// The caller: staff reach every account here; others see only their own (HIDE_USERS).
fn actor(me: &User) -> Actor<'_> {
    Actor::new(me, Reach::Staff)
}

/// Where the dialect is mounted.
const BASE: &str = "/auth";

/// Every route under `/auth`, written out whole rather than nested: a nested router strips
/// its prefix off each request's URI, which costs a new URI per request.
pub fn routes() -> Router<AppState> {
    use jwt::Djoser;
    // Djoser's user views are one ViewSet: a method none of its actions serves meets its
    // default permission (a login) before the 405, as DRF checks permissions first.
    let users = login_required;
    let me = get(account::me)
        .put(account::put_me)
        .patch(account::patch_me)
        .delete(account::delete_me);
    let by_id = get(account::by_id)
        .put(account::put_by_id)
        .patch(account::patch_by_id)
        .delete(account::delete_by_id);
    let routes: [(&str, MethodRouter<AppState>); 20] = [
        ("/", get(root)),
        ("/users/", users(get(account::list).post(account::register))),
        ("/users/me/", users(me)),
        ("/users/{id}/", users(by_id)),
        (
            "/users/me/sessions/",
            users(get(sessions::list).delete(sessions::end_all)),
        ),
        ("/users/me/sessions/{id}/", users(delete(sessions::end))),
        ("/users/activation/", users(post(activation::activate))),
        ("/users/resend_activation/", users(post(activation::resend))),
        ("/users/set_password/", users(post(passwords::set))),
        ("/users/reset_password/", users(post(passwords::reset))),
        (
            "/users/reset_password_confirm/",
            users(post(passwords::reset_confirm)),
        ),
        ("/users/set_email/", users(post(email::set))),
        ("/users/reset_email/", users(post(email::reset))),
        (
            "/users/reset_email_confirm/",
            users(post(email::reset_confirm)),
        ),
        ("/users/me/2fa/", users(get(two_factor::status))),
        (
            "/users/me/2fa/email/",
            users(post(two_factor::send_security_code::<Djoser>)),
        ),
        (
            "/users/me/2fa/totp/",
            users(post(two_factor::enrol::<Djoser>)),
        ),
        (
            "/users/me/2fa/totp/confirm/",
            users(post(two_factor::confirm::<Djoser>)),
        ),
        (
            "/users/me/2fa/disable/",
            users(post(two_factor::disable::<Djoser>)),
        ),
        (
            "/users/me/2fa/recovery_codes/",
            users(post(two_factor::regenerate::<Djoser>)),
        ),
    ];
    // SimpleJWT's token views answer with and without the trailing slash; the 2FA login
    // steps beside `jwt/create/` and the activation status poll do too.
    let both_ways: [(&str, MethodRouter<AppState>); 6] = [
        ("/jwt/create/", post(jwt::create)),
        ("/jwt/refresh/", post(jwt::refresh)),
        ("/jwt/verify/", post(jwt::verify)),
        ("/jwt/2fa/", post(two_factor::second_step::<Djoser>)),
        ("/jwt/2fa/email/", post(two_factor::send_code)),
        ("/user/confirm-activation/{email}/", get(activation::status)),
    ];
    let router = routes
        .into_iter()
        .fold(Router::new(), |router, (path, handler)| {
            router.route(&format!("{BASE}{path}"), handler)
        });
    both_ways
        .into_iter()
        .fold(router, |router, (path, handler)| {
            crate::route_both_ways(router, &format!("{BASE}{path}"), handler)
        })
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
