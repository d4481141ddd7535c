//! The Auth API's session endpoints in the document: login by username, its second factor at
//! `otp/`, refresh (always rotating), logout, and service tokens for other micro-services.
#![allow(dead_code)]

use super::responses::Throttled;
use super::schemas::{Challenge, Detail, Empty, Invalid, RefreshBody};
use utoipa::{OpenApi, ToSchema};

#[derive(OpenApi)]
#[openapi(paths(login, otp, refresh, logout, service_token))]
pub struct Doc;

/// `{"username", "password"}`
#[derive(ToSchema)]
pub struct Login {
    username: String,
    password: String,
}

/// The Auth API's pair, with the account's language; `recovery_codes` when a login's code
/// also confirmed an enrolment; `message` after `otp/`.
#[derive(ToSchema)]
pub struct AuthApiPair {
    access: String,
    refresh: String,
    lang: String,
    recovery_codes: Option<Vec<String>>,
    message: Option<String>,
}

/// Either the challenge's `ticket` and a second factor, or (the original's one call)
/// `username`, `password` and `otp`.
#[derive(ToSchema)]
pub struct OtpBody {
    ticket: Option<String>,
    username: Option<String>,
    password: Option<String>,
    code: Option<String>,
    otp: Option<String>,
    recovery_code: Option<String>,
}

/// Both tokens anew: the presented refresh token is blacklisted.
#[derive(ToSchema)]
pub struct Rotated {
    access: String,
    refresh: String,
}

/// A micro-service's name and secret.
#[derive(ToSchema)]
pub struct ServiceCredentials {
    #[schema(rename = "serviceName")]
    service_name: String,
    password: String,
}

/// `{"token": "…"}`: claims `token_type` "service", `service_name`, `iat`, `exp`, `jti`.
#[derive(ToSchema)]
pub struct ServiceToken {
    token: String,
}

/// Log in by username
#[utoipa::path(post, path = "/api/auth/login/", tag = "Auth API: sessions", request_body = Login,
    responses(
        (status = 200, description = "The token pair", body = AuthApiPair),
        (status = 202, description = "2FA is on: answer the challenge at `otp/`", body = Challenge),
        (status = 400, description = "A field missing (with `detail`)", body = Invalid),
        (status = 401, description = "`No active account found with the given credentials`", body = Detail),
        (status = 429, response = Throttled)))]
fn login() {}

/// Log in, second factor
#[utoipa::path(post, path = "/api/auth/otp/", tag = "Auth API: sessions", request_body = OtpBody,
    responses(
        (status = 200, description = "The token pair, with `message`", body = AuthApiPair),
        (status = 400, description = "Fields missing, invalid ticket or code (with `message`)", body = Invalid),
        (status = 401, description = "Wrong username or password", body = Detail),
        (status = 429, response = Throttled)))]
fn otp() {}

/// Rotate a refresh token
#[utoipa::path(post, path = "/api/auth/refresh/", tag = "Auth API: sessions", request_body = RefreshBody,
    responses(
        (status = 200, description = "Both tokens anew", body = Rotated),
        (status = 400, description = "`refresh` missing", body = Invalid),
        (status = 401, description = "SimpleJWT's `token_not_valid`, or no active account", body = Detail)))]
fn refresh() {}

/// Log out: blacklist a refresh token
#[utoipa::path(post, path = "/api/auth/logout/", tag = "Auth API: sessions", request_body = RefreshBody,
    responses(
        (status = 200, description = "Logged out", body = Empty),
        (status = 400, description = "`refresh` missing", body = Invalid),
        (status = 401, description = "SimpleJWT's `token_not_valid`, or already blacklisted", body = Detail)))]
fn logout() {}

/// A service token for another micro-service
#[utoipa::path(post, path = "/api/auth/internal/auth/", tag = "Auth API: sessions",
    request_body = ServiceCredentials,
    responses(
        (status = 200, description = "The token", body = ServiceToken),
        (status = 400, description = "Fields missing, or `Invalid service credentials.`", body = Invalid),
        (status = 429, response = Throttled)))]
fn service_token() {}
