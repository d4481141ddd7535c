//! The admin API's handlers: each names the account, runs one operator's use case and
//! answers the account as it is now (or what the use case returns).

use super::errors::{admin, bad_parameter, internal};
use super::params::{Answer, Params, flag, limit, number};
use super::{Staff, view};
use crate::AppState;
use crate::drf::ApiError;
use crate::drf::{Path, Query};
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde_json::{Value, json};
use tessera_core::accounts::{AccountRef, Accounts, AdminError};
use tessera_core::domain::{User, UserId};
use tessera_core::events::{EventKind, EventQuery};
use tessera_core::ports::UserSearch;

/// `GET users/?search=&active=&staff=&two_fa=&limit=&offset=`
pub async fn list(State(state): State<AppState>, _: Staff, Query(params): Params) -> Answer {
    let search = UserSearch {
        text: params.get("search").filter(|s| !s.is_empty()).cloned(),
        active: flag(&params, "active")?,
        staff: flag(&params, "staff")?,
        two_fa: flag(&params, "two_fa")?,
        limit: limit(&params)?,
        offset: number(&params, "offset")?.unwrap_or(0),
    };
    let page = state.accounts.find_users(&search).await.map_err(internal)?;
    Ok(Json(view::page(&page)))
}

/// The account `{id}` names (an id, an address or a username).
async fn account(state: &AppState, id: &str) -> Result<User, ApiError> {
    state
        .accounts
        .find_account(&AccountRef::parse(id))
        .await
        .map_err(admin)
}

/// The account as it is after a change.
async fn shown(state: &AppState, id: UserId) -> Answer {
    let user = state
        .accounts
        .find_account(&AccountRef::Id(id))
        .await
        .map_err(admin)?;
    let detail = state
        .accounts
        .account_detail(user)
        .await
        .map_err(internal)?;
    Ok(Json(view::detail(&detail)))
}

pub async fn show(State(state): State<AppState>, _: Staff, Path(id): Path<String>) -> Answer {
    let user = account(&state, &id).await?;
    shown(&state, user.id).await
}

pub async fn remove(
    State(state): State<AppState>,
    Staff(op): Staff,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    let user = account(&state, &id).await?;
    state
        .accounts
        .remove_account(&op, &user)
        .await
        .map_err(admin)?;
    Ok(StatusCode::NO_CONTENT)
}

/// Run `change` on the account `id` names; answer the account as it is then.
async fn changed(
    state: &AppState,
    id: &str,
    change: impl AsyncFnOnce(&Accounts, &User) -> Result<(), AdminError>,
) -> Answer {
    let user = account(state, id).await?;
    change(&state.accounts, &user).await.map_err(admin)?;
    shown(state, user.id).await
}

pub async fn deactivate(
    State(state): State<AppState>,
    Staff(op): Staff,
    Path(id): Path<String>,
) -> Answer {
    changed(&state, &id, async |a, u| {
        a.set_account_active(&op, u, false).await
    })
    .await
}

pub async fn reactivate(
    State(state): State<AppState>,
    Staff(op): Staff,
    Path(id): Path<String>,
) -> Answer {
    changed(&state, &id, async |a, u| {
        a.set_account_active(&op, u, true).await
    })
    .await
}

pub async fn grant_staff(
    State(state): State<AppState>,
    Staff(op): Staff,
    Path(id): Path<String>,
) -> Answer {
    changed(&state, &id, async |a, u| {
        a.set_account_staff(&op, u, true).await
    })
    .await
}

pub async fn revoke_staff(
    State(state): State<AppState>,
    Staff(op): Staff,
    Path(id): Path<String>,
) -> Answer {
    changed(&state, &id, async |a, u| {
        a.set_account_staff(&op, u, false).await
    })
    .await
}

pub async fn reset_password(
    State(state): State<AppState>,
    Staff(op): Staff,
    Path(id): Path<String>,
) -> Answer {
    changed(&state, &id, async |a, u| {
        a.force_password_reset(&op, u).await
    })
    .await
}

pub async fn reset_two_factor(
    State(state): State<AppState>,
    Staff(op): Staff,
    Path(id): Path<String>,
) -> Answer {
    changed(&state, &id, async |a, u| a.reset_two_factor(&op, u).await).await
}

pub async fn end_sessions(
    State(state): State<AppState>,
    Staff(op): Staff,
    Path(id): Path<String>,
) -> Answer {
    changed(&state, &id, async |a, u| a.end_sessions_of(&op, u).await).await
}

pub async fn resend(
    State(state): State<AppState>,
    Staff(op): Staff,
    Path(id): Path<String>,
) -> Answer {
    let user = account(&state, &id).await?;
    let resent = state
        .accounts
        .resend_first_mail(&op, &user)
        .await
        .map_err(admin)?;
    Ok(Json(
        json!({"resent": resent.as_str(), "to": user.email.as_str()}),
    ))
}

/// `GET events/?user=&kind=&before=&limit=`, newest first.
pub async fn events(State(state): State<AppState>, _: Staff, Query(params): Params) -> Answer {
    let kind = match params.get("kind").filter(|k| !k.is_empty()) {
        None => None,
        Some(k) => {
            Some(EventKind::parse(k).ok_or_else(|| bad_parameter("kind", "Not a kind of event."))?)
        }
    };
    let user = match params.get("user").filter(|u| !u.is_empty()) {
        None => None,
        Some(u) => Some(account(&state, u).await?.id),
    };
    let query = EventQuery {
        user,
        kind,
        before: number(&params, "before")?,
        limit: limit(&params)?,
    };
    let events = state.accounts.events(&query).await.map_err(internal)?;
    let results: Vec<Value> = events.iter().map(view::event).collect();
    Ok(Json(json!({ "results": results })))
}
