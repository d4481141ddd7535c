//! `GET /healthz` (200 when the database answers, 503 otherwise), `GET /readyz` (whether
//! the database and, when configured, Redis answer within a short timeout, naming each) and
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
        .route("/readyz", get(readyz))
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

/// 200 when every dependency answers, else 503; `checks` names each and how it answered.
async fn readyz(State(state): State<AppState>) -> (StatusCode, Json<serde_json::Value>) {
    let ready = state.accounts.readiness().await;
    let mut checks = serde_json::Map::new();
    checks.insert("database".into(), ready.database.as_str().into());
    if let Some(redis) = ready.shared_limits {
        checks.insert("redis".into(), redis.as_str().into());
    }
    let (status, word) = match ready.is_ready() {
        true => (StatusCode::OK, "ok"),
        false => (StatusCode::SERVICE_UNAVAILABLE, "unavailable"),
    };
    (status, Json(json!({"status": word, "checks": checks})))
}

/// Public keys: caches may keep them a few minutes (a rotation publishes the new key while
/// the previous one still verifies).
async fn jwks(State(state): State<AppState>) -> impl IntoResponse {
    let keys =
        serde_json::to_value(state.accounts.jwt().jwks()).unwrap_or_else(|_| json!({"keys": []}));
    ([(CACHE_CONTROL, "public, max-age=300")], Json(keys))
}
