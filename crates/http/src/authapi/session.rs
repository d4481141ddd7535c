//! `login/`, `otp/`, `refresh/` and `logout/`: SimpleJWT's views as the original configured
//! them (login by username, rotation with blacklisting), and the login's second factor.

use crate::AppState;
use crate::client::Client;
use crate::drf::{ApiError, Body, Fields};
use crate::limits::Rule;
use crate::simplejwt;
use crate::two_factor::{self, Dialect, answers};
use axum::Json;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};
use tessera_core::accounts::{LoginName, LoginOutcome, Rotation};
use tessera_core::domain::User;
use tessera_core::tokens::TokenPair;

/// This dialect's 2FA endpoints: the current password is `password`, a login answers `lang`.
pub struct AuthApi;

impl Dialect for AuthApi {
    const PASSWORD: &'static str = "password";
    const WRONG_PASSWORD: &'static str = "Current password is incorrect.";

    fn pair(user: &User, pair: &TokenPair) -> Value {
        json!({"access": pair.access, "refresh": pair.refresh, "lang": user.lang.as_str()})
    }
}

/// In this dialect a refresh always rotates and blacklists the presented token.
const ROTATION: Rotation = Rotation {
    rotate: true,
    blacklist: true,
};

/// With 2FA on: 202 and a challenge to answer at `otp/`.
pub async fn login(
    State(state): State<AppState>,
    Client(client): Client,
    Body(body): Body,
) -> Result<Response, ApiError> {
    state.limits.ip(Rule::LoginIp, &client).await?;
    let mut f = Fields::new(body);
    let read = f.required("username").zip(f.password("password"));
    let (username, password) = f.finish_with(read)?;
    let outcome = state
        .accounts
        .login(LoginName::Username(&username), &password, &client)
        .await
        .map_err(simplejwt::login)?;
    Ok(match outcome {
        LoginOutcome::Session(user, pair) => Json(AuthApi::pair(&user, &pair)).into_response(),
        LoginOutcome::Challenge(_, challenge) => answers::challenge(&challenge),
    })
}

/// `{ticket, code}` answers a challenge; the original's `{username, password, otp}` logs in
/// in one call (and confirms a pending enrolment, answering the recovery codes too).
pub async fn otp(
    State(state): State<AppState>,
    Client(client): Client,
    Body(body): Body,
) -> Result<Json<Value>, ApiError> {
    let mut f = Fields::new(body);
    if f.has("ticket") {
        state.limits.ip(Rule::TwoFactorIp, &client).await?;
        return two_factor::answer_challenge::<AuthApi>(&state, &client, f).await;
    }
    state.limits.ip(Rule::LoginIp, &client).await?;
    let read = f
        .required("username")
        .zip(f.password("password"))
        .zip(two_factor::second_factor(&mut f));
    let ((username, password), (field, factor)) = f.finish_with(read)?;
    let done = state
        .accounts
        .login_with_code(LoginName::Username(&username), &password, &factor, &client)
        .await
        .map_err(|e| answers::second_step(e, field))?;
    let mut body = AuthApi::pair(&done.user, &done.pair);
    if let (Some(codes), Value::Object(map)) = (&done.recovery_codes, &mut body) {
        map.insert("recovery_codes".into(), answers::recovery_codes(codes));
    }
    Ok(Json(body))
}

pub async fn refresh(
    State(state): State<AppState>,
    Client(client): Client,
    Body(body): Body,
) -> Result<Json<Value>, ApiError> {
    let mut f = Fields::new(body);
    let read = f.required("refresh");
    let token = f.finish_with(read)?;
    let refreshed = state
        .accounts
        .refresh(&token, ROTATION, &client)
        .await
        .map_err(simplejwt::refresh)?;
    Ok(Json(
        json!({"access": refreshed.access, "refresh": refreshed.refresh}),
    ))
}

pub async fn logout(
    State(state): State<AppState>,
    Body(body): Body,
) -> Result<Json<Value>, ApiError> {
    let mut f = Fields::new(body);
    let read = f.required("refresh");
    let token = f.finish_with(read)?;
    state
        .accounts
        .logout(&token)
        .await
        .map_err(simplejwt::logout)?;
    Ok(Json(json!({})))
}
