//! `users/`, `users/me/` and `users/{id}/`: register, list, read, update, delete.

use super::{actor, errors, view};
use crate::AppState;
use crate::auth::CurrentUser;
use crate::client::Client;
use crate::drf::Path;
use crate::drf::{ApiError, Body, Fields};
use crate::limits::Rule;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde_json::Value;
use tessera_core::accounts::{AccountKind, ProfileUpdate, Registration, Target};
use tessera_core::domain::User;

type Answer = Result<(StatusCode, Json<Value>), ApiError>;

pub async fn register(
    State(state): State<AppState>,
    Client(client): Client,
    Body(body): Body,
) -> Answer {
    state.limits.ip(Rule::SignupIp, &client).await?;
    let mut f = Fields::new(body);
    let read = f
        .username("username")
        .zip(f.email("email"))
        .zip(f.password("password"));
    let (profile, _) = f.profile();
    let ((username, email), password) = f.finish_with(read)?;
    let registration = Registration {
        email,
        username,
        password,
        profile,
        // Djoser's sign-up names no language: the operator's TESSERA_DEFAULT_LANG.
        lang: state.accounts.default_lang(),
        kind: AccountKind::SelfService,
    };
    let user = state
        .accounts
        .register(registration)
        .await
        .map_err(errors::register)?;
    Ok((StatusCode::CREATED, Json(view::created(&user))))
}

pub async fn list(State(state): State<AppState>, CurrentUser(me): CurrentUser) -> Answer {
    let users = state
        .accounts
        .visible_users(actor(&me))
        .await
        .map_err(errors::access)?;
    Ok((StatusCode::OK, Json(users.iter().map(view::user).collect())))
}

pub async fn me(CurrentUser(me): CurrentUser) -> Json<view::UserView> {
    Json(view::UserView(me))
}

pub async fn put_me(
    State(state): State<AppState>,
    CurrentUser(me): CurrentUser,
    Body(body): Body,
) -> Answer {
    update(&state, &me, Target::Own, body, false).await
}

pub async fn patch_me(
    State(state): State<AppState>,
    CurrentUser(me): CurrentUser,
    Body(body): Body,
) -> Answer {
    update(&state, &me, Target::Own, body, true).await
}

pub async fn delete_me(
    State(state): State<AppState>,
    CurrentUser(me): CurrentUser,
    Body(body): Body,
) -> Result<StatusCode, ApiError> {
    delete(&state, &me, Target::Own, body).await
}

pub async fn by_id(
    State(state): State<AppState>,
    CurrentUser(me): CurrentUser,
    Path(id): Path<String>,
) -> Answer {
    let target = state
        .accounts
        .account(actor(&me), Target::Pk(&id))
        .await
        .map_err(errors::access)?;
    Ok((StatusCode::OK, Json(view::user(&target))))
}

pub async fn put_by_id(
    State(state): State<AppState>,
    CurrentUser(me): CurrentUser,
    Path(id): Path<String>,
    Body(body): Body,
) -> Answer {
    update(&state, &me, Target::Pk(&id), body, false).await
}

pub async fn patch_by_id(
    State(state): State<AppState>,
    CurrentUser(me): CurrentUser,
    Path(id): Path<String>,
    Body(body): Body,
) -> Answer {
    update(&state, &me, Target::Pk(&id), body, true).await
}

pub async fn delete_by_id(
    State(state): State<AppState>,
    CurrentUser(me): CurrentUser,
    Path(id): Path<String>,
    Body(body): Body,
) -> Result<StatusCode, ApiError> {
    delete(&state, &me, Target::Pk(&id), body).await
}

/// PUT needs `username`; PATCH takes any subset. `email` and `id` are read-only and ignored.
async fn update(
    state: &AppState,
    me: &User,
    target: Target<'_>,
    body: Value,
    partial: bool,
) -> Answer {
    let permit = state
        .accounts
        .permit(actor(me), target)
        .await
        .map_err(errors::access)?;
    let mut f = Fields::new(body);
    let username = if partial && !f.has("username") {
        None
    } else {
        f.username("username")
    };
    let (_, fields) = f.profile();
    f.finish()?;
    let change = ProfileUpdate {
        username,
        fields,
        ..ProfileUpdate::default()
    };
    let user = state
        .accounts
        .update_profile(permit, change)
        .await
        .map_err(errors::update)?;
    Ok((StatusCode::OK, Json(view::user(&user.user))))
}

async fn delete(
    state: &AppState,
    me: &User,
    target: Target<'_>,
    body: Value,
) -> Result<StatusCode, ApiError> {
    let permit = state
        .accounts
        .permit(actor(me), target)
        .await
        .map_err(errors::access)?;
    let mut f = Fields::new(body);
    let read = f.password("current_password");
    let password = f.finish_with(read)?;
    state
        .accounts
        .delete_account(permit, Some(&password))
        .await
        .map_err(errors::delete)?;
    Ok(StatusCode::NO_CONTENT)
}
