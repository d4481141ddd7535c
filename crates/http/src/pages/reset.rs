//! The reset pages: ask for a link (form or JSON), follow it, set the new password.

use super::cookies::{self, CSRF_FIELD, with_cookie};
use super::origin;
use crate::AppState;
use crate::client::Client;
use crate::django;
use crate::drf::Path;
use crate::drf::{ApiError, Body, Fields};
use crate::limits::Rule;
use axum::Json;
use axum::extract::State;
use axum::http::header::{CONTENT_TYPE, LOCATION};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use minijinja::{Value, context};
use serde_json::json;
use tessera_core::accounts::{ResetConfirmError, ResetLink};
use tessera_core::domain::Password;

const MISMATCH: &str = "The two password fields didn’t match.";

pub async fn form(State(state): State<AppState>, headers: HeaderMap) -> Response {
    form_page(&state, &headers, StatusCode::OK, Vec::new())
}

fn form_page(
    state: &AppState,
    headers: &HeaderMap,
    status: StatusCode,
    errors: Vec<String>,
) -> Response {
    let (csrf, set) = cookies::csrf(headers, state.pages.secure());
    let values = context! { csrf_token => csrf, errors => errors };
    with_cookie(
        state
            .pages
            .render(status, "password_reset_form.html", "Password reset", values),
        set,
    )
}

/// A form POST (with its CSRF token) redirects to `done/`; a JSON POST answers `{}`. Either
/// way nothing tells whether the address has an account.
pub async fn request(
    State(state): State<AppState>,
    Client(client): Client,
    headers: HeaderMap,
    Body(body): Body,
) -> Response {
    if let Err(e) = state.limits.ip(Rule::ResetIp, &client).await {
        return e.into_response();
    }
    let json = is_json(&headers);
    let mut f = Fields::new(body);
    if !json && let Some(refused) = csrf_refused(&state, &headers, f.peek(CSRF_FIELD)) {
        return refused;
    }
    let read = f.email("email");
    let email = match f.finish_with(read) {
        Ok(email) => email,
        Err(e) if json => return e.into_response(),
        Err(_) => {
            return form_page(
                &state,
                &headers,
                StatusCode::OK,
                vec![crate::messages::INVALID_EMAIL.into()],
            );
        }
    };
    if let Err(e) = state.limits.check(Rule::ResetAddress, &email.key()).await {
        return e.into_response();
    }
    if let Err(e) = state
        .accounts
        .request_password_reset(&email, ResetLink::OwnPages)
        .await
    {
        return ApiError::internal(&e).into_response();
    }
    match json {
        true => Json(json!({})).into_response(),
        false => redirect("/api/auth/password_reset/done/", None),
    }
}

pub async fn done(State(state): State<AppState>) -> Response {
    state.pages.render(
        StatusCode::OK,
        "password_reset_done.html",
        "Password reset sent",
        Value::UNDEFINED,
    )
}

pub async fn complete(State(state): State<AppState>) -> Response {
    state.pages.render(
        StatusCode::OK,
        "password_reset_complete.html",
        "Password reset complete",
        context! { back => true },
    )
}

/// A valid link moves its token out of the URL into a cookie and redirects to the form.
pub async fn follow_link(
    State(state): State<AppState>,
    Path((uid, token)): Path<(String, String)>,
) -> Response {
    match state.accounts.reset_link_valid(&uid, &token).await {
        Ok(true) => redirect(
            &format!("/api/auth/reset/{uid}/set-password/"),
            Some(cookies::reset_session(&uid, &token, state.pages.secure())),
        ),
        Ok(false) => invalid_link(&state),
        Err(e) => ApiError::internal(&e).into_response(),
    }
}

pub async fn set_form(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(uid): Path<String>,
) -> Response {
    let Some(token) = cookies::reset_token(&headers, &uid) else {
        return invalid_link(&state);
    };
    match state.accounts.reset_link_valid(&uid, &token).await {
        Ok(true) => set_page(&state, &headers, StatusCode::OK, Vec::new()),
        Ok(false) => invalid_link(&state),
        Err(e) => ApiError::internal(&e).into_response(),
    }
}

pub async fn set(
    State(state): State<AppState>,
    Client(client): Client,
    headers: HeaderMap,
    Path(uid): Path<String>,
    Body(body): Body,
) -> Response {
    if let Err(e) = state.limits.ip(Rule::ResetIp, &client).await {
        return e.into_response();
    }
    let mut f = Fields::new(body);
    if let Some(refused) = csrf_refused(&state, &headers, f.peek(CSRF_FIELD)) {
        return refused;
    }
    let Some(token) = cookies::reset_token(&headers, &uid) else {
        return invalid_link(&state);
    };
    let read = f.password("new_password1").zip(f.password("new_password2"));
    let Ok((first, second)) = f.finish_with(read) else {
        return set_page(
            &state,
            &headers,
            StatusCode::OK,
            vec!["Both password fields are required.".into()],
        );
    };
    if first.expose() != second.expose() {
        return set_page(&state, &headers, StatusCode::OK, vec![MISMATCH.into()]);
    }
    finish_reset(&state, &headers, &uid, &token, &first).await
}

async fn finish_reset(
    state: &AppState,
    headers: &HeaderMap,
    uid: &str,
    token: &str,
    new: &Password,
) -> Response {
    match state
        .accounts
        .reset_password_from_link(uid, token, new)
        .await
    {
        Ok(()) => redirect(
            "/api/auth/reset/done/",
            Some(cookies::clear_reset_session(state.pages.secure())),
        ),
        Err(ResetConfirmError::WeakPassword(problems)) => set_page(
            state,
            headers,
            StatusCode::OK,
            django::password_messages(&problems),
        ),
        Err(ResetConfirmError::Internal(e)) => ApiError::internal(&e).into_response(),
        Err(_) => invalid_link(state),
    }
}

fn set_page(
    state: &AppState,
    headers: &HeaderMap,
    status: StatusCode,
    errors: Vec<String>,
) -> Response {
    let (csrf, set) = cookies::csrf(headers, state.pages.secure());
    let values = context! { validlink => true, csrf_token => csrf, errors => errors };
    with_cookie(
        state.pages.render(
            status,
            "password_reset_confirm.html",
            "Enter new password",
            values,
        ),
        set,
    )
}

fn invalid_link(state: &AppState) -> Response {
    let values = context! { validlink => false };
    state.pages.render(
        StatusCode::OK,
        "password_reset_confirm.html",
        "Password reset unsuccessful",
        values,
    )
}

/// Django's CSRF middleware on a form POST: another site's `Origin`/`Referer`, or a token
/// that does not match the cookie, is a 403 page.
pub(super) fn csrf_refused(
    state: &AppState,
    headers: &HeaderMap,
    posted: Option<&str>,
) -> Option<Response> {
    let reason = match origin::refused(headers, state.pages.origin()) {
        Some(reason) => Some(reason),
        None if cookies::csrf_ok(headers, posted) => return None,
        None => None,
    };
    Some(state.pages.render(
        StatusCode::FORBIDDEN,
        "csrf_failure.html",
        "Forbidden",
        context! { reason => reason },
    ))
}

fn redirect(location: &str, cookie: Option<String>) -> Response {
    let response = (StatusCode::FOUND, [(LOCATION, location.to_owned())]).into_response();
    with_cookie(response, cookie)
}

fn is_json(headers: &HeaderMap) -> bool {
    headers
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.trim_start().starts_with("application/json"))
}
