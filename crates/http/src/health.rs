//! `GET /healthz` (200 when the database answers, 503 otherwise) and
//! `GET /.well-known/jwks.json` (the public signing keys; empty with HS256).

use crate::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use axum::http::header::CACHE_CONTROL;
use axum::response::IntoResponse;
use axum::routing::get;
use axum::{Json, Router};
use serde_json::json;
use tessera_core::availability::chain;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/healthz", get(healthz))
        .route("/.well-known/jwks.json", get(jwks))
}

async fn healthz(State(state): State<AppState>) -> (StatusCode, Json<serde_json::Value>) {
    match state.accounts.ping().await {
        Ok(()) => (StatusCode::OK, Json(json!({"status": "ok"}))),
        Err(e) => {
            state.accounts.availability().lost(&chain(&e));
            (
                StatusCode::SERVICE_UNAVAILABLE,
                Json(json!({"status": "unavailable"})),
            )
        }
    }
}

/// Public keys: caches may keep them a few minutes (a rotation publishes the new key while
/// the previous one still verifies).
async fn jwks(State(state): State<AppState>) -> impl IntoResponse {
    let keys =
        serde_json::to_value(state.accounts.jwt().jwks()).unwrap_or_else(|_| json!({"keys": []}));
    ([(CACHE_CONTROL, "public, max-age=300")], Json(keys))
}
