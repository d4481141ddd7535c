//! How two-factor outcomes look on the wire, in DRF's shapes (both dialects speak DRF): the
//! 202 challenge, the enrolment, and the errors.

use crate::drf::{self, ApiError, FieldErrors};
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
pub const WRONG_CODE: &str = "Invalid or expired code.";
const EMAIL_CODES_OFF: &str = "Codes by e-mail are switched off on this server.";

/// 202: the password was right; no tokens until the second factor. `email_path` is where
/// the dialect mails a login code for the ticket; `extra` are the dialect's own keys.
pub fn challenge(c: &Challenge, email_path: &str, extra: Map<String, Value>) -> Response {
    let mut body = Map::new();
    body.insert(
        "detail".into(),
        json!("Two-factor authentication required."),
    );
    body.insert("ticket".into(), json!(c.ticket.expose()));
    body.insert("methods".into(), json!(c.methods));
    body.insert("expires_in".into(), json!(c.expires_in));
    body.insert("enrolment_pending".into(), json!(c.enrolment_pending));
    if c.enrolment_pending {
        let hint = match c.methods.contains(&"email") {
            true => format!(
                "The authenticator app is not confirmed yet: its first code confirms it. \
                 Without it, POST the ticket to {email_path} for a code by e-mail."
            ),
            false => {
                "The authenticator app is not confirmed yet: its first code confirms it.".to_owned()
            }
        };
        body.insert("hint".into(), json!(hint));
    }
    body.extend(extra);
    (StatusCode::ACCEPTED, Json(Value::Object(body))).into_response()
}

/// The secret, its otpauth:// URI (as `otp_uri`, the original's key, and `otpauth_url`), the
/// device and a QR code of it (SVG; PNG too when asked for).
pub fn enrolment(e: &Enrolment, with_png: bool) -> Map<String, Value> {
    let uri = e.uri.expose();
    let mut map = Map::new();
    map.insert("secret".into(), json!(e.secret.expose()));
    map.insert("otp_uri".into(), json!(uri));
    map.insert("otpauth_url".into(), json!(uri));
    map.insert("device_id".into(), json!(e.device_id));
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
        TwoFactorError::AlreadyEnabled => bad(&format!(
            "Two-factor authentication is already on. To replace the authenticator app, send \
             {password_field} and code (from the app or by e-mail) or recovery_code."
        )),
        TwoFactorError::NotEnabled => bad("Two-factor authentication is off."),
        TwoFactorError::NoPendingEnrolment => {
            bad("No two-factor enrolment is waiting for confirmation; start one first.")
        }
        TwoFactorError::WrongPassword => ApiError::field(password_field, &[wrong_password]),
        TwoFactorError::WrongCode => ApiError::field("code", &[WRONG_CODE]),
        TwoFactorError::Throttled { retry_after } => drf::throttled(secs(retry_after)),
        TwoFactorError::EmailCodesOff => bad(EMAIL_CODES_OFF),
        TwoFactorError::ProofMissing { password, code } => {
            let mut fields = FieldErrors::default();
            if password {
                fields.add(password_field, drf::REQUIRED);
            }
            if code {
                fields.add("code", drf::REQUIRED);
            }
            fields.into_error()
        }
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
        SecondStepError::EmailCodesOff => {
            ApiError::detail(StatusCode::BAD_REQUEST, EMAIL_CODES_OFF)
        }
        SecondStepError::Internal(e) => ApiError::internal(&e),
    }
}

/// A wait in whole seconds as a Retry-After takes it.
pub fn secs(wait: i64) -> u64 {
    u64::try_from(wait).unwrap_or(1)
}
