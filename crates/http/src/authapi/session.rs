//! `login/`, `otp/`, `refresh/` and `logout/`: SimpleJWT's views as the original configured
//! them (login by username, rotation with blacklisting), and the login's second factor, with
//! the original's `message` keys beside Tessera's.

use super::errors;
use crate::AppState;
use crate::client::Client;
use crate::drf::{ApiError, Body, Fields, empty_object};
use crate::limits::Rule;
use crate::two_factor::{self, Dialect, answers};
use axum::Json;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use serde_json::{Map, Value, json};
use tessera_core::accounts::{LoginName, LoginOutcome, Rotation, SecondStepError, TwoFactorError};
use tessera_core::domain::User;
use tessera_core::tokens::TokenPair;

/// This dialect's 2FA endpoints: the current password is `password`, a login answers `lang`.
pub struct AuthApi;

impl Dialect for AuthApi {
    const PASSWORD: &'static str = "password";
    const EMAIL_CODE_PATH: &'static str = "/api/auth/otp/email/";

    fn pair(user: &User, pair: &TokenPair) -> Value {
        json!({"access": pair.access, "refresh": pair.refresh, "lang": user.lang.as_str()})
    }

    fn management(e: TwoFactorError) -> ApiError {
        errors::management(e)
    }

    fn second_step(e: SecondStepError, field: &str) -> ApiError {
        errors::second_step(e, field)
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
    let (username, password) = f
        .finish_with(read)
        .map_err(|e| e.with_key("detail", "Username and password are required."))?;
    let outcome = state
        .accounts
        .login(LoginName::Username(&username), &password, &client)
        .await
        .map_err(errors::login)?;
    Ok(match outcome {
        LoginOutcome::Session(user, pair) => Json(AuthApi::pair(&user, &pair)).into_response(),
        LoginOutcome::Challenge(_, challenge) => {
            let mut original = Map::new();
            original.insert("message".into(), json!(errors::TWO_FA_REQUIRED));
            answers::challenge(&challenge, AuthApi::EMAIL_CODE_PATH, original)
        }
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
    let done = if f.has("ticket") {
        state.limits.ip(Rule::TwoFactorIp, &client).await?;
        let read = f
            .required("ticket")
            .zip(two_factor::second_factor(&mut f, "code"));
        let (ticket, (field, factor)) = f.finish_with(read)?;
        state
            .accounts
            .complete_login(&ticket, &factor, &client)
            .await
            .map_err(|e| errors::second_step(e, field))?
    } else {
        state.limits.ip(Rule::LoginIp, &client).await?;
        // The original: no username or code is 400, no password is 401 as a wrong one.
        let password_given = match f.peek("password") {
            Some(text) => !text.is_empty(),
            None => f.has("password"),
        };
        let read = f
            .required("username")
            .zip(two_factor::second_factor(&mut f, "otp"));
        if let (Some((_, (field, _))), false) = (&read, password_given) {
            return Err(errors::otp(SecondStepError::InvalidCredentials, field));
        }
        let read = read.zip(f.password("password"));
        let ((username, (field, factor)), password) = f
            .finish_with(read)
            .map_err(|e| e.with_key("message", errors::OTP_FIELDS_REQUIRED))?;
        state
            .accounts
            .login_with_code(LoginName::Username(&username), &password, &factor, &client)
            .await
            .map_err(|e| errors::otp(e, field))?
    };
    let mut body = two_factor::login_answer::<AuthApi>(&done);
    if let Value::Object(map) = &mut body {
        map.insert("message".into(), json!(errors::CODE_VERIFIED));
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
        .map_err(errors::refresh)?;
    Ok(Json(
        json!({"access": refreshed.access, "refresh": refreshed.refresh}),
    ))
}

pub async fn logout(State(state): State<AppState>, Body(body): Body) -> Result<Response, ApiError> {
    let mut f = Fields::new(body);
    let read = f.required("refresh");
    let token = f.finish_with(read)?;
    state
        .accounts
        .logout(&token)
        .await
        .map_err(errors::logout)?;
    Ok(empty_object())
}
