//! The one place where use-case errors become this dialect's status codes and bodies.

use super::jwt::Djoser;
use crate::django;
use crate::drf::ApiError;
use crate::messages::{EMAIL_TAKEN, INVALID_TOKEN, INVALID_UID, NO_PERMISSION, USERNAME_TAKEN};
use crate::two_factor::{Dialect, answers};
use axum::http::StatusCode;
use serde_json::json;
use tessera_core::accounts::{
    AccessError, ActivateError, ChangePasswordError, DeleteError, EmailResetConfirmError, Internal,
    ResendError, ResetConfirmError, SecondStepError, SetEmailError, TwoFactorError, UpdateError,
};

pub const INVALID_PASSWORD: &str = "Invalid password.";
pub const EMAIL_NOT_FOUND: &str = "User with given email does not exist.";

/// Tokens and sign-up answer as SimpleJWT and Django do, in both dialects.
pub use crate::django::register;
pub use crate::simplejwt::{login, refresh, verify};

pub fn internal(e: Internal) -> ApiError {
    ApiError::internal(&e)
}

/// A refused 2FA management call, with this dialect's password field.
pub fn management(e: TwoFactorError) -> ApiError {
    answers::management(e, Djoser::PASSWORD, INVALID_PASSWORD)
}

/// A refused second step of a login.
pub fn second_step(e: SecondStepError, field: &str) -> ApiError {
    answers::second_step(e, field)
}

/// Another account than the caller's: hidden from non-staff as if absent (HIDE_USERS), but
/// deleting it refused.
pub fn access(e: AccessError) -> ApiError {
    match e {
        AccessError::Denied => forbidden(),
        AccessError::Hidden => not_found(),
        AccessError::Missing => no_such_user(),
        AccessError::Internal(e) => internal(e),
    }
}

pub fn activate(e: ActivateError) -> ApiError {
    match e {
        ActivateError::InvalidUid => ApiError::field("uid", &[INVALID_UID]),
        ActivateError::InvalidToken => ApiError::field("token", &[INVALID_TOKEN]),
        ActivateError::Stale => {
            ApiError::detail(StatusCode::FORBIDDEN, "Stale token for given user.")
        }
        ActivateError::Internal(e) => internal(e),
    }
}

pub fn resend(e: ResendError) -> ApiError {
    match e {
        ResendError::NotFound => ApiError::new(StatusCode::BAD_REQUEST, json!([EMAIL_NOT_FOUND])),
        ResendError::Internal(e) => internal(e),
    }
}

pub fn update(e: UpdateError) -> ApiError {
    match e {
        UpdateError::UsernameTaken => ApiError::field("username", &[USERNAME_TAKEN]),
        UpdateError::EmailTaken => ApiError::field("email", &[EMAIL_TAKEN]),
        UpdateError::Gone => not_found(),
        // This dialect changes the address at set_email/ only.
        UpdateError::PasswordRequired | UpdateError::WrongPassword => {
            ApiError::field("current_password", &[INVALID_PASSWORD])
        }
        // This dialect's updates carry no 2FA switch.
        UpdateError::TwoFactor(e) => management(e),
        UpdateError::Internal(e) => internal(e),
    }
}

pub fn delete(e: DeleteError) -> ApiError {
    match e {
        DeleteError::WrongPassword => ApiError::field("current_password", &[INVALID_PASSWORD]),
        DeleteError::Internal(e) => internal(e),
    }
}

pub fn set_password(e: ChangePasswordError) -> ApiError {
    match e {
        ChangePasswordError::WrongCurrent => {
            ApiError::field("current_password", &[INVALID_PASSWORD])
        }
        ChangePasswordError::WeakPassword(p) => django::weak_password("new_password", &p),
        ChangePasswordError::Internal(e) => internal(e),
    }
}

pub fn reset_confirm(e: ResetConfirmError) -> ApiError {
    match e {
        ResetConfirmError::InvalidUid => ApiError::field("uid", &[INVALID_UID]),
        ResetConfirmError::InvalidToken => ApiError::field("token", &[INVALID_TOKEN]),
        ResetConfirmError::WeakPassword(p) => django::weak_password("new_password", &p),
        ResetConfirmError::Internal(e) => internal(e),
    }
}

pub fn set_email(e: SetEmailError) -> ApiError {
    match e {
        SetEmailError::WrongCurrent => ApiError::field("current_password", &[INVALID_PASSWORD]),
        SetEmailError::Taken => ApiError::field("new_email", &[EMAIL_TAKEN]),
        SetEmailError::Internal(e) => internal(e),
    }
}

pub fn email_reset_confirm(e: EmailResetConfirmError) -> ApiError {
    match e {
        EmailResetConfirmError::InvalidUid => ApiError::field("uid", &[INVALID_UID]),
        EmailResetConfirmError::InvalidToken => ApiError::field("token", &[INVALID_TOKEN]),
        EmailResetConfirmError::Taken => ApiError::field("new_email", &[EMAIL_TAKEN]),
        EmailResetConfirmError::Internal(e) => internal(e),
    }
}

/// Another user's record as HIDE_USERS answers a non-staff caller (whether or not it exists,
/// so ids cannot be probed).
fn not_found() -> ApiError {
    crate::drf::not_found()
}

/// An id that names no account, as answered to staff.
fn no_such_user() -> ApiError {
    ApiError::detail(StatusCode::NOT_FOUND, "No User matches the given query.")
}

/// DELETE on someone else's account by a non-staff caller.
fn forbidden() -> ApiError {
    ApiError::detail(StatusCode::FORBIDDEN, NO_PERMISSION)
}
