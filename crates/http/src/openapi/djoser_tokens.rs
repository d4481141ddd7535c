//! The Djoser dialect's other endpoints in the document: DRF's API root, the activation
//! poll, and SimpleJWT's token endpoints (each served with and without its trailing slash;
//! the document's twins are added by `aliases`).
#![allow(dead_code)]

use super::responses::Throttled;
use super::schemas::{Challenge, Detail, Empty, Invalid, RefreshBody, SecondStepBody};
use utoipa::{OpenApi, ToSchema};

#[derive(OpenApi)]
#[openapi(paths(root, confirm_activation, create, second_step, refresh, verify))]
pub struct Doc;

/// DRF's API root.
#[derive(ToSchema)]
pub struct ApiRoot {
    /// `http://HOST/auth/users/`
    users: String,
}

/// Whether an address's account is active yet.
#[derive(ToSchema)]
pub struct ActivationStatus {
    #[schema(format = Email)]
    email: String,
    is_active: bool,
}

/// SimpleJWT's login: the address and the password.
#[derive(ToSchema)]
pub struct Credentials {
    #[schema(format = Email)]
    email: String,
    password: String,
}

/// SimpleJWT's pair; `recovery_codes` when a login's code also confirmed an enrolment.
#[derive(ToSchema)]
pub struct DjoserPair {
    refresh: String,
    access: String,
    recovery_codes: Option<Vec<String>>,
}

/// A new access token; a new refresh token too with `TESSERA_ROTATE_REFRESH_TOKENS`.
#[derive(ToSchema)]
pub struct Refreshed {
    access: String,
    refresh: Option<String>,
}

/// `{"token": "…"}`
#[derive(ToSchema)]
pub struct TokenBody {
    token: String,
}

/// DRF's API root
#[utoipa::path(get, path = "/auth/", tag = "Djoser: tokens",
    responses((status = 200, description = "The router's one list endpoint", body = ApiRoot)))]
fn root() {}

/// Whether an account is active
///
/// For a frontend polling after sign-up. Served with and without the trailing slash.
#[utoipa::path(get, path = "/auth/user/confirm-activation/{email}/", tag = "Djoser: tokens",
    params(("email" = String, Path, description = "The account's address")),
    responses(
        (status = 200, description = "The account's state", body = ActivationStatus),
        (status = 404, description = "No account has this address", body = Detail),
        (status = 429, response = Throttled)))]
fn confirm_activation() {}

/// Log in (SimpleJWT's `TokenObtainPairView`)
#[utoipa::path(post, path = "/auth/jwt/create/", tag = "Djoser: tokens", request_body = Credentials,
    responses(
        (status = 200, description = "The token pair", body = DjoserPair),
        (status = 202, description = "2FA is on: answer the challenge at `jwt/2fa/`", body = Challenge),
        (status = 400, description = "A field missing", body = Invalid),
        (status = 401, description = "`No active account found with the given credentials`", body = Detail),
        (status = 429, response = Throttled)))]
fn create() {}

/// Log in, second step
///
/// The challenge's ticket and one second factor.
#[utoipa::path(post, path = "/auth/jwt/2fa/", tag = "Djoser: tokens", request_body = SecondStepBody,
    responses(
        (status = 200, description = "The token pair", body = DjoserPair),
        (status = 400, description = "Invalid ticket or code, 2FA off, e-mail codes off", body = Invalid),
        (status = 401, description = "The account can no longer log in", body = Detail),
        (status = 429, response = Throttled)))]
fn second_step() {}

/// A new access token for a refresh token
#[utoipa::path(post, path = "/auth/jwt/refresh/", tag = "Djoser: tokens", request_body = RefreshBody,
    responses(
        (status = 200, description = "The new token(s)", body = Refreshed),
        (status = 400, description = "`refresh` missing", body = Invalid),
        (status = 401, description = "SimpleJWT's `token_not_valid`, or no active account", body = Detail)))]
fn refresh() {}

/// Check a token
#[utoipa::path(post, path = "/auth/jwt/verify/", tag = "Djoser: tokens", request_body = TokenBody,
    responses(
        (status = 200, description = "Valid", body = Empty),
        (status = 400, description = "`token` missing, or the token is blacklisted", body = Invalid),
        (status = 401, description = "SimpleJWT's `token_not_valid`", body = Detail)))]
fn verify() {}
