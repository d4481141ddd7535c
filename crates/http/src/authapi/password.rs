//! `password/<username>/`: change the password with the current one (PUT and PATCH alike).

use super::errors;
use crate::AppState;
use crate::auth::CurrentUser;
use crate::client::Client;
use crate::drf::Path;
use crate::drf::{ApiError, Body, Fields};
use crate::limits::Rule;
use axum::Json;
use axum::extract::State;
use serde_json::{Value, json};

pub async fn change(
    State(state): State<AppState>,
    CurrentUser(me): CurrentUser,
    Client(client): Client,
    Path(username): Path<String>,
    Body(body): Body,
) -> Result<Json<Value>, ApiError> {
    state.limits.ip(Rule::PasswordIp, &client).await?;
    if me.username.as_str() != username {
        return Err(errors::not_owner());
    }
    let mut f = Fields::new(body);
    let read = f
        .password("password")
        .zip(f.password("new_password"))
        .zip(f.password("new_password2"));
    let ((current, new), again) = f.finish_with(read)?;
    if new.expose() != again.expose() {
        return Err(ApiError::field("new_password", &[errors::PASSWORDS_DIFFER]));
    }
    state
        .limits
        .check(Rule::PasswordAccount, &me.id.0.to_string())
        .await?;
    let pair = state
        .accounts
        .change_password(&me, &current, &new, &client)
        .await
        .map_err(errors::change_password)?;
    Ok(Json(
        json!({"detail": "Password changed.", "access": pair.access, "refresh": pair.refresh}),
    ))
}
