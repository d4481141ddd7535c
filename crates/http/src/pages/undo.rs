//! The page that undoes an e-mail change from the old address: it shows the change and asks
//! for a confirming POST (so a mail scanner following the link undoes nothing), then puts
//! the old address back.

use super::cookies::{self, CSRF_FIELD, with_cookie};
use super::reset::csrf_refused;
use crate::AppState;
use crate::client::Client;
use crate::drf::Path;
use crate::drf::{ApiError, Body, Fields};
use crate::limits::Rule;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use minijinja::context;
use tessera_core::accounts::UndoEmailError;

const TITLE: &str = "Undo the e-mail change";

pub async fn form(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(token): Path<String>,
) -> Response {
    let change = match state.accounts.email_change_to_undo(&token).await {
        Ok(Some(change)) => change,
        Ok(None) => return invalid(&state, StatusCode::OK),
        Err(e) => return ApiError::internal(&e).into_response(),
    };
    let (csrf, set) = cookies::csrf(&headers, state.pages.secure());
    let values = context! {
        valid => true,
        csrf_token => csrf,
        old_email => change.old_email,
        new_email => change.new_email,
    };
    with_cookie(
        state
            .pages
            .render(StatusCode::OK, "email_undo.html", TITLE, values),
        set,
    )
}

pub async fn undo(
    State(state): State<AppState>,
    Client(client): Client,
    headers: HeaderMap,
    Path(token): Path<String>,
    Body(body): Body,
) -> Response {
    if let Err(e) = state.limits.ip(Rule::ResetIp, &client).await {
        return e.into_response();
    }
    let f = Fields::new(body);
    if let Some(refused) = csrf_refused(&state, &headers, f.peek(CSRF_FIELD)) {
        return refused;
    }
    match state.accounts.undo_email_change(&token).await {
        Ok(restored) => state.pages.render(
            StatusCode::OK,
            "email_undo_done.html",
            "E-mail change undone",
            context! { old_email => restored.as_str(), back => true },
        ),
        Err(UndoEmailError::InvalidLink) => invalid(&state, StatusCode::BAD_REQUEST),
        Err(UndoEmailError::Taken) => state.pages.render(
            StatusCode::CONFLICT,
            "email_undo.html",
            TITLE,
            context! { valid => false, taken => true },
        ),
        Err(UndoEmailError::Internal(e)) => ApiError::internal(&e).into_response(),
    }
}

fn invalid(state: &AppState, status: StatusCode) -> Response {
    state.pages.render(
        status,
        "email_undo.html",
        TITLE,
        context! { valid => false },
    )
}
