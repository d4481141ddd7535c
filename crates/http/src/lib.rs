//! Tessera's HTTP surface: the router, shared DRF-style plumbing (bodies, errors, bearer
//! authentication), telemetry, and one module per dialect.

mod auth;
mod authapi;
mod djoser;
pub mod drf;
mod health;
mod telemetry;

use axum::Router;
use std::sync::Arc;
use tessera_core::accounts::Accounts;

/// What every handler can reach.
#[derive(Clone)]
pub struct AppState {
    pub accounts: Arc<Accounts>,
}

/// The whole application: both dialects, health, and the cross-cutting layers.
pub fn router(state: AppState) -> Router {
    let app = Router::new()
        .merge(djoser::routes())
        .merge(authapi::routes())
        .merge(health::routes())
        .fallback(drf::not_found)
        .with_state(state);
    telemetry::apply(app)
}
