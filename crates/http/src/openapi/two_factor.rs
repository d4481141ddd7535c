//! Two-factor authentication and sessions in the document, for both dialects: the same
//! handlers under each dialect's paths, with its password field and token pair.
#![allow(dead_code)]

use super::responses::Throttled;
use super::schemas::{
    CodeBody, Confirmed, Detail, Disabled, Enrolment, Invalid, RecoveryCodes, Session, TicketBody,
    TwoFactorStatus,
};
use utoipa::ToSchema;

/// Djoser: the current password and, with 2FA on, a second factor.
#[derive(ToSchema)]
pub struct DjoserProof {
    current_password: Option<String>,
    code: Option<String>,
    recovery_code: Option<String>,
}

/// Djoser: turning 2FA off or new recovery codes: the password and a code (or a recovery
/// code, to turn it off).
#[derive(ToSchema)]
pub struct DjoserStepUp {
    current_password: String,
    code: Option<String>,
    recovery_code: Option<String>,
}

/// The Auth API: the current password and, with 2FA on, a second factor.
#[derive(ToSchema)]
pub struct AuthApiProof {
    password: Option<String>,
    code: Option<String>,
    recovery_code: Option<String>,
}

/// The Auth API: turning 2FA off or new recovery codes: the password and a code (or a
/// recovery code, to turn it off).
#[derive(ToSchema)]
pub struct AuthApiStepUp {
    password: String,
    code: Option<String>,
    recovery_code: Option<String>,
}

/// One dialect's operations (its login's second step is with its other login endpoints).
macro_rules! dialect {
    ($module:ident, $tag:tt, $pair:ty, $proof:ty, $step_up:ty,
     email_code = $email_code:tt, status = $status:tt, security_code = $security_code:tt,
     totp = $totp:tt, confirm = $confirm:tt, disable = $disable:tt, codes = $codes:tt,
     sessions = $sessions:tt, session = $session:tt) => {
        pub mod $module {
            use super::*;
            use utoipa::OpenApi;

            #[derive(OpenApi)]
            #[openapi(paths(send_code, status,
                send_security_code, enrol, confirm, disable, regenerate, sessions, end_all, end))]
            pub struct Doc;

            /// Mail a login code for a challenge
            #[utoipa::path(post, path = $email_code, tag = $tag, request_body = TicketBody,
                responses(
                    (status = 200, description = "Mailed", body = Detail),
                    (status = 400, description = "Invalid ticket, or e-mail codes off", body = Invalid),
                    (status = 429, response = Throttled)))]
            fn send_code() {}

            /// The caller's two-factor state
            #[utoipa::path(get, path = $status, tag = $tag, security(("bearer" = [])),
                responses((status = 200, description = "The state", body = TwoFactorStatus)))]
            fn status() {}

            /// Mail the caller a security code
            ///
            /// The second factor of the step-ups when the authenticator app is lost.
            #[utoipa::path(post, path = $security_code, tag = $tag, security(("bearer" = [])),
                responses(
                    (status = 200, description = "Mailed", body = Detail),
                    (status = 400, description = "2FA off, or e-mail codes off", body = Invalid),
                    (status = 429, response = Throttled)))]
            fn send_security_code() {}

            /// Start a TOTP enrolment
            ///
            /// With 2FA on, the password and a second factor replace the authenticator.
            #[utoipa::path(post, path = $totp, tag = $tag, security(("bearer" = [])),
                params(("qr" = Option<String>, Query, description = "`png` adds a PNG of the QR code")),
                request_body(content = $proof, description = "Empty while 2FA is off"),
                responses(
                    (status = 200, description = "The secret to confirm with a first code", body = Enrolment),
                    (status = 400, description = "Already on (no proof), unverified address, wrong password or code", body = Invalid),
                    (status = 429, response = Throttled)))]
            fn enrol() {}

            /// Confirm the enrolment with a first code
            #[utoipa::path(post, path = $confirm, tag = $tag, security(("bearer" = [])),
                request_body = CodeBody,
                responses(
                    (status = 200, description = "2FA is on; the recovery codes, shown this once", body = Confirmed),
                    (status = 400, description = "No enrolment waiting, or a wrong code", body = Invalid),
                    (status = 429, response = Throttled)))]
            fn confirm() {}

            /// Turn 2FA off
            #[utoipa::path(post, path = $disable, tag = $tag, security(("bearer" = [])),
                request_body = $step_up,
                responses(
                    (status = 200, description = "Off", body = Disabled),
                    (status = 400, description = "2FA off already, wrong password or code", body = Invalid),
                    (status = 429, response = Throttled)))]
            fn disable() {}

            /// New recovery codes
            #[utoipa::path(post, path = $codes, tag = $tag, security(("bearer" = [])),
                request_body = $step_up,
                responses(
                    (status = 200, description = "The new codes; the old ones are void", body = RecoveryCodes),
                    (status = 400, description = "2FA off, wrong password or code", body = Invalid),
                    (status = 429, response = Throttled)))]
            fn regenerate() {}

            /// The caller's sessions
            #[utoipa::path(get, path = $sessions, tag = $tag, security(("bearer" = [])),
                responses((status = 200, description = "One per login", body = Vec<Session>)))]
            fn sessions() {}

            /// Log out everywhere
            #[utoipa::path(delete, path = $sessions, tag = $tag, security(("bearer" = [])),
                responses((status = 204, description = "Every session ended")))]
            fn end_all() {}

            /// End one session
            #[utoipa::path(delete, path = $session, tag = $tag, security(("bearer" = [])),
                params(("id" = String, Path, description = "The session's id")),
                responses(
                    (status = 204, description = "Ended"),
                    (status = 404, description = "Not one of the caller's sessions", body = Detail)))]
            fn end() {}
        }
    };
}

dialect!(
    djoser,
    "Djoser: two-factor and sessions",
    super::super::djoser_tokens::DjoserPair,
    DjoserProof,
    DjoserStepUp,
    email_code = "/auth/jwt/2fa/email/",
    status = "/auth/users/me/2fa/",
    security_code = "/auth/users/me/2fa/email/",
    totp = "/auth/users/me/2fa/totp/",
    confirm = "/auth/users/me/2fa/totp/confirm/",
    disable = "/auth/users/me/2fa/disable/",
    codes = "/auth/users/me/2fa/recovery_codes/",
    sessions = "/auth/users/me/sessions/",
    session = "/auth/users/me/sessions/{id}/"
);

dialect!(
    authapi,
    "Auth API: two-factor and sessions",
    super::super::authapi_session::AuthApiPair,
    AuthApiProof,
    AuthApiStepUp,
    email_code = "/api/auth/otp/email/",
    status = "/api/auth/2fa/",
    security_code = "/api/auth/2fa/email/",
    totp = "/api/auth/2fa/totp/",
    confirm = "/api/auth/2fa/totp/confirm/",
    disable = "/api/auth/2fa/disable/",
    codes = "/api/auth/2fa/recovery_codes/",
    sessions = "/api/auth/sessions/",
    session = "/api/auth/sessions/{id}/"
);
