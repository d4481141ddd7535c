//! The reset pages: ask for a link (form or JSON), follow it, set the new password.

use super::cookies::{self, CSRF_FIELD, with_cookie};
use super::lang::Carried;
use super::origin;
use super::refusals::Refusal;
use crate::AppState;
use crate::client::Client;
use crate::drf::Path;
use crate::drf::{ApiError, Body, Fields};
use crate::limits::Rule;
use axum::extract::State;
use axum::http::header::{CONTENT_TYPE, LOCATION};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use minijinja::{Value, context};
use tessera_core::accounts::{ResetConfirmError, ResetLink};
use tessera_core::domain::{Lang, Password};

pub async fn form(State(state): State<AppState>, headers: HeaderMap, carried: Carried) -> Response {
    let lang = state.pages.lang(None, carried);
    form_page(&state, &headers, lang, Vec::new())
}

fn form_page(state: &AppState, headers: &HeaderMap, lang: Lang, errors: Vec<Refusal>) -> Response {
    let (csrf, set) = cookies::csrf(headers, state.pages.secure());
    let errors = say(state, lang, &errors);
    let values = context! { csrf_token => csrf, errors => errors };
    let page = state.pages.render(
        StatusCode::OK,
        lang,
        "password_reset_form.html",
        "page.password_reset.title",
        values,
    );
    with_cookie(page, set)
}

/// A form POST (with its CSRF token) redirects to `done/`; a JSON POST answers `{}`. Either
/// way nothing tells whether the address has an account.
pub async fn request(
    State(state): State<AppState>,
    Client(client): Client,
    headers: HeaderMap,
    carried: Carried,
    Body(body): Body,
) -> Response {
    if let Err(e) = state.limits.ip(Rule::ResetIp, &client).await {
        return e.into_response();
    }
    let json = is_json(&headers);
    let lang = state.pages.lang(None, carried);
    let mut f = Fields::new(body);
    if !json && let Some(refused) = csrf_refused(&state, &headers, lang, f.peek(CSRF_FIELD)) {
        return refused;
    }
    let read = f.email("email");
    let email = match f.finish_with(read) {
        Ok(email) => email,
        Err(e) if json => return e.into_response(),
        Err(_) => return form_page(&state, &headers, lang, vec![Refusal::InvalidEmail]),
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
        true => crate::drf::empty_object(),
        false => redirect(&state, "/api/auth/password_reset/done/", lang, None),
    }
}

pub async fn done(State(state): State<AppState>, carried: Carried) -> Response {
    state.pages.render(
        StatusCode::OK,
        state.pages.lang(None, carried),
        "password_reset_done.html",
        "page.password_reset_done.title",
        Value::UNDEFINED,
    )
}

pub async fn complete(State(state): State<AppState>, carried: Carried) -> Response {
    state.pages.render(
        StatusCode::OK,
        state.pages.lang(None, carried),
        "password_reset_complete.html",
        "page.password_reset_complete.title",
        context! { back => true },
    )
}

/// A valid link moves its token out of the URL into a cookie and redirects to the form, in
/// the account's language.
pub async fn follow_link(
    State(state): State<AppState>,
    carried: Carried,
    Path((uid, token)): Path<(String, String)>,
) -> Response {
    match state.accounts.reset_link_lang(&uid, &token).await {
        Ok(Some(lang)) => redirect(
            &state,
            &format!("/api/auth/reset/{uid}/set-password/"),
            lang,
            Some(cookies::reset_session(&uid, &token, state.pages.secure())),
        ),
        Ok(None) => invalid_link(&state, state.pages.lang(None, carried)),
        Err(e) => ApiError::internal(&e).into_response(),
    }
}

pub async fn set_form(
    State(state): State<AppState>,
    headers: HeaderMap,
    carried: Carried,
    Path(uid): Path<String>,
) -> Response {
    let unknown = state.pages.lang(None, carried);
    let Some(token) = cookies::reset_token(&headers, &uid) else {
        return invalid_link(&state, unknown);
    };
    match state.accounts.reset_link_lang(&uid, &token).await {
        Ok(Some(lang)) => set_page(&state, &headers, lang, Vec::new()),
        Ok(None) => invalid_link(&state, unknown),
        Err(e) => ApiError::internal(&e).into_response(),
    }
}

/// The set-password form's POST, in the language the form was shown in.
pub async fn set(
    State(state): State<AppState>,
    Client(client): Client,
    headers: HeaderMap,
    carried: Carried,
    Path(uid): Path<String>,
    Body(body): Body,
) -> Response {
    if let Err(e) = state.limits.ip(Rule::ResetIp, &client).await {
        return e.into_response();
    }
    let lang = state.pages.lang(None, carried);
    let mut f = Fields::new(body);
    if let Some(refused) = csrf_refused(&state, &headers, lang, f.peek(CSRF_FIELD)) {
        return refused;
    }
    let Some(token) = cookies::reset_token(&headers, &uid) else {
        return invalid_link(&state, lang);
    };
    let read = f.password("new_password1").zip(f.password("new_password2"));
    let Ok((first, second)) = f.finish_with(read) else {
        return set_page(&state, &headers, lang, vec![Refusal::PasswordsRequired]);
    };
    if first.expose() != second.expose() {
        return set_page(&state, &headers, lang, vec![Refusal::PasswordMismatch]);
    }
    finish_reset(&state, &headers, lang, (&uid, &token), &first).await
}

async fn finish_reset(
    state: &AppState,
    headers: &HeaderMap,
    lang: Lang,
    (uid, token): (&str, &str),
    new: &Password,
) -> Response {
    match state
        .accounts
        .reset_password_from_link(uid, token, new)
        .await
    {
        Ok(()) => redirect(
            state,
            "/api/auth/reset/done/",
            lang,
            Some(cookies::clear_reset_session(state.pages.secure())),
        ),
        Err(ResetConfirmError::WeakPassword(problems)) => {
            let refusals = problems.into_iter().map(Refusal::Password).collect();
            set_page(state, headers, lang, refusals)
        }
        Err(ResetConfirmError::Internal(e)) => ApiError::internal(&e).into_response(),
        Err(_) => invalid_link(state, lang),
    }
}

fn set_page(state: &AppState, headers: &HeaderMap, lang: Lang, errors: Vec<Refusal>) -> Response {
    let (csrf, set) = cookies::csrf(headers, state.pages.secure());
    let errors = say(state, lang, &errors);
    let values = context! { validlink => true, csrf_token => csrf, errors => errors };
    let page = state.pages.render(
        StatusCode::OK,
        lang,
        "password_reset_confirm.html",
        "page.password_reset_confirm.title",
        values,
    );
    with_cookie(page, set)
}

fn invalid_link(state: &AppState, lang: Lang) -> Response {
    state.pages.render(
        StatusCode::OK,
        lang,
        "password_reset_confirm.html",
        "page.password_reset_invalid.title",
        context! { validlink => false },
    )
}

/// The refusals' sentences in `lang`.
fn say(state: &AppState, lang: Lang, refusals: &[Refusal]) -> Vec<String> {
    refusals
        .iter()
        .map(|r| state.pages.text(lang, r.key(), &r.values()))
        .collect()
}

/// Django's CSRF middleware on a form POST: another site's `Origin`/`Referer`, or a token
/// that does not match the cookie, is a 403 page.
pub(super) fn csrf_refused(
    state: &AppState,
    headers: &HeaderMap,
    lang: Lang,
    posted: Option<&str>,
) -> Option<Response> {
    let reason = match origin::refused(headers, state.pages.origin()) {
        Some(reason) => Some(say(state, lang, &[reason]).remove(0)),
        None if cookies::csrf_ok(headers, posted) => return None,
        None => None,
    };
    Some(state.pages.render(
        StatusCode::FORBIDDEN,
        lang,
        "csrf_failure.html",
        "page.csrf.title",
        context! { reason => reason },
    ))
}

/// A redirect to one of the pages, carrying `lang` there.
fn redirect(state: &AppState, path: &str, lang: Lang, cookie: Option<String>) -> Response {
    let location = format!("{path}{}", state.pages.lang_query(lang));
    let response = (StatusCode::FOUND, [(LOCATION, location)]).into_response();
    with_cookie(response, cookie)
}

fn is_json(headers: &HeaderMap) -> bool {
    headers
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.trim_start().starts_with("application/json"))
}
