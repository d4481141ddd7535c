//! Tessera's HTTP surface: the router, shared DRF-style plumbing (bodies, errors, bearer
//! authentication), telemetry, and one module per dialect.

pub mod admin;
mod auth;
mod authapi;
mod client;
mod cors;
pub mod django;
mod djoser;
pub mod drf;
mod health;
mod limits;
mod messages;
mod metrics;
pub mod openapi;
mod pages;
mod security;
mod sessions;
mod simplejwt;
mod telemetry;
mod two_factor;

use axum::Router;
use axum::http::Uri;
use axum::response::{IntoResponse, Response};
use std::sync::Arc;

pub use client::TrustedProxies;
pub use drf::BodyTimedOut;
pub use limits::{LimitOverrides, RateLimits, Rule};
pub use metrics::Metrics;
pub use pages::own_pages;
pub use telemetry::App;
use tessera_core::accounts::Accounts;

/// What every handler can reach: one `Arc`, so that the copy axum makes for each request is
/// one reference count, not one per part (counts the two cores would pass back and forth).
#[derive(Clone)]
pub struct AppState(Arc<Shared>);

/// The parts of `AppState`, reached through it.
pub struct Shared {
    pub accounts: Arc<Accounts>,
    pages: Arc<pages::Pages>,
    proxies: Arc<TrustedProxies>,
    limits: Arc<RateLimits>,
    metrics: Arc<Metrics>,
}

impl std::ops::Deref for AppState {
    type Target = Shared;

    fn deref(&self) -> &Shared {
        &self.0
    }
}

impl AppState {
    /// The state over `accounts`; the pages' templates (with the overrides in
    /// `template_dir`) are checked here, so a broken one stops start-up.
    pub fn new(
        accounts: Arc<Accounts>,
        proxies: TrustedProxies,
        limits: RateLimits,
        template_dir: Option<&std::path::Path>,
        metrics: Arc<Metrics>,
    ) -> Result<Self, tessera_templates::TemplateError> {
        let site = pages::Site {
            name: accounts.site_name(),
            public_url: accounts.public_url(),
            frontend_url: accounts.frontend_url(),
        };
        let pages = Arc::new(pages::Pages::new(
            &site,
            accounts.default_lang(),
            template_dir,
        )?);
        Ok(Self(Arc::new(Shared {
            accounts,
            pages,
            proxies: Arc::new(proxies),
            limits: Arc::new(limits),
            metrics,
        })))
    }
}

/// Where `GET /metrics` is served.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MetricsAt {
    /// Beside the API, on the main listener.
    ThisListener,
    /// On a listener of its own (`metrics_router`), and not beside the API.
    OwnListener,
}

/// The whole application: both dialects, health, metrics where `metrics` says, and the
/// cross-cutting handling around them (`telemetry`). Browser frontends on `cors_origins`
/// may call it cross-origin.
pub fn router(state: AppState, cors_origins: &[String], metrics: MetricsAt) -> App {
    let accounts = state.accounts.clone();
    let edge = telemetry::Edge {
        outages: Arc::new(move |cause: &str| accounts.availability().lost(cause)),
        policy: security::Policy {
            https: state.accounts.public_url().starts_with("https://"),
            pages: security::page_policy(state.pages.styles()),
            docs: security::docs_policy(),
        },
        cors: cors::Cors::new(cors_origins),
        proxies: state.proxies.clone(),
        metrics: Some(state.metrics.clone()),
        ids: telemetry::RequestIds::new(),
    };
    let app = routes(metrics).fallback(fallback).with_state(state);
    App::new(app, edge)
}

/// Every route the application serves, before the fallback and the layers: both dialects,
/// the pages, health, the admin API, metrics where `metrics` says, and the API's description
/// (which the OpenAPI coverage test compares with these routes).
pub fn routes(metrics: MetricsAt) -> Router<AppState> {
    Router::new()
        .merge(djoser::routes())
        .merge(authapi::routes())
        .merge(pages::routes())
        .merge(health::routes())
        .merge(admin::routes())
        .merge(metrics::routes(metrics))
        .merge(openapi::routes(metrics))
}

/// `handler` at `path` (which ends in a slash) and at `path` without it, as SimpleJWT's
/// token views and the Auth API's URL patterns answer both.
fn route_both_ways(
    router: Router<AppState>,
    path: &str,
    handler: axum::routing::MethodRouter<AppState>,
) -> Router<AppState> {
    router
        .route(path.trim_end_matches('/'), handler.clone())
        .route(path, handler)
}

/// `GET /metrics` alone, for a listener of its own.
pub fn metrics_router(state: AppState) -> Router {
    metrics::routes(MetricsAt::ThisListener)
        .fallback(fallback)
        .with_state(state)
}

/// Unknown paths: a dialect's redirect when it has one, else DRF's 404.
async fn fallback(uri: Uri) -> Response {
    djoser::append_slash(&uri).unwrap_or_else(|| drf::not_found().into_response())
}
