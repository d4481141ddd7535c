//! `CurrentUser`: SimpleJWT's `JWTAuthentication` as an extractor, with its exact 401 bodies.

use crate::AppState;
use crate::drf::ApiError;
use crate::messages::TOKEN_BLACKLISTED;
use axum::extract::{FromRequestParts, OptionalFromRequestParts};
use axum::http::StatusCode;
use axum::http::header::{AUTHORIZATION, WWW_AUTHENTICATE};
use axum::http::request::Parts;
use axum::routing::MethodRouter;
use serde_json::json;
use tessera_core::accounts::AuthError;
use tessera_core::domain::User;

/// The authenticated caller.
pub struct CurrentUser(pub User);

/// The session the caller's access token was issued in (set beside `CurrentUser`).
#[derive(Debug, Clone)]
pub struct CurrentSession(pub Option<String>);

const REALM: &str = "Bearer realm=\"api\"";

/// DRF authenticates before it looks at the method: on a view that needs a login, a method
/// it does not serve answers 401 to an anonymous caller and 405 (with `Allow`) once logged in.
pub fn login_required(router: MethodRouter<AppState>) -> MethodRouter<AppState> {
    router.fallback(wrong_method)
}

async fn wrong_method(_: CurrentUser) -> StatusCode {
    StatusCode::METHOD_NOT_ALLOWED
}

impl FromRequestParts<AppState> for CurrentUser {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let token = bearer(parts)?;
        match state.accounts.authenticate(token).await {
            Ok((user, session)) => {
                parts.extensions.insert(CurrentSession(session));
                Ok(Self(user))
            }
            Err(AuthError::Token(e)) => Err(not_valid_for_any_type(&e.to_string())),
            Err(AuthError::Revoked) => Err(not_valid_for_any_type(TOKEN_BLACKLISTED)),
            Err(AuthError::UserNotFound) => Err(unauthorized(
                json!({"detail": "User not found", "code": "user_not_found"}),
            )),
            Err(AuthError::UserInactive) => Err(unauthorized(
                json!({"detail": "User is inactive", "code": "user_inactive"}),
            )),
            Err(AuthError::Internal(e)) => Err(ApiError::internal(&e)),
        }
    }
}

/// No `Authorization` header: `None`; a bad one is refused as for `CurrentUser`.
impl OptionalFromRequestParts<AppState> for CurrentUser {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Option<Self>, ApiError> {
        if !parts.headers.contains_key(AUTHORIZATION) {
            return Ok(None);
        }
        <Self as FromRequestParts<AppState>>::from_request_parts(parts, state)
            .await
            .map(Some)
    }
}

/// Read after `CurrentUser`, which sets it; `None` when the token carries no session.
impl FromRequestParts<AppState> for CurrentSession {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &AppState) -> Result<Self, Self::Rejection> {
        Ok(parts
            .extensions
            .get::<CurrentSession>()
            .cloned()
            .unwrap_or(CurrentSession(None)))
    }
}

/// The raw token of `Authorization: Bearer <token>`, or SimpleJWT's answer when absent or bad.
fn bearer(parts: &Parts) -> Result<&str, ApiError> {
    let header = parts
        .headers
        .get(AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    // A header value that is text at all is visible ASCII, spaces and tabs.
    let mut words = header.split_ascii_whitespace();
    match (words.next(), words.next(), words.next()) {
        (Some("Bearer"), Some(token), None) => Ok(token),
        (Some("Bearer"), _, _) => Err(unauthorized(json!({
            "detail": "Authorization header must contain two space-delimited values",
            "code": "bad_authorization_header"
        }))),
        _ => Err(unauthorized(
            json!({"detail": "Authentication credentials were not provided."}),
        )),
    }
}

fn not_valid_for_any_type(message: &str) -> ApiError {
    unauthorized(json!({
        "detail": "Given token not valid for any token type",
        "code": "token_not_valid",
        "messages": [{"token_class": "AccessToken", "token_type": "access", "message": message}]
    }))
}

fn unauthorized(body: serde_json::Value) -> ApiError {
    ApiError::new(StatusCode::UNAUTHORIZED, body).with_header(WWW_AUTHENTICATE, REALM)
}
