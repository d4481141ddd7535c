//! SimpleJWT's answers, shared by both dialects (both speak SimpleJWT): its login, refresh,
//! logout and verify errors.

use crate::drf::{self, ApiError};
use crate::messages::TOKEN_BLACKLISTED;
use axum::http::StatusCode;
use serde_json::json;
use tessera_core::accounts::{LoginError, LogoutError, RefreshError, VerifyError};
use tessera_core::tokens::JwtError;

pub fn login(e: LoginError) -> ApiError {
    match e {
        LoginError::InvalidCredentials => ApiError::detail(
            StatusCode::UNAUTHORIZED,
            "No active account found with the given credentials",
        ),
        LoginError::Throttled { retry_after } => {
            drf::throttled(u64::try_from(retry_after).unwrap_or(1))
        }
        LoginError::Internal(e) => ApiError::internal(&e),
    }
}

fn token_not_valid(e: JwtError) -> ApiError {
    ApiError::coded(StatusCode::UNAUTHORIZED, &e.to_string(), "token_not_valid")
}

fn blacklisted() -> ApiError {
    ApiError::coded(
        StatusCode::UNAUTHORIZED,
        TOKEN_BLACKLISTED,
        "token_not_valid",
    )
}

pub fn refresh(e: RefreshError) -> ApiError {
    match e {
        RefreshError::Token(e) => token_not_valid(e),
        RefreshError::Blacklisted => blacklisted(),
        RefreshError::NoActiveAccount => ApiError::detail(
            StatusCode::UNAUTHORIZED,
            "No active account found for the given token.",
        ),
        RefreshError::Internal(e) => ApiError::internal(&e),
    }
}

pub fn logout(e: LogoutError) -> ApiError {
    match e {
        LogoutError::Token(e) => token_not_valid(e),
        LogoutError::Blacklisted => blacklisted(),
        LogoutError::Internal(e) => ApiError::internal(&e),
    }
}

/// TokenVerifyView: a blacklisted token is a validation error there, not a 401.
pub fn verify(e: VerifyError) -> ApiError {
    match e {
        VerifyError::Token(e) => token_not_valid(e),
        VerifyError::Blacklisted => ApiError::new(
            StatusCode::BAD_REQUEST,
            json!({"non_field_errors": [TOKEN_BLACKLISTED]}),
        ),
        VerifyError::Internal(e) => ApiError::internal(&e),
    }
}
