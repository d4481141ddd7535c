//! The one place where use-case errors become this dialect's status codes and bodies.

use crate::django::{EMAIL_TAKEN, USERNAME_TAKEN};
use crate::drf::ApiError;
use axum::http::StatusCode;
use serde_json::json;
use tessera_core::accounts::{
    ChangePasswordError, Internal, ServiceError, UpdateError, VerifyEmailError,
};

pub const PASSWORDS_DIFFER: &str = "Password fields didn't match.";

pub fn internal(e: Internal) -> ApiError {
    ApiError::internal(&e)
}

/// Someone else's account: the same answer whether or not it exists.
pub fn not_owner() -> ApiError {
    ApiError::detail(
        StatusCode::FORBIDDEN,
        "You do not have permission to perform this action.",
    )
}

pub fn update(e: UpdateError) -> ApiError {
    match e {
        UpdateError::UsernameTaken => ApiError::field("username", &[USERNAME_TAKEN]),
        UpdateError::EmailTaken => ApiError::field("email", &[EMAIL_TAKEN]),
        UpdateError::Gone => not_owner(),
        UpdateError::Internal(e) => internal(e),
    }
}

pub fn change_password(e: ChangePasswordError) -> ApiError {
    match e {
        ChangePasswordError::WrongCurrent => {
            ApiError::field("password", &["Current password is incorrect."])
        }
        ChangePasswordError::WeakPassword(p) => {
            ApiError::new(StatusCode::BAD_REQUEST, json!({"new_password": p}))
        }
        ChangePasswordError::Internal(e) => internal(e),
    }
}

pub fn verify_email(e: VerifyEmailError) -> ApiError {
    match e {
        VerifyEmailError::InvalidUid => {
            ApiError::field("uid", &["Invalid user id or user doesn't exist."])
        }
        VerifyEmailError::InvalidToken => {
            ApiError::field("token", &["Invalid token for given user."])
        }
        VerifyEmailError::InvalidCode => ApiError::field("code", &["Invalid or expired code."]),
        VerifyEmailError::Internal(e) => internal(e),
    }
}

pub fn service(e: ServiceError) -> ApiError {
    match e {
        ServiceError::Internal(e) => internal(e),
        _ => ApiError::detail(StatusCode::BAD_REQUEST, "Invalid service credentials."),
    }
}
