//! `users/activation/`, `users/resend_activation/` and the polling endpoint
//! `user/confirm-activation/{email}`.

use super::errors;
use crate::AppState;
use crate::client::Client;
use crate::drf::Path;
use crate::drf::{ApiError, Body, Fields};
use crate::limits::Rule;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde_json::{Value, json};
use tessera_core::domain::EmailAddress;

pub async fn activate(
    State(state): State<AppState>,
    Body(body): Body,
) -> Result<StatusCode, ApiError> {
    let mut f = Fields::new(body);
    let read = f.required("uid").zip(f.required("token"));
    let (uid, token) = f.finish_with(read)?;
    state
        .accounts
        .activate(&uid, &token)
        .await
        .map_err(errors::activate)?;
    Ok(StatusCode::NO_CONTENT)
}

pub async fn resend(
    State(state): State<AppState>,
    Client(client): Client,
    Body(body): Body,
) -> Result<StatusCode, ApiError> {
    state.limits.ip(Rule::ResendIp, &client).await?;
    let mut f = Fields::new(body);
    let read = f.email("email");
    let email = f.finish_with(read)?;
    state
        .limits
        .check(Rule::ResendAddress, &email.key())
        .await?;
    state
        .accounts
        .resend_activation(&email)
        .await
        .map_err(errors::resend)?;
    Ok(StatusCode::NO_CONTENT)
}

pub async fn status(
    State(state): State<AppState>,
    Client(client): Client,
    Path(email): Path<String>,
) -> Result<Json<Value>, ApiError> {
    state.limits.ip(Rule::PollIp, &client).await?;
    let email = EmailAddress::parse(&email).map_err(|_| crate::drf::not_found())?;
    let status = state
        .accounts
        .activation_status(&email)
        .await
        .map_err(errors::internal)?
        .ok_or_else(crate::drf::not_found)?;
    Ok(Json(
        json!({"email": status.email.as_str(), "is_active": status.is_active}),
    ))
}
