//! The admin API under `/admin/api/` (a prefix neither dialect uses): the operator's use
//! cases over HTTP for staff bearer tokens only, rate-limited per staff account, each call
//! recorded as an event by the use case it runs. Answers are JSON; refusals are
//! `{"detail", "code"}`.

mod errors;
mod mail;
mod params;
mod users;
pub mod view;

use crate::AppState;
use crate::auth::CurrentUser;
use crate::drf::ApiError;
use crate::limits::Rule;
use axum::Router;
use axum::extract::FromRequestParts;
use axum::http::StatusCode;
use axum::http::request::Parts;
use axum::routing::{get, post};
use tessera_core::accounts::Operator;

const BASE: &str = "/admin/api";

pub fn routes() -> Router<AppState> {
    let routes = [
        ("/users/", get(users::list)),
        ("/users/{id}/", get(users::show).delete(users::remove)),
        ("/users/{id}/deactivate/", post(users::deactivate)),
        ("/users/{id}/reactivate/", post(users::reactivate)),
        (
            "/users/{id}/staff/",
            post(users::grant_staff).delete(users::revoke_staff),
        ),
        ("/users/{id}/reset-password/", post(users::reset_password)),
        ("/users/{id}/reset-2fa/", post(users::reset_two_factor)),
        ("/users/{id}/end-sessions/", post(users::end_sessions)),
        ("/users/{id}/resend/", post(users::resend)),
        ("/events/", get(users::events)),
        ("/mail/", get(mail::list)),
        ("/mail/retry/", post(mail::retry_all)),
        ("/mail/purge/", post(mail::purge)),
        ("/mail/{id}/", get(mail::show)),
        ("/mail/{id}/retry/", post(mail::retry)),
    ];
    routes
        .into_iter()
        .fold(Router::new(), |router, (path, handler)| {
            router.route(&format!("{BASE}{path}"), handler)
        })
}

/// A staff caller: a valid access token of a staff account, within its rate limit.
pub struct Staff(pub Operator);

impl FromRequestParts<AppState> for Staff {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let CurrentUser(user) = CurrentUser::from_request_parts(parts, state).await?;
        if !user.is_staff {
            return Err(ApiError::coded(
                StatusCode::FORBIDDEN,
                "You do not have permission to perform this action.",
                "permission_denied",
            ));
        }
        state
            .limits
            .check(Rule::AdminAccount, &user.id.0.to_string())
            .await?;
        Ok(Self(Operator::Staff(user.id)))
    }
}
