//! `password/<username>/`: change the password with the current one (PUT and PATCH alike).

use super::{actor, errors};
use crate::AppState;
use crate::auth::{CurrentSession, CurrentUser};
use crate::client::Client;
use crate::drf::Path;
use crate::drf::{ApiError, Body, Fields};
use crate::limits::Rule;
use axum::Json;
use axum::extract::State;
use serde_json::{Value, json};
use tessera_core::accounts::{PasswordChange, Target};

pub async fn change(
    State(state): State<AppState>,
    CurrentUser(me): CurrentUser,
    CurrentSession(session): CurrentSession,
    Client(client): Client,
    Path(username): Path<String>,
    Body(body): Body,
) -> Result<Json<Value>, ApiError> {
    state.limits.ip(Rule::PasswordIp, &client).await?;
    let permit = state
        .accounts
        .permit(actor(&me), Target::Username(&username))
        .await
        .map_err(errors::access)?;
    let mut f = Fields::new(body);
    errors::check_passwords_match(&mut f, "new_password", "new_password2");
    let read = f
        .password("password")
        .zip(f.password("new_password"))
        .zip(f.password("new_password2"));
    let ((current, new), _) = f.finish_with(read)?;
    state
        .limits
        .check(Rule::PasswordAccount, &me.id.0.to_string())
        .await?;
    let how = PasswordChange {
        session: session.as_deref(),
        reissue_for: Some(&client),
    };
    let pair = state
        .accounts
        .change_password(permit, &current, &new, how)
        .await
        .map_err(errors::change_password)?;
    let mut body = json!({"detail": "Password changed."});
    if let (Some(pair), Value::Object(map)) = (pair, &mut body) {
        map.insert("access".into(), json!(pair.access));
        map.insert("refresh".into(), json!(pair.refresh));
    }
    Ok(Json(body))
}
