//! `internal/auth/`: other micro-services trade their name and secret for a service token.

use super::errors;
use crate::AppState;
use crate::client::Client;
use crate::drf::{ApiError, Body, Fields};
use crate::limits::Rule;
use axum::Json;
use axum::extract::State;
use serde_json::{Value, json};
use tessera_core::accounts::ServiceError;

pub async fn token(
    State(state): State<AppState>,
    Client(client): Client,
    Body(body): Body,
) -> Result<Json<Value>, ApiError> {
    state.limits.ip(Rule::ServiceIp, &client).await?;
    let mut f = Fields::new(body);
    let read = f.required("serviceName").zip(f.required("password"));
    let (name, secret) = f.finish_with(read)?;
    // Wrong secrets are counted per service and address: another address's failures never
    // keep the real service from its token.
    let key = format!("{name}:{}", client.ip_text());
    state.limits.failures_below(Rule::ServiceName, &key).await?;
    match state.accounts.service_token(&name, &secret).await {
        Ok(token) => Ok(Json(json!({"token": token}))),
        Err(e) => {
            if matches!(e, ServiceError::InvalidCredentials) {
                state.limits.failed(Rule::ServiceName, &key).await;
            }
            Err(errors::service(e))
        }
    }
}
