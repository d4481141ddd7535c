//! `verify_email/`: send a verification mail, confirm by POST of its uid/token, or follow
//! the mailed link to a page laid out as the reset pages are.

use super::errors;
use crate::AppState;
use crate::auth::CurrentUser;
use crate::client::Client;
use crate::drf::Path;
use crate::drf::{ApiError, Body, Fields};
use crate::limits::Rule;
use crate::pages::Carried;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use minijinja::{Value as PageValues, context};
use serde_json::{Value, json};
use tessera_core::accounts::VerifyEmailError;

pub async fn send(
    State(state): State<AppState>,
    Client(client): Client,
    CurrentUser(me): CurrentUser,
) -> Result<Json<Value>, ApiError> {
    state.limits.ip(Rule::VerifyIp, &client).await?;
    state
        .accounts
        .check_unverified(&me)
        .await
        .map_err(errors::verify_email)?;
    state
        .limits
        .check(Rule::VerifyAccount, &me.id.0.to_string())
        .await?;
    state
        .accounts
        .send_verification(&me)
        .await
        .map_err(errors::verify_email)?;
    Ok(Json(json!({"detail": "Verification e-mail sent."})))
}

/// `{uid, token}` from the mailed link, or (authenticated) `{code}` from the same mail.
pub async fn confirm(
    State(state): State<AppState>,
    Client(client): Client,
    me: Option<CurrentUser>,
    Body(body): Body,
) -> Result<Json<Value>, ApiError> {
    state.limits.ip(Rule::VerifyIp, &client).await?;
    let mut f = Fields::new(body);
    let user = match me {
        Some(CurrentUser(me)) if f.has("code") => {
            let read = f.required("code");
            let code = f.finish_with(read)?;
            state.accounts.confirm_verification_code(&me, &code).await
        }
        _ => {
            let read = f.required("uid").zip(f.required("token"));
            let (uid, token) = f.finish_with(read)?;
            state.accounts.confirm_verification(&uid, &token).await
        }
    }
    .map_err(errors::verify_email)?;
    Ok(Json(
        json!({"email": user.email.as_str(), "email_verified": true}),
    ))
}

/// The mailed link's page, in the account's language once the link proved it.
pub async fn follow_link(
    State(state): State<AppState>,
    carried: Carried,
    Path((uid, token)): Path<(String, String)>,
) -> Response {
    match state.accounts.confirm_verification(&uid, &token).await {
        Ok(user) => state.pages.render(
            StatusCode::OK,
            state.pages.lang(Some(user.lang), carried),
            "email_verified.html",
            "page.email_verified.title",
            context! { back => true },
        ),
        Err(VerifyEmailError::Internal(e)) => ApiError::internal(&e).into_response(),
        Err(_) => state.pages.render(
            StatusCode::BAD_REQUEST,
            state.pages.lang(None, carried),
            "email_verify_invalid.html",
            "page.email_verify_invalid.title",
            PageValues::UNDEFINED,
        ),
    }
}
