//! The caller's sessions, served by both dialects: list them, end one, or end them all
//! ("log out everywhere").

use crate::AppState;
use crate::auth::{CurrentSession, CurrentUser};
use crate::drf::Path;
use crate::drf::{self, ApiError};
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde_json::{Value, json};
use tessera_core::accounts::SessionError;

pub async fn list(
    State(state): State<AppState>,
    CurrentUser(me): CurrentUser,
    CurrentSession(current): CurrentSession,
) -> Result<Json<Value>, ApiError> {
    let sessions = state
        .accounts
        .sessions(&me)
        .await
        .map_err(|e| ApiError::internal(&e))?;
    let listed = sessions.iter().map(|s| {
        json!({
            "id": s.id,
            "created_at": s.created_at,
            "last_used_at": s.last_used_at,
            "expires_at": s.expires_at,
            "user_agent": s.user_agent,
            "ip": s.ip,
            "current": current.as_deref() == Some(s.id.as_str()),
        })
    });
    Ok(Json(Value::Array(listed.collect())))
}

pub async fn end(
    State(state): State<AppState>,
    CurrentUser(me): CurrentUser,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    match state.accounts.end_session(&me, &id).await {
        Ok(()) => Ok(StatusCode::NO_CONTENT),
        Err(SessionError::NotFound) => Err(drf::not_found()),
        Err(SessionError::Internal(e)) => Err(ApiError::internal(&e)),
    }
}

pub async fn end_all(
    State(state): State<AppState>,
    CurrentUser(me): CurrentUser,
) -> Result<StatusCode, ApiError> {
    state
        .accounts
        .end_all_sessions(&me)
        .await
        .map_err(|e| ApiError::internal(&e))?;
    Ok(StatusCode::NO_CONTENT)
}
