//! The page that undoes an e-mail change from the old address: it shows the change and asks
//! for a confirming POST (so a mail scanner following the link undoes nothing), then puts
//! the old address back.

use super::cookies::{self, CSRF_FIELD, with_cookie};
use super::lang::Carried;
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
use tessera_core::domain::Lang;

const TITLE: &str = "page.email_undo.title";

/// The form, in the account's language.
pub async fn form(
    State(state): State<AppState>,
    headers: HeaderMap,
    carried: Carried,
    Path(token): Path<String>,
) -> Response {
    let change = match state.accounts.email_change_to_undo(&token).await {
        Ok(Some(change)) => change,
        Ok(None) => return invalid(&state, state.pages.lang(None, carried), StatusCode::OK),
        Err(e) => return ApiError::internal(&e).into_response(),
    };
    let (csrf, set) = cookies::csrf(&headers, state.pages.secure());
    let values = context! {
        valid => true,
        csrf_token => csrf,
        old_email => change.old_email,
        new_email => change.new_email,
    };
    let lang = state.pages.lang(Some(change.lang), carried);
    let page = state
        .pages
        .render(StatusCode::OK, lang, "email_undo.html", TITLE, values);
    with_cookie(page, set)
}

/// The form's POST, answered in the language the form was shown in.
pub async fn undo(
    State(state): State<AppState>,
    Client(client): Client,
    headers: HeaderMap,
    carried: Carried,
    Path(token): Path<String>,
    Body(body): Body,
) -> Response {
    if let Err(e) = state.limits.ip(Rule::ResetIp, &client).await {
        return e.into_response();
    }
    let lang = state.pages.lang(None, carried);
    let f = Fields::new(body);
    if let Some(refused) = csrf_refused(&state, &headers, lang, f.peek(CSRF_FIELD)) {
        return refused;
    }
    match state.accounts.undo_email_change(&token).await {
        Ok(restored) => state.pages.render(
            StatusCode::OK,
            lang,
            "email_undo_done.html",
            "page.email_undo_done.title",
            context! { old_email => restored.as_str(), back => true },
        ),
        Err(UndoEmailError::InvalidLink) => invalid(&state, lang, StatusCode::BAD_REQUEST),
        Err(UndoEmailError::Taken) => state.pages.render(
            StatusCode::CONFLICT,
            lang,
            "email_undo.html",
            TITLE,
            context! { valid => false, taken => true },
        ),
        Err(UndoEmailError::Internal(e)) => ApiError::internal(&e).into_response(),
    }
}

fn invalid(state: &AppState, lang: Lang, status: StatusCode) -> Response {
    state.pages.render(
        status,
        lang,
        "email_undo.html",
        TITLE,
        context! { valid => false },
    )
}
