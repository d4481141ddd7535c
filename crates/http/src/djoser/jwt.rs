//! SimpleJWT's `jwt/create/`, `jwt/refresh/` and `jwt/verify/`.

use super::errors;
use crate::AppState;
use crate::client::Client;
use crate::drf::{ApiError, Body, Fields, Typed, empty_object};
use crate::limits::Rule;
use crate::two_factor::{Dialect, answers};
use axum::Json;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use serde_json::{Map, Value, json};
use tessera_core::accounts::{LoginName, LoginOutcome, SecondStepError, TwoFactorError};
use tessera_core::domain::User;
use tessera_core::tokens::TokenPair;

/// This dialect's 2FA endpoints: Djoser names the current password `current_password`.
pub struct Djoser;

impl Dialect for Djoser {
    const PASSWORD: &'static str = "current_password";
    const EMAIL_CODE_PATH: &'static str = "/auth/jwt/2fa/email/";

    fn pair(_: &User, pair: &TokenPair) -> Value {
        json!({"refresh": pair.refresh, "access": pair.access})
    }

    fn management(e: TwoFactorError) -> ApiError {
        errors::management(e)
    }

    fn second_step(e: SecondStepError, field: &str) -> ApiError {
        errors::second_step(e, field)
    }
}

/// SimpleJWT's login; with 2FA on, 202 and a challenge to answer at `jwt/2fa/`.
pub async fn create(
    State(state): State<AppState>,
    Client(client): Client,
    Body(body): Body,
) -> Result<Response, ApiError> {
    state.limits.ip(Rule::LoginIp, &client).await?;
    let mut f = Fields::new(body);
    let read = f.required("email").zip(f.password("password"));
    let (email, password) = f.finish_with(read)?;
    let outcome = state
        .accounts
        .login(LoginName::Email(&email), &password, &client)
        .await
        .map_err(errors::login)?;
    Ok(match outcome {
        LoginOutcome::Session(user, pair) => Json(Djoser::pair(&user, &pair)).into_response(),
        LoginOutcome::Challenge(_, challenge) => {
            answers::challenge(&challenge, Djoser::EMAIL_CODE_PATH, Map::new())
        }
    })
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
        .refresh(&token, state.accounts.configured_rotation(), &client)
        .await
        .map_err(errors::refresh)?;
    let mut out = Map::new();
    out.insert("access".into(), json!(refreshed.access));
    if let Some(refresh) = refreshed.refresh {
        out.insert("refresh".into(), json!(refresh));
    }
    Ok(Json(Value::Object(out)))
}

/// `{"token": …}` read straight from JSON (other fields are ignored, as DRF does).
#[derive(serde::Deserialize)]
pub struct TokenBody {
    token: String,
}

pub async fn verify(
    State(state): State<AppState>,
    body: Typed<TokenBody>,
) -> Result<Response, ApiError> {
    // A string that is not blank once trimmed is what `Fields::required` accepts; anything
    // else goes the field-by-field way, for DRF's messages.
    let token = match body {
        Typed::Read(TokenBody { token }) if !token.trim().is_empty() => token,
        Typed::Read(TokenBody { token }) => read_token(json!({ "token": token }))?,
        Typed::Fields(body) => read_token(body)?,
    };
    state
        .accounts
        .verify(token.trim())
        .await
        .map_err(errors::verify)?;
    Ok(empty_object())
}

fn read_token(body: Value) -> Result<String, ApiError> {
    let mut f = Fields::new(body);
    let read = f.required("token");
    f.finish_with(read)
}
