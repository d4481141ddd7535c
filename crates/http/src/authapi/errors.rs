//! The one place where use-case errors become this dialect's status codes and bodies: DRF's
//! shapes, with the original service's own keys (`message`, `Error`, `error`) beside them.

use super::session::AuthApi;
use crate::django;
use crate::drf::{ApiError, Fields};
use crate::messages::{EMAIL_TAKEN, INVALID_TOKEN, INVALID_UID, NO_PERMISSION, USERNAME_TAKEN};
use crate::two_factor::{Dialect, answers};
use axum::http::StatusCode;
use serde_json::json;
use tessera_core::accounts::{
    AccessError, ChangePasswordError, DeleteError, Internal, SecondStepError, ServiceError,
    TwoFactorError, UpdateError, VerifyEmailError,
};

const PASSWORDS_DIFFER: &str = "Password fields didn't match.";
/// The original's answer when the confirmation is missing or differs.
const PASSWORDS_DO_NOT_MATCH: &str = "Passwords do not match";
/// The original's `message` at `login/` when 2FA is on.
pub const TWO_FA_REQUIRED: &str =
    "2FA is enabled. Please enter the code from your authentication application";
/// The original's `message` of a successful `otp/`.
pub const CODE_VERIFIED: &str = "Code verified successfully";
/// The original's `message` of an `otp/` without its username or code.
pub const OTP_FIELDS_REQUIRED: &str = "Username and otp are required";
pub const WRONG_PASSWORD: &str = "Current password is incorrect.";
/// The original's `Error` of any refused `update/`.
const INVALID_DATA: &str = "Invalid data";
/// The original's `error` when the 2FA switch changes nothing.
const TWO_FA_SWITCH_FAILED: &str = "Error updating two factor authentication";

/// Tokens and sign-up answer as SimpleJWT and Django do, in both dialects.
pub use crate::django::register;
pub use crate::simplejwt::{login, logout, refresh};

pub fn internal(e: Internal) -> ApiError {
    ApiError::internal(&e)
}

/// A refused second step of a login (`2fa/` and a ticket at `otp/`).
pub fn second_step(e: SecondStepError, field: &str) -> ApiError {
    answers::second_step(e, field)
}

/// Someone else's account: the same answer whether or not it exists.
fn not_owner() -> ApiError {
    ApiError::detail(StatusCode::FORBIDDEN, NO_PERMISSION)
}

/// Any account but the caller's (and the list, to non-staff) is refused alike.
pub fn access(e: AccessError) -> ApiError {
    match e {
        AccessError::Denied | AccessError::Hidden | AccessError::Missing => not_owner(),
        AccessError::Internal(e) => internal(e),
    }
}

pub fn delete(e: DeleteError) -> ApiError {
    match e {
        DeleteError::WrongPassword => ApiError::field("password", &[WRONG_PASSWORD]),
        DeleteError::Internal(e) => internal(e),
    }
}

/// The original's check of a password and its confirmation: the first given and the second
/// missing or different is `{"non_field_errors": ["Passwords do not match"]}` (and, when both
/// were given, Tessera's field error on the first).
pub fn check_passwords_match(f: &mut Fields, first: &str, second: &str) {
    let Some(password) = f.peek(first).map(str::to_owned) else {
        return;
    };
    match f.peek(second) {
        Some(again) if again == password => {}
        Some(_) => {
            f.error(first, PASSWORDS_DIFFER);
            f.error("non_field_errors", PASSWORDS_DO_NOT_MATCH);
        }
        None => f.error("non_field_errors", PASSWORDS_DO_NOT_MATCH),
    }
}

/// A refused `update/`: the original's `{"Error": "Invalid data"}` beside Tessera's answer.
pub fn invalid_update(e: ApiError) -> ApiError {
    if e.status() == StatusCode::BAD_REQUEST {
        e.with_key("Error", INVALID_DATA)
    } else {
        e
    }
}

/// A refused `update/`; `switch` is the field the 2FA switch came in.
pub fn update(e: UpdateError, switch: &str) -> ApiError {
    match e {
        UpdateError::UsernameTaken => {
            invalid_update(ApiError::field("username", &[USERNAME_TAKEN]))
        }
        UpdateError::EmailTaken => invalid_update(ApiError::field("email", &[EMAIL_TAKEN])),
        UpdateError::Gone => not_owner(),
        UpdateError::PasswordRequired => invalid_update(ApiError::field(
            "password",
            &["Send the current password as password to change the e-mail address."],
        )),
        UpdateError::WrongPassword => {
            invalid_update(ApiError::field("password", &[WRONG_PASSWORD]))
        }
        UpdateError::TwoFactor(e) => two_fa_switch(e, switch),
        UpdateError::Internal(e) => internal(e),
    }
}

/// The 2FA switch of `update/`: 409 when it changes nothing (on while on or pending, off
/// while off); turning it off without its proof names what to send.
fn two_fa_switch(e: TwoFactorError, switch: &str) -> ApiError {
    let conflict = || ApiError::new(StatusCode::CONFLICT, json!({"error": TWO_FA_SWITCH_FAILED}));
    match e {
        TwoFactorError::AlreadyEnabled | TwoFactorError::NotEnabled => conflict(),
        TwoFactorError::NeedsVerifiedEmail => {
            invalid_update(ApiError::field(switch, &[answers::NEEDS_VERIFIED_EMAIL]))
        }
        e @ TwoFactorError::ProofMissing { .. } => {
            let guidance = "To turn two-factor authentication off, send password and code \
                            (from the authenticator app or by e-mail) or recovery_code.";
            invalid_update(management(e)).with_key("error", guidance)
        }
        e => invalid_update(management(e)),
    }
}

/// A 2FA management error in this dialect's words.
pub fn management(e: TwoFactorError) -> ApiError {
    answers::management(e, AuthApi::PASSWORD, WRONG_PASSWORD)
}

/// An `otp/` error: Tessera's answer, with the original's `message`.
pub fn otp(e: SecondStepError, field: &str) -> ApiError {
    let message = match &e {
        SecondStepError::InvalidCredentials => "Invalid credentials",
        SecondStepError::WrongCode { .. } => "Invalid code",
        SecondStepError::InvalidTicket => "Invalid or expired ticket",
        SecondStepError::NotEnabled => "2FA is not enabled for this account",
        SecondStepError::Throttled { .. } => "Too many wrong codes",
        SecondStepError::EmailCodesOff => "Codes by e-mail are switched off",
        SecondStepError::Internal(_) => return answers::second_step(e, field),
    };
    answers::second_step(e, field).with_key("message", message)
}

pub fn change_password(e: ChangePasswordError) -> ApiError {
    match e {
        ChangePasswordError::WrongCurrent => ApiError::field("password", &[WRONG_PASSWORD]),
        ChangePasswordError::WeakPassword(p) => django::weak_password("new_password", &p),
        ChangePasswordError::Internal(e) => internal(e),
    }
}

pub fn verify_email(e: VerifyEmailError) -> ApiError {
    match e {
        VerifyEmailError::InvalidUid => ApiError::field("uid", &[INVALID_UID]),
        VerifyEmailError::InvalidToken => ApiError::field("token", &[INVALID_TOKEN]),
        VerifyEmailError::InvalidCode => ApiError::field("code", &[answers::WRONG_CODE]),
        VerifyEmailError::AlreadyVerified => ApiError::detail(
            StatusCode::BAD_REQUEST,
            "This e-mail address is already verified.",
        ),
        VerifyEmailError::Taken => ApiError::field("email", &[EMAIL_TAKEN]),
        VerifyEmailError::Internal(e) => internal(e),
    }
}

/// A refused service login: Tessera's `detail` and the original's `non_field_errors`.
pub fn service(e: ServiceError) -> ApiError {
    match e {
        ServiceError::Internal(e) => internal(e),
        _ => ApiError::detail(StatusCode::BAD_REQUEST, "Invalid service credentials.")
            .with_key("non_field_errors", json!(["Invalid credentials"])),
    }
}
