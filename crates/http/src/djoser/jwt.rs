//! SimpleJWT's `jwt/create/`, `jwt/refresh/` and `jwt/verify/`.

use super::errors;
use crate::AppState;
use crate::drf::{ApiError, Body, Fields};
use axum::Json;
use axum::extract::State;
use serde_json::{Map, Value, json};

pub async fn create(
    State(state): State<AppState>,
    Body(body): Body,
) -> Result<Json<Value>, ApiError> {
    let mut f = Fields::new(body);
    let (email, password) = (f.required("email"), f.password("password"));
    f.finish()?;
    let (Some(email), Some(password)) = (email, password) else {
        unreachable!("finish() reports missing fields")
    };
    let pair = state
        .accounts
        .login(&email, &password)
        .await
        .map_err(errors::login)?;
    Ok(Json(
        json!({"refresh": pair.refresh, "access": pair.access}),
    ))
}

pub async fn refresh(
    State(state): State<AppState>,
    Body(body): Body,
) -> Result<Json<Value>, ApiError> {
    let mut f = Fields::new(body);
    let token = f.required("refresh");
    f.finish()?;
    let token = token.expect("finish() reports a missing token");
    let refreshed = state
        .accounts
        .refresh(&token)
        .await
        .map_err(errors::refresh)?;
    let mut out = Map::new();
    out.insert("access".into(), json!(refreshed.access));
    if let Some(refresh) = refreshed.refresh {
        out.insert("refresh".into(), json!(refresh));
    }
    Ok(Json(Value::Object(out)))
}

pub async fn verify(
    State(state): State<AppState>,
    Body(body): Body,
) -> Result<Json<Value>, ApiError> {
    let mut f = Fields::new(body);
    let token = f.required("token");
    f.finish()?;
    let token = token.expect("finish() reports a missing token");
    state
        .accounts
        .verify(&token)
        .await
        .map_err(errors::verify)?;
    Ok(Json(json!({})))
}
