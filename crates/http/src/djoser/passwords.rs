//! `users/set_password/`, `users/reset_password/` and `users/reset_password_confirm/`.

use super::{actor, errors};
use crate::AppState;
use crate::auth::{CurrentSession, CurrentUser};
use crate::client::Client;
use crate::drf::{ApiError, Body, Fields};
use crate::limits::Rule;
use axum::extract::State;
use axum::http::StatusCode;
use tessera_core::accounts::{PasswordChange, ResetLink, Target};

pub async fn set(
    State(state): State<AppState>,
    Client(client): Client,
    CurrentUser(me): CurrentUser,
    CurrentSession(session): CurrentSession,
    Body(body): Body,
) -> Result<StatusCode, ApiError> {
    state.limits.ip(Rule::PasswordIp, &client).await?;
    let permit = state
        .accounts
        .permit(actor(&me), Target::Own)
        .await
        .map_err(errors::access)?;
    let mut f = Fields::new(body);
    let read = f
        .password("new_password")
        .zip(f.password("current_password"));
    let (new, current) = f.finish_with(read)?;
    state
        .limits
        .check(Rule::PasswordAccount, &me.id.0.to_string())
        .await?;
    state
        .accounts
        .change_password(
            permit,
            &current,
            &new,
            PasswordChange {
                session: session.as_deref(),
                reissue_for: None,
            },
        )
        .await
        .map_err(errors::set_password)?;
    Ok(StatusCode::NO_CONTENT)
}

/// 204 whether or not the address is known: nothing here tells who has an account.
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
        .request_password_reset(&email, ResetLink::Frontend)
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
        .zip(f.password("new_password"));
    let ((uid, token), new) = f.finish_with(read)?;
    state
        .accounts
        .confirm_password_reset(&uid, &token, &new)
        .await
        .map_err(errors::reset_confirm)?;
    Ok(StatusCode::NO_CONTENT)
}
