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
use crate::auth::login_required;
use crate::{sessions, two_factor};
use axum::Router;
use axum::routing::{MethodRouter, delete, get, post, put};
use tessera_core::accounts::{Actor, Reach};
use tessera_core::domain::User;

const BASE: &str = "/api/auth";

/// The caller: every account endpoint here is its owner's alone, staff's too.
fn actor(me: &User) -> Actor<'_> {
    Actor::new(me, Reach::Own)
}

pub fn routes() -> Router<AppState> {
    use session::AuthApi;
    // Views that need a login answer a wrong method with 401 before 405, as DRF does.
    let private = login_required;
    let routes: [(&str, MethodRouter<AppState>); 23] = [
        ("/", get(account::list).post(account::create)),
        ("/login/", post(session::login)),
        ("/otp/", post(session::otp)),
        (
            "/sessions/",
            private(get(sessions::list).delete(sessions::end_all)),
        ),
        ("/sessions/{id}/", private(delete(sessions::end))),
        ("/otp/email/", post(two_factor::send_code)),
        ("/2fa/", private(get(two_factor::status))),
        (
            "/2fa/email/",
            private(post(two_factor::send_security_code::<AuthApi>)),
        ),
        ("/2fa/totp/", private(post(two_factor::enrol::<AuthApi>))),
        (
            "/2fa/totp/confirm/",
            private(post(two_factor::confirm::<AuthApi>)),
        ),
        (
            "/2fa/disable/",
            private(post(two_factor::disable::<AuthApi>)),
        ),
        (
            "/2fa/recovery_codes/",
            private(post(two_factor::regenerate::<AuthApi>)),
        ),
        ("/refresh/", post(session::refresh)),
        ("/logout/", post(session::logout)),
        ("/internal/auth/", post(internal::token)),
        ("/dump_data/", private(get(export::dump))),
        ("/verify_email/", private(post(verify::send))),
        ("/verify_email/confirm/", post(verify::confirm)),
        ("/verify_email/{uid}/{token}/", get(verify::follow_link)),
        ("/delete/{username}/", private(delete(account::remove))),
        (
            "/update/{username}/",
            private(put(account::update).patch(account::update)),
        ),
        (
            "/password/{username}/",
            private(put(password::change).patch(password::change)),
        ),
        ("/{username}/", private(get(account::get))),
    ];
    routes
        .into_iter()
        .fold(Router::new(), |router, (path, handler)| {
            crate::route_both_ways(router, &format!("{BASE}{path}"), handler)
        })
}
