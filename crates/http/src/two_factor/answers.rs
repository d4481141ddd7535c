//! How two-factor outcomes look on the wire, in DRF's shapes (both dialects speak DRF): the
//! 202 challenge, the enrolment, and the errors.

use crate::drf::{self, ApiError};
use crate::simplejwt;
use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use serde_json::{Map, Value, json};
use tessera_core::Secret;
use tessera_core::accounts::{Challenge, Enrolment, LoginError, SecondStepError, TwoFactorError};

use super::qr;

pub const NEEDS_VERIFIED_EMAIL: &str =
    "Verify your e-mail address before enabling two-factor authentication.";
const WRONG_CODE: &str = "Invalid or expired code.";

/// 202: the password was right; no tokens until the second factor.
pub fn challenge(c: &Challenge) -> Response {
    let body = json!({
        "detail": "Two-factor authentication required.",
        "ticket": c.ticket.expose(),
        "methods": c.methods,
        "expires_in": c.expires_in,
    });
    (StatusCode::ACCEPTED, Json(body)).into_response()
}

/// The secret, its otpauth:// URI and a QR code of it (SVG; PNG too when asked for).
pub fn enrolment(e: &Enrolment, with_png: bool) -> Map<String, Value> {
    let uri = e.uri.expose();
    let mut map = Map::new();
    map.insert("secret".into(), json!(e.secret.expose()));
    map.insert("otpauth_url".into(), json!(uri));
    map.insert("qr_svg".into(), json!(qr::svg(uri)));
    if with_png {
        let png = qr::png(uri).map(|b| format!("data:image/png;base64,{}", STANDARD.encode(b)));
        map.insert("qr_png".into(), json!(png));
    }
    map
}

pub fn recovery_codes(codes: &[Secret]) -> Value {
    Value::Array(codes.iter().map(|c| json!(c.expose())).collect())
}

/// A management error; `password_field` and `wrong_password` are the dialect's.
pub fn management(e: TwoFactorError, password_field: &str, wrong_password: &str) -> ApiError {
    let bad = |m: &str| ApiError::detail(StatusCode::BAD_REQUEST, m);
    match e {
        TwoFactorError::NeedsVerifiedEmail => bad(NEEDS_VERIFIED_EMAIL),
        TwoFactorError::AlreadyEnabled => bad("Two-factor authentication is already on."),
        TwoFactorError::NotEnabled => bad("Two-factor authentication is off."),
        TwoFactorError::NoPendingEnrolment => {
            bad("No two-factor enrolment is waiting for confirmation; start one first.")
        }
        TwoFactorError::WrongPassword => ApiError::field(password_field, &[wrong_password]),
        TwoFactorError::WrongCode => ApiError::field("code", &[WRONG_CODE]),
        TwoFactorError::Throttled { retry_after } => drf::throttled(secs(retry_after)),
        TwoFactorError::Internal(e) => ApiError::internal(&e),
    }
}

/// A second-step error; `code_field` is the field the code came in.
pub fn second_step(e: SecondStepError, code_field: &str) -> ApiError {
    match e {
        SecondStepError::InvalidCredentials => simplejwt::login(LoginError::InvalidCredentials),
        SecondStepError::NotEnabled => ApiError::detail(
            StatusCode::BAD_REQUEST,
            "Two-factor authentication is off for this account.",
        ),
        SecondStepError::InvalidTicket => {
            ApiError::field("ticket", &["Invalid or expired ticket. Log in again."])
        }
        SecondStepError::WrongCode { attempts_left } => {
            let message = match attempts_left {
                Some(0) => "Invalid code. Too many wrong codes: log in again.".to_owned(),
                Some(n) => format!("{WRONG_CODE} Attempts left: {n}."),
                None => WRONG_CODE.to_owned(),
            };
            ApiError::field(code_field, &[&message])
        }
        SecondStepError::Throttled { retry_after } => drf::throttled(secs(retry_after)),
        SecondStepError::Internal(e) => ApiError::internal(&e),
    }
}

/// A wait in whole seconds as a Retry-After takes it.
pub fn secs(wait: i64) -> u64 {
    u64::try_from(wait).unwrap_or(1)
}
