//! `''` (create, staff list), `<username>/`, `update/<username>/`, `delete/<username>/`.

use super::session::AuthApi;
use super::{RESERVED_USERNAMES, errors, view};
use crate::AppState;
use crate::auth::CurrentUser;
use crate::client::Client;
use crate::django;
use crate::drf::Path;
use crate::drf::{ApiError, Body, Fields};
use crate::limits::Rule;
use crate::two_factor::{self, Dialect, answers};
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde_json::{Value, json};
use tessera_core::accounts::{
    AccountKind, Enrolment, ProfileUpdate, Registration, SecondFactor, TwoFactorError,
};
use tessera_core::domain::{ClientInfo, Lang, Password, User};

type Answer = Result<(StatusCode, Json<Value>), ApiError>;

/// The original accepted `two_fa_enable`; `two_fa_enabled` is what it answers.
const TWO_FA_FIELDS: [&str; 2] = ["two_fa_enable", "two_fa_enabled"];

pub async fn create(
    State(state): State<AppState>,
    Client(client): Client,
    Body(body): Body,
) -> Answer {
    state.limits.ip(Rule::SignupIp, &client).await?;
    let mut f = Fields::new(body);
    let read = f
        .username("username")
        .zip(f.email("email"))
        .zip(f.password("password"))
        .zip(f.password("password2"));
    let lang = if f.has("lang") {
        f.lang("lang")
    } else {
        Some(Lang::default())
    };
    let two_fa = two_fa_field(&mut f);
    if let Some(name) = f.peek("username")
        && RESERVED_USERNAMES.contains(&name.to_ascii_lowercase().as_str())
    {
        f.error("username", "This username is reserved.");
    }
    let (((username, email), password), password2) = f.finish_with(read)?;
    if password.expose() != password2.expose() {
        return Err(ApiError::field("password", &[errors::PASSWORDS_DIFFER]));
    }
    if let Some((name, true)) = two_fa {
        return Err(ApiError::field(name, &[answers::NEEDS_VERIFIED_EMAIL]));
    }
    let registration = Registration {
        email,
        username,
        password,
        profile: Default::default(),
        lang: lang.unwrap_or_default(),
        kind: AccountKind::ActiveUnverified,
    };
    let user = state
        .accounts
        .register(registration)
        .await
        .map_err(django::register)?;
    Ok((StatusCode::CREATED, Json(view::created(&user))))
}

/// Staff only: the original listed every account to anyone.
pub async fn list(State(state): State<AppState>, CurrentUser(me): CurrentUser) -> Answer {
    if !me.is_staff {
        return Err(errors::not_owner());
    }
    let users = state
        .accounts
        .visible_users(&me)
        .await
        .map_err(errors::internal)?;
    Ok((
        StatusCode::OK,
        Json(users.iter().map(view::account).collect()),
    ))
}

pub async fn get(CurrentUser(me): CurrentUser, Path(username): Path<String>) -> Answer {
    owner(&me, &username)?;
    Ok((StatusCode::OK, Json(view::account(&me))))
}

pub async fn remove(
    State(state): State<AppState>,
    CurrentUser(me): CurrentUser,
    Path(username): Path<String>,
) -> Result<StatusCode, ApiError> {
    owner(&me, &username)?;
    state
        .accounts
        .remove_account(me.id)
        .await
        .map_err(errors::internal)?;
    Ok(StatusCode::NO_CONTENT)
}

pub async fn put(
    State(state): State<AppState>,
    CurrentUser(me): CurrentUser,
    Client(client): Client,
    Path(username): Path<String>,
    Body(body): Body,
) -> Answer {
    owner(&me, &username)?;
    update(&state, &me, client, body, false).await
}

pub async fn patch(
    State(state): State<AppState>,
    CurrentUser(me): CurrentUser,
    Client(client): Client,
    Path(username): Path<String>,
    Body(body): Body,
) -> Answer {
    owner(&me, &username)?;
    update(&state, &me, client, body, true).await
}

/// PUT needs username, email and lang; PATCH any subset. Password fields are refused, but
/// for the password that turning 2FA off needs (with a code, as at `2fa/disable/`).
async fn update(
    state: &AppState,
    me: &User,
    client: ClientInfo,
    body: Value,
    partial: bool,
) -> Answer {
    let mut f = Fields::new(body);
    let two_fa = two_fa_field(&mut f);
    let turn_off = matches!(two_fa, Some((_, false))) && me.two_fa_enabled;
    for field in ["password", "password2", "new_password", "new_password2"] {
        if f.has(field) && !(turn_off && field == "password") {
            f.error(
                field,
                "Passwords are changed at password/<username>/, not here.",
            );
        }
    }
    let wanted = |f: &Fields, name: &str| !partial || f.has(name);
    let username = if wanted(&f, "username") {
        f.username("username")
    } else {
        None
    };
    let email = if wanted(&f, "email") {
        f.email("email")
    } else {
        None
    };
    let lang = if wanted(&f, "lang") {
        f.lang("lang")
    } else {
        None
    };
    let proof = turn_off.then(|| {
        f.password("password")
            .zip(two_factor::second_factor(&mut f))
    });
    let (_, fields) = f.profile();
    let proof = match proof {
        Some(read) => Some(f.finish_with(read)?),
        None => f.finish().map(|()| None)?,
    };
    let enrolment = switch_two_fa(state, me, two_fa, proof).await?;
    let change = ProfileUpdate {
        username,
        email,
        lang,
        fields,
        reissue_for: Some(client),
    };
    let updated = state
        .accounts
        .update_profile(me.id, change)
        .await
        .map_err(errors::update)?;
    let mut body = view::account(&updated.user);
    if let Value::Object(map) = &mut body {
        if let Some(tokens) = updated.tokens {
            map.insert("access".into(), json!(tokens.access));
            map.insert("refresh".into(), json!(tokens.refresh));
        }
        if let Some(enrolment) = enrolment {
            map.extend(answers::enrolment(&enrolment, false));
        }
    }
    Ok((StatusCode::OK, Json(body)))
}

/// `two_fa_enable` true starts a TOTP enrolment (answered with its otpauth:// URI, as the
/// original did; a code confirms it); false turns 2FA off with the password and a code.
async fn switch_two_fa(
    state: &AppState,
    me: &User,
    two_fa: Option<(&'static str, bool)>,
    proof: Option<(Password, (&'static str, SecondFactor))>,
) -> Result<Option<Enrolment>, ApiError> {
    let management = |e| answers::management(e, AuthApi::PASSWORD, AuthApi::WRONG_PASSWORD);
    match (two_fa, proof) {
        (Some((name, true)), _) if !me.two_fa_enabled => {
            match state.accounts.start_totp(me).await {
                Ok(enrolment) => Ok(Some(enrolment)),
                Err(TwoFactorError::NeedsVerifiedEmail) => {
                    Err(ApiError::field(name, &[answers::NEEDS_VERIFIED_EMAIL]))
                }
                Err(e) => Err(management(e)),
            }
        }
        (Some((_, false)), Some((password, (_, factor)))) => {
            state
                .accounts
                .disable_two_factor(me, &password, &factor)
                .await
                .map_err(management)?;
            Ok(None)
        }
        _ => Ok(None),
    }
}

/// The 2FA switch under whichever name the client used.
fn two_fa_field(f: &mut Fields) -> Option<(&'static str, bool)> {
    let name = TWO_FA_FIELDS.into_iter().find(|n| f.has(n))?;
    f.boolean(name).map(|on| (name, on))
}

/// Only the account's owner: any other name answers 403, whether or not it exists.
fn owner(me: &User, username: &str) -> Result<(), ApiError> {
    if me.username.as_str() == username.trim_end_matches('/') {
        Ok(())
    } else {
        Err(errors::not_owner())
    }
}
