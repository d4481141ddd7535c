//! `''` (create, staff list), `<username>/`, `update/<username>/`, `delete/<username>/`.

use super::{actor, errors, view};
use crate::AppState;
use crate::auth::CurrentUser;
use crate::client::Client;
use crate::drf::Path;
use crate::drf::{ApiError, Body, Fields};
use crate::limits::Rule;
use crate::two_factor::{self, answers};
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde_json::{Value, json};
use tessera_core::accounts::{AccountKind, ProfileUpdate, Registration, Target, TwoFactorSwitch};
use tessera_core::domain::{ClientInfo, Lang};

type Answer = Result<(StatusCode, Json<Value>), ApiError>;

/// The original accepted `two_fa_enable`; `two_fa_enabled` is what it answers.
const TWO_FA_FIELDS: [&str; 2] = ["two_fa_enable", "two_fa_enabled"];
/// The original's `Ok` (and, after a rename, `OK`) of a successful `update/`.
const UPDATED: &str = "Update successful";

pub async fn create(
    State(state): State<AppState>,
    Client(client): Client,
    Body(body): Body,
) -> Answer {
    state.limits.ip(Rule::SignupIp, &client).await?;
    let mut f = Fields::new(body);
    errors::check_passwords_match(&mut f, "password", "password2");
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
    let (((username, email), password), _) = f.finish_with(read)?;
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
        .map_err(errors::register)?;
    Ok((StatusCode::CREATED, Json(view::created(&user))))
}

/// Staff only: the original listed every account to anyone.
pub async fn list(State(state): State<AppState>, CurrentUser(me): CurrentUser) -> Answer {
    let users = state
        .accounts
        .visible_users(actor(&me))
        .await
        .map_err(errors::access)?;
    Ok((
        StatusCode::OK,
        Json(users.iter().map(|u| view::account(u, None)).collect()),
    ))
}

pub async fn get(
    State(state): State<AppState>,
    CurrentUser(me): CurrentUser,
    Path(username): Path<String>,
) -> Answer {
    let user = state
        .accounts
        .account(actor(&me), named(&username))
        .await
        .map_err(errors::access)?;
    let pending = state
        .accounts
        .pending_email(&user)
        .await
        .map_err(errors::internal)?;
    Ok((StatusCode::OK, Json(view::account(&user, pending.as_ref()))))
}

pub async fn remove(
    State(state): State<AppState>,
    CurrentUser(me): CurrentUser,
    Path(username): Path<String>,
) -> Result<StatusCode, ApiError> {
    let permit = state
        .accounts
        .permit(actor(&me), named(&username))
        .await
        .map_err(errors::access)?;
    // The original deleted without asking for the password.
    state
        .accounts
        .delete_account(permit, None)
        .await
        .map_err(errors::delete)?;
    Ok(StatusCode::NO_CONTENT)
}

/// PUT and PATCH alike, as in the original: a partial update of the fields given.
pub async fn update(
    State(state): State<AppState>,
    CurrentUser(me): CurrentUser,
    Client(client): Client,
    Path(username): Path<String>,
    Body(body): Body,
) -> Answer {
    let permit = state
        .accounts
        .permit(actor(&me), named(&username))
        .await
        .map_err(errors::access)?;
    let mut f = Fields::new(body);
    let (change, switch) = read_update(&mut f, client);
    f.finish().map_err(errors::invalid_update)?;
    let updated = state
        .accounts
        .update_profile(permit, change)
        .await
        .map_err(|e| errors::update(e, switch))?;
    let mut body = view::account(&updated.user, updated.pending_email.as_ref());
    if let Value::Object(map) = &mut body {
        map.insert("Ok".into(), json!(UPDATED));
        if let Some(tokens) = updated.tokens {
            map.insert("OK".into(), json!(UPDATED));
            map.insert("new username".into(), json!(updated.user.username.as_str()));
            map.insert("access".into(), json!(tokens.access));
            map.insert("refresh".into(), json!(tokens.refresh));
        }
        if let Some(enrolment) = updated.enrolment {
            map.extend(answers::enrolment(&enrolment, false));
        }
    }
    Ok((StatusCode::OK, Json(body)))
}

/// An `update/` body: the fields given, and the 2FA switch with the field it came in.
/// Password fields are refused (the original stored them as given), but for the current
/// password that a new address and turning 2FA off are proved with.
fn read_update(f: &mut Fields, client: ClientInfo) -> (ProfileUpdate, &'static str) {
    let two_fa = two_fa_field(f);
    let proves = matches!(two_fa, Some((_, false))) || f.has("email");
    for field in ["password", "password2", "new_password", "new_password2"] {
        if f.has(field) && !(proves && field == "password") {
            f.error(
                field,
                "Passwords are changed at password/<username>/, not here.",
            );
        }
    }
    let username = f.has("username").then(|| f.username("username")).flatten();
    let email = f.has("email").then(|| f.email("email")).flatten();
    let lang = f.has("lang").then(|| f.lang("lang")).flatten();
    let (_, fields) = f.profile();
    let password = f.has("password").then(|| f.password("password")).flatten();
    let two_factor = two_fa.map(|(_, on)| match on {
        true => TwoFactorSwitch::On,
        false => TwoFactorSwitch::Off {
            proof: ["code", "otp", "recovery_code"]
                .iter()
                .any(|n| f.has(n))
                .then(|| two_factor::second_factor(f, "code"))
                .flatten()
                .map(|(_, proof)| proof),
        },
    });
    let change = ProfileUpdate {
        username,
        email,
        password,
        lang,
        fields,
        reissue_for: Some(client),
        two_factor,
    };
    (change, two_fa.map_or(TWO_FA_FIELDS[1], |(name, _)| name))
}

/// The 2FA switch under whichever name the client used.
fn two_fa_field(f: &mut Fields) -> Option<(&'static str, bool)> {
    let name = TWO_FA_FIELDS.into_iter().find(|n| f.has(n))?;
    f.boolean(name).map(|on| (name, on))
}

/// The account a path names by its username.
fn named(username: &str) -> Target<'_> {
    Target::Username(username.trim_end_matches('/'))
}
