//! The two cookies of the reset flow: Django's CSRF double-submit token, and the reset
//! "session" that carries the mailed uid/token once it has left the URL.

use axum::http::HeaderMap;
use axum::http::header::{COOKIE, SET_COOKIE};
use axum::response::Response;
use subtle::ConstantTimeEq;

pub const CSRF_COOKIE: &str = "csrftoken";
pub const CSRF_FIELD: &str = "csrfmiddlewaretoken";
const RESET_COOKIE: &str = "tessera_reset";
const RESET_PATH: &str = "/api/auth/reset/";

/// `response` with `cookie` set, when there is one.
pub fn with_cookie(mut response: Response, cookie: Option<String>) -> Response {
    if let Some(value) = cookie.and_then(|c| c.parse().ok()) {
        response.headers_mut().append(SET_COOKIE, value);
    }
    response
}

/// A cookie's value from the request.
pub fn get(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_owned())
}

/// The request's CSRF token, or a new one with the `Set-Cookie` that stores it.
pub fn csrf(headers: &HeaderMap, secure: bool) -> (String, Option<String>) {
    if let Some(token) = get(headers, CSRF_COOKIE).filter(|t| t.len() == 32) {
        return (token, None);
    }
    let token = uuid::Uuid::new_v4().simple().to_string();
    let set = format!(
        "{CSRF_COOKIE}={token}; Path=/api/auth/; SameSite=Lax; Max-Age=31449600{}",
        attrs(secure)
    );
    (token, Some(set))
}

/// True when the posted form token matches the cookie (compared in constant time).
pub fn csrf_ok(headers: &HeaderMap, posted: Option<&str>) -> bool {
    match (get(headers, CSRF_COOKIE), posted) {
        (Some(cookie), Some(posted)) if !cookie.is_empty() => {
            cookie.as_bytes().ct_eq(posted.as_bytes()).into()
        }
        _ => false,
    }
}

/// `Set-Cookie` holding the mailed uid/token for the set-password form (one hour).
pub fn reset_session(uid: &str, token: &str, secure: bool) -> String {
    format!(
        "{RESET_COOKIE}={uid}:{token}; Path={RESET_PATH}; HttpOnly; SameSite=Lax; Max-Age=3600{}",
        attrs(secure)
    )
}

pub fn clear_reset_session(secure: bool) -> String {
    format!(
        "{RESET_COOKIE}=; Path={RESET_PATH}; HttpOnly; SameSite=Lax; Max-Age=0{}",
        attrs(secure)
    )
}

/// `; Secure` when Tessera is served over HTTPS.
fn attrs(secure: bool) -> &'static str {
    if secure { "; Secure" } else { "" }
}

/// The token stored for `uid`, if any.
pub fn reset_token(headers: &HeaderMap, uid: &str) -> Option<String> {
    let value = get(headers, RESET_COOKIE)?;
    let (stored_uid, token) = value.split_once(':')?;
    (stored_uid == uid && !token.is_empty()).then(|| token.to_owned())
}
