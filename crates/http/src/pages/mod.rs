//! Tessera's own HTML pages: Django's built-in password-reset pages for the Auth API dialect
//! and the page that undoes an e-mail change; CSRF-protected forms in plain, accessible HTML
//! with no external assets, in the account's language (or the one carried, or the default).

mod cookies;
mod lang;
mod origin;
mod refusals;
mod render;
mod reset;
mod undo;

pub use lang::Carried;
pub use render::{Pages, Site};

/// Where mails link to these pages, for `tessera_core::accounts::OwnPages`.
pub fn own_pages() -> OwnPages {
    OwnPages {
        password_reset: "api/auth/reset/{uid}/{token}/".into(),
        verify_email: "api/auth/verify_email/{uid}/{token}/".into(),
        undo_email_change: "api/auth/email/undo/{token}/".into(),
    }
}

use crate::AppState;
use axum::Router;
use axum::routing::{MethodRouter, get};
use tessera_core::accounts::OwnPages;

pub fn routes() -> Router<AppState> {
    let routes: [(&str, MethodRouter<AppState>); 6] = [
        (
            "/api/auth/password_reset/",
            get(reset::form).post(reset::request),
        ),
        ("/api/auth/password_reset/done/", get(reset::done)),
        ("/api/auth/reset/done/", get(reset::complete)),
        (
            "/api/auth/reset/{uid}/set-password/",
            get(reset::set_form).post(reset::set),
        ),
        ("/api/auth/reset/{uid}/{token}/", get(reset::follow_link)),
        (
            "/api/auth/email/undo/{token}/",
            get(undo::form).post(undo::undo),
        ),
    ];
    routes
        .into_iter()
        .fold(Router::new(), |router, (slashed, handler)| {
            let bare = slashed.trim_end_matches('/');
            router.route(slashed, handler.clone()).route(bare, handler)
        })
}
