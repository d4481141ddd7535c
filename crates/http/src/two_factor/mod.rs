//! Two-factor endpoints both dialects serve (each under its own paths, with its own password
//! field and token-pair shape): status, TOTP enrolment and confirmation, turning 2FA off,
//! new recovery codes, and the second step of a login.

pub mod answers;
mod qr;

use crate::AppState;
use crate::auth::CurrentUser;
use crate::client::Client;
use crate::drf::{ApiError, Body, Fields};
use crate::limits::Rule;
use axum::Json;
use axum::extract::{RawQuery, State};
use serde_json::{Value, json};
use tessera_core::Secret;
use tessera_core::accounts::{CodeLogin, SecondFactor, SecondStepError, TwoFactorError};
use tessera_core::domain::{ClientInfo, User};
use tessera_core::tokens::TokenPair;

/// What differs between the dialects here.
pub trait Dialect: Send + Sync + 'static {
    /// The field that carries the current password.
    const PASSWORD: &'static str;
    /// Where a login code for a challenge's ticket is mailed, as the challenge tells it.
    const EMAIL_CODE_PATH: &'static str;
    /// The token pair as this dialect's login answers it.
    fn pair(user: &User, pair: &TokenPair) -> Value;
    /// A refused 2FA management call, as the dialect's `errors` module answers it.
    fn management(e: TwoFactorError) -> ApiError;
    /// A refused second step of a login, `field` being where the code came, as the
    /// dialect's `errors` module answers it.
    fn second_step(e: SecondStepError, field: &str) -> ApiError;
}

type Answer = Result<Json<Value>, ApiError>;

pub async fn status(State(state): State<AppState>, CurrentUser(me): CurrentUser) -> Answer {
    let s = state
        .accounts
        .two_factor_status(&me)
        .await
        .map_err(|e| ApiError::internal(&e))?;
    Ok(Json(json!({
        "two_fa_enabled": s.enabled,
        "enrolment_pending": s.pending,
        "methods": s.methods,
        "recovery_codes_left": s.recovery_codes_left,
    })))
}

/// Start a TOTP enrolment; `?qr=png` adds a PNG of the QR code. With 2FA on, the password
/// and a second factor in the body replace the authenticator.
pub async fn enrol<D: Dialect>(
    State(state): State<AppState>,
    Client(client): Client,
    CurrentUser(me): CurrentUser,
    RawQuery(query): RawQuery,
    Body(body): Body,
) -> Answer {
    let mut f = Fields::new(body);
    let proof = if f.has(D::PASSWORD) {
        state.limits.ip(Rule::PasswordIp, &client).await?;
        let read = f.password(D::PASSWORD).zip(second_factor(&mut f, "code"));
        let (password, (_, factor)) = f.finish_with(read)?;
        Some((password, factor))
    } else {
        None
    };
    let enrolment = state
        .accounts
        .start_totp(&me, proof)
        .await
        .map_err(D::management)?;
    Ok(Json(Value::Object(answers::enrolment(
        &enrolment,
        wants_png(query.as_deref()),
    ))))
}

/// Confirm the enrolment with a code: 2FA is on; the recovery codes are shown this once.
pub async fn confirm<D: Dialect>(
    State(state): State<AppState>,
    CurrentUser(me): CurrentUser,
    Body(body): Body,
) -> Answer {
    let mut f = Fields::new(body);
    let read = f.required("code");
    let code = Secret::new(f.finish_with(read)?);
    let codes = state
        .accounts
        .confirm_totp(&me, &code)
        .await
        .map_err(D::management)?;
    Ok(Json(json!({
        "two_fa_enabled": true,
        "recovery_codes": answers::recovery_codes(&codes),
    })))
}

/// Turn 2FA off: the password and a current code or a recovery code.
pub async fn disable<D: Dialect>(
    State(state): State<AppState>,
    Client(client): Client,
    CurrentUser(me): CurrentUser,
    Body(body): Body,
) -> Answer {
    state.limits.ip(Rule::PasswordIp, &client).await?;
    let mut f = Fields::new(body);
    let read = f.password(D::PASSWORD).zip(second_factor(&mut f, "code"));
    let (password, (_, factor)) = f.finish_with(read)?;
    state
        .accounts
        .disable_two_factor(&me, &password, &factor)
        .await
        .map_err(D::management)?;
    Ok(Json(json!({"two_fa_enabled": false})))
}

/// New recovery codes (the old ones are void): the password and a current code.
pub async fn regenerate<D: Dialect>(
    State(state): State<AppState>,
    Client(client): Client,
    CurrentUser(me): CurrentUser,
    Body(body): Body,
) -> Answer {
    state.limits.ip(Rule::PasswordIp, &client).await?;
    let mut f = Fields::new(body);
    let read = f.password(D::PASSWORD).zip(f.required("code"));
    let (password, code) = f.finish_with(read)?;
    let codes = state
        .accounts
        .regenerate_recovery_codes(&me, &password, &Secret::new(code))
        .await
        .map_err(D::management)?;
    Ok(Json(
        json!({"recovery_codes": answers::recovery_codes(&codes)}),
    ))
}

/// The second step of a login: `{ticket, code}` (or `otp`, or `recovery_code`) → the pair.
pub async fn second_step<D: Dialect>(
    State(state): State<AppState>,
    Client(client): Client,
    Body(body): Body,
) -> Answer {
    state.limits.ip(Rule::TwoFactorIp, &client).await?;
    answer_challenge::<D>(&state, &client, Fields::new(body)).await
}

/// `second_step` on a body already opened (the Auth API's `otp/` serves two shapes).
pub async fn answer_challenge<D: Dialect>(
    state: &AppState,
    client: &ClientInfo,
    mut f: Fields,
) -> Answer {
    let read = f.required("ticket").zip(second_factor(&mut f, "code"));
    let (ticket, (field, factor)) = f.finish_with(read)?;
    let done = state
        .accounts
        .complete_login(&ticket, &factor, client)
        .await
        .map_err(|e| D::second_step(e, field))?;
    Ok(Json(login_answer::<D>(&done)))
}

/// A login with its second factor as dialect `D` answers it, with the recovery codes when
/// the code also confirmed the enrolment.
pub fn login_answer<D: Dialect>(done: &CodeLogin) -> Value {
    let mut body = D::pair(&done.user, &done.pair);
    if let (Some(codes), Value::Object(map)) = (&done.recovery_codes, &mut body) {
        map.insert("recovery_codes".into(), answers::recovery_codes(codes));
    }
    body
}

/// Mail the caller a security code, the second factor of the step-ups here when the
/// authenticator app is lost.
pub async fn send_security_code<D: Dialect>(
    State(state): State<AppState>,
    Client(client): Client,
    CurrentUser(me): CurrentUser,
) -> Answer {
    state.limits.ip(Rule::TwoFactorIp, &client).await?;
    state
        .limits
        .check(Rule::PasswordAccount, &me.id.0.to_string())
        .await?;
    state
        .accounts
        .send_security_code(&me)
        .await
        .map_err(D::management)?;
    Ok(Json(
        json!({"detail": "A security code was sent to the account's e-mail address."}),
    ))
}

/// Mail a login code for a challenge: `{ticket}`.
pub async fn send_code(
    State(state): State<AppState>,
    Client(client): Client,
    Body(body): Body,
) -> Answer {
    state.limits.ip(Rule::TwoFactorIp, &client).await?;
    let mut f = Fields::new(body);
    let read = f.required("ticket");
    let ticket = f.finish_with(read)?;
    state
        .accounts
        .send_login_code(&ticket)
        .await
        .map_err(|e| answers::second_step(e, "code"))?;
    Ok(Json(
        json!({"detail": "A login code was sent to the account's e-mail address."}),
    ))
}

/// The second factor of a body, and the field it came in: `recovery_code`, else `code` or
/// `otp` (six digits, or a recovery code); when none is there, `missing` is the field named
/// as required.
pub fn second_factor(
    f: &mut Fields,
    missing: &'static str,
) -> Option<(&'static str, SecondFactor)> {
    if f.has("recovery_code") {
        let code = f.required("recovery_code")?;
        return Some(("recovery_code", SecondFactor::Recovery(Secret::new(code))));
    }
    let name = ["code", "otp"]
        .into_iter()
        .find(|n| f.has(n))
        .unwrap_or(missing);
    let code = f.required(name)?;
    Some((name, SecondFactor::Code(Secret::new(code))))
}

fn wants_png(query: Option<&str>) -> bool {
    let pairs: Vec<(String, String)> =
        serde_urlencoded::from_str(query.unwrap_or("")).unwrap_or_default();
    pairs.iter().any(|(k, v)| k == "qr" && v == "png")
}
