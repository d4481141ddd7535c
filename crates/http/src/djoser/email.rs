//! `users/set_email/`, `users/reset_email/` and `users/reset_email_confirm/`: Djoser's
//! username endpoints, named after the login field (the e-mail).

use super::errors;
use crate::AppState;
use crate::auth::CurrentUser;
use crate::drf::{ApiError, Body, Fields};
use axum::extract::State;
use axum::http::StatusCode;

pub async fn set(
    State(state): State<AppState>,
    CurrentUser(me): CurrentUser,
    Body(body): Body,
) -> Result<StatusCode, ApiError> {
    let mut f = Fields::new(body);
    let (current, new_email) = (f.password("current_password"), f.email("new_email"));
    f.finish()?;
    let (Some(current), Some(new_email)) = (current, new_email) else {
        unreachable!("finish() reports missing fields")
    };
    state
        .accounts
        .set_email(&me, &current, new_email)
        .await
        .map_err(errors::set_email)?;
    Ok(StatusCode::NO_CONTENT)
}

pub async fn reset(
    State(state): State<AppState>,
    Body(body): Body,
) -> Result<StatusCode, ApiError> {
    let mut f = Fields::new(body);
    let email = f.email("email");
    f.finish()?;
    let email = email.expect("finish() reports a missing e-mail");
    state
        .accounts
        .request_email_reset(&email)
        .await
        .map_err(errors::internal)?;
    Ok(StatusCode::NO_CONTENT)
}

pub async fn reset_confirm(
    State(state): State<AppState>,
    Body(body): Body,
) -> Result<StatusCode, ApiError> {
    let mut f = Fields::new(body);
    let (uid, token, new_email) = (f.required("uid"), f.required("token"), f.email("new_email"));
    f.finish()?;
    let (Some(uid), Some(token), Some(new_email)) = (uid, token, new_email) else {
        unreachable!("finish() reports missing fields")
    };
    state
        .accounts
        .confirm_email_reset(&uid, &token, new_email)
        .await
        .map_err(errors::email_reset_confirm)?;
    Ok(StatusCode::NO_CONTENT)
}
