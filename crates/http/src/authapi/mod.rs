//! The Auth API dialect under `/api/auth/`: the auth micro-service of a multiplayer web app
//! (login by username, owner-only account endpoints). Every path answers with and without
//! its trailing slash.

mod account;
mod errors;
mod export;
mod internal;
mod password;
mod session;
mod verify;
mod view;

use crate::AppState;
use crate::{sessions, two_factor};
use axum::Router;
use axum::routing::{MethodRouter, delete, get, post, put};

const BASE: &str = "/api/auth";

pub fn routes() -> Router<AppState> {
    use session::AuthApi;
    let routes: [(&str, MethodRouter<AppState>); 22] = [
        ("/", get(account::list).post(account::create)),
        ("/login/", post(session::login)),
        ("/otp/", post(session::otp)),
        ("/sessions/", get(sessions::list).delete(sessions::end_all)),
        ("/sessions/{id}/", delete(sessions::end)),
        ("/otp/email/", post(two_factor::send_code)),
        ("/2fa/", get(two_factor::status)),
        ("/2fa/totp/", post(two_factor::enrol::<AuthApi>)),
        ("/2fa/totp/confirm/", post(two_factor::confirm::<AuthApi>)),
        ("/2fa/disable/", post(two_factor::disable::<AuthApi>)),
        (
            "/2fa/recovery_codes/",
            post(two_factor::regenerate::<AuthApi>),
        ),
        ("/refresh/", post(session::refresh)),
        ("/logout/", post(session::logout)),
        ("/internal/auth/", post(internal::token)),
        ("/dump_data/", get(export::dump)),
        ("/verify_email/", post(verify::send)),
        ("/verify_email/confirm/", post(verify::confirm)),
        ("/verify_email/{uid}/{token}/", get(verify::follow_link)),
        ("/delete/{username}/", delete(account::remove)),
        (
            "/update/{username}/",
            put(account::put).patch(account::patch),
        ),
        (
            "/password/{username}/",
            put(password::change).patch(password::change),
        ),
        ("/{username}/", get(account::get)),
    ];
    routes
        .into_iter()
        .fold(Router::new(), |router, (path, handler)| {
            let slashed = format!("{BASE}{path}");
            let bare = slashed.trim_end_matches('/').to_owned();
            router
                .route(&slashed, handler.clone())
                .route(&bare, handler)
        })
}

/// Usernames that would collide with this dialect's routes.
pub const RESERVED_USERNAMES: &[&str] = &[
    "login",
    "logout",
    "refresh",
    "otp",
    "delete",
    "update",
    "password",
    "password_reset",
    "reset",
    "dump_data",
    "internal",
    "verify_email",
    "sessions",
    "verify",
    "jwks",
    "keys",
    "services",
    "2fa",
    "totp",
    "recovery",
    "me",
    "admin",
    "api",
    "auth",
];
