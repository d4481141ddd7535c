//! `users/set_email/`, `users/reset_email/` and `users/reset_email_confirm/`: Djoser's
//! username endpoints, named after the login field (the e-mail).

use super::errors;
use crate::AppState;
use crate::auth::CurrentUser;
use crate::client::Client;
use crate::drf::{ApiError, Body, Fields};
use crate::limits::Rule;
use axum::extract::State;
use axum::http::StatusCode;

pub async fn set(
    State(state): State<AppState>,
    Client(client): Client,
    CurrentUser(me): CurrentUser,
    Body(body): Body,
) -> Result<StatusCode, ApiError> {
    state.limits.ip(Rule::PasswordIp, &client).await?;
    let mut f = Fields::new(body);
    let read = f.password("current_password").zip(f.email("new_email"));
    let (current, new_email) = f.finish_with(read)?;
    state
        .limits
        .check(Rule::PasswordAccount, &me.id.0.to_string())
        .await?;
    state
        .accounts
        .set_email(&me, &current, new_email)
        .await
        .map_err(errors::set_email)?;
    Ok(StatusCode::NO_CONTENT)
}

pub async fn reset(
    State(state): State<AppState>,
    Client(client): Client,
    Body(body): Body,
) -> Result<StatusCode, ApiError> {
    state.limits.ip(Rule::ResetIp, &client).await?;
    let mut f = Fields::new(body);
    let read = f.email("email");
    let email = f.finish_with(read)?;
    state.limits.check(Rule::ResetAddress, &email.key()).await?;
    state
        .accounts
        .request_email_reset(&email)
        .await
        .map_err(errors::internal)?;
    Ok(StatusCode::NO_CONTENT)
}

pub async fn reset_confirm(
    State(state): State<AppState>,
    Client(client): Client,
    Body(body): Body,
) -> Result<StatusCode, ApiError> {
    state.limits.ip(Rule::ResetIp, &client).await?;
    let mut f = Fields::new(body);
    let read = f
        .required("uid")
        .zip(f.required("token"))
        .zip(f.email("new_email"));
    let ((uid, token), new_email) = f.finish_with(read)?;
    state
        .accounts
        .confirm_email_reset(&uid, &token, new_email)
        .await
        .map_err(errors::email_reset_confirm)?;
    Ok(StatusCode::NO_CONTENT)
}
