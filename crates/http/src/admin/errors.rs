//! The admin API's one mapping of the operator's use-case errors to answers.

use crate::drf::ApiError;
use axum::http::StatusCode;
use tessera_core::accounts::{AdminError, Internal};

pub fn admin(e: AdminError) -> ApiError {
    match e {
        AdminError::NotFound => ApiError::coded(StatusCode::NOT_FOUND, "Not found.", "not_found"),
        AdminError::OwnAccount => ApiError::coded(
            StatusCode::CONFLICT,
            "An operator cannot do this to their own account.",
            "own_account",
        ),
        AdminError::NothingToResend => ApiError::coded(
            StatusCode::CONFLICT,
            "The account is active and its address verified: there is nothing to resend.",
            "nothing_to_resend",
        ),
        AdminError::TwoFactorOff => ApiError::coded(
            StatusCode::CONFLICT,
            "Two-factor authentication is off for this account.",
            "two_factor_off",
        ),
        AdminError::NoSuchMail => ApiError::coded(StatusCode::NOT_FOUND, "Not found.", "not_found"),
        AdminError::NotFailed(status) => ApiError::coded(
            StatusCode::CONFLICT,
            &format!("Only a failed mail can be retried; this one is {status}."),
            "not_failed",
        ),
        e @ AdminError::CannotRetry(..) => ApiError::coded(
            StatusCode::CONFLICT,
            &format!("{}.", capitalised(&e.to_string())),
            "cannot_retry",
        ),
        AdminError::Internal(e) => internal(e),
    }
}

fn capitalised(s: &str) -> String {
    let mut chars = s.chars();
    chars
        .next()
        .map_or_else(String::new, |c| c.to_uppercase().chain(chars).collect())
}

pub fn internal(e: Internal) -> ApiError {
    ApiError::internal(&e)
}

/// A query parameter that is not what it should be.
pub fn bad_parameter(name: &str, expected: &str) -> ApiError {
    ApiError::field(name, &[expected])
}
