//! SimpleJWT's `jwt/create/`, `jwt/refresh/` and `jwt/verify/`.

use crate::AppState;
use crate::drf::{ApiError, Body, Fields};
use crate::simplejwt;
use axum::Json;
use axum::extract::State;
use serde_json::{Map, Value, json};
use tessera_core::accounts::LoginName;

pub async fn create(
    State(state): State<AppState>,
    Body(body): Body,
) -> Result<Json<Value>, ApiError> {
    let mut f = Fields::new(body);
    let read = f.required("email").zip(f.password("password"));
    let (email, password) = f.finish_with(read)?;
    let (_, pair) = state
        .accounts
        .login(LoginName::Email(&email), &password)
        .await
        .map_err(simplejwt::login)?;
    Ok(Json(
        json!({"refresh": pair.refresh, "access": pair.access}),
    ))
}

pub async fn refresh(
    State(state): State<AppState>,
    Body(body): Body,
) -> Result<Json<Value>, ApiError> {
    let mut f = Fields::new(body);
    let read = f.required("refresh");
    let token = f.finish_with(read)?;
    let refreshed = state
        .accounts
        .refresh(&token, state.accounts.configured_rotation())
        .await
        .map_err(simplejwt::refresh)?;
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
    let read = f.required("token");
    let token = f.finish_with(read)?;
    state
        .accounts
        .verify(&token)
        .await
        .map_err(simplejwt::verify)?;
    Ok(Json(json!({})))
}
