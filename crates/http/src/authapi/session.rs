//! `login/`, `refresh/` and `logout/`: SimpleJWT's views as the original configured them
//! (login by username, rotation with blacklisting).

use crate::AppState;
use crate::drf::{ApiError, Body, Fields};
use crate::simplejwt;
use axum::Json;
use axum::extract::State;
use serde_json::{Value, json};
use tessera_core::accounts::{LoginName, Rotation};

/// In this dialect a refresh always rotates and blacklists the presented token.
const ROTATION: Rotation = Rotation {
    rotate: true,
    blacklist: true,
};

pub async fn login(
    State(state): State<AppState>,
    Body(body): Body,
) -> Result<Json<Value>, ApiError> {
    let mut f = Fields::new(body);
    let read = f.required("username").zip(f.password("password"));
    let (username, password) = f.finish_with(read)?;
    let (user, pair) = state
        .accounts
        .login(LoginName::Username(&username), &password)
        .await
        .map_err(simplejwt::login)?;
    Ok(Json(
        json!({"access": pair.access, "refresh": pair.refresh, "lang": user.lang.as_str()}),
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
        .refresh(&token, ROTATION)
        .await
        .map_err(simplejwt::refresh)?;
    Ok(Json(
        json!({"access": refreshed.access, "refresh": refreshed.refresh}),
    ))
}

pub async fn logout(
    State(state): State<AppState>,
    Body(body): Body,
) -> Result<Json<Value>, ApiError> {
    let mut f = Fields::new(body);
    let read = f.required("refresh");
    let token = f.finish_with(read)?;
    state
        .accounts
        .logout(&token)
        .await
        .map_err(simplejwt::logout)?;
    Ok(Json(json!({})))
}
