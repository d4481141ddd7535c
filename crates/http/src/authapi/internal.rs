//! `internal/auth/`: other micro-services trade their name and secret for a service token.

use super::errors;
use crate::AppState;
use crate::client::Client;
use crate::drf::{ApiError, Body, Fields};
use crate::limits::Rule;
use axum::Json;
use axum::extract::State;
use serde_json::{Value, json};

pub async fn token(
    State(state): State<AppState>,
    Client(client): Client,
    Body(body): Body,
) -> Result<Json<Value>, ApiError> {
    state.limits.ip(Rule::ServiceIp, &client).await?;
    let mut f = Fields::new(body);
    let read = f.required("serviceName").zip(f.required("password"));
    let (name, secret) = f.finish_with(read)?;
    state.limits.check(Rule::ServiceName, &name).await?;
    let token = state
        .accounts
        .service_token(&name, &secret)
        .await
        .map_err(errors::service)?;
    Ok(Json(json!({"token": token})))
}
