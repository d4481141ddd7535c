//! The operator's endpoints in the document: health, readiness, the JWK set, metrics, and
//! this document with its browsable page.
#![allow(dead_code)]

use super::schemas::AnyObject;
use utoipa::{OpenApi, ToSchema};

#[derive(OpenApi)]
#[openapi(paths(
    healthz,
    readyz,
    jwks,
    openapi_json,
    docs_redirect,
    docs_page,
    docs_file
))]
pub struct Doc;

/// `GET /metrics`, described only where it is served (not with `TESSERA_METRICS_BIND`).
#[derive(OpenApi)]
#[openapi(paths(metrics))]
pub struct MetricsDoc;

/// `{"status": "ok" | "unavailable"}`
#[derive(ToSchema)]
pub struct Health {
    status: String,
}

/// How each dependency answered: `checks.database`, and `checks.redis` when configured.
#[derive(ToSchema)]
pub struct Readiness {
    status: String,
    checks: AnyObject,
}

/// The public signing keys (RFC 7517); empty with HS256.
#[derive(ToSchema)]
pub struct Jwks {
    keys: Vec<AnyObject>,
}

/// Liveness: the database answers
#[utoipa::path(get, path = "/healthz", tag = "Operations",
    responses(
        (status = 200, description = "Up", body = Health),
        (status = 503, description = "The database does not answer", body = Health)))]
fn healthz() {}

/// Readiness: every dependency answers within a short timeout
#[utoipa::path(get, path = "/readyz", tag = "Operations",
    responses(
        (status = 200, description = "Ready", body = Readiness),
        (status = 503, description = "Not ready; `checks` says which failed", body = Readiness)))]
fn readyz() {}

/// The JWK set
#[utoipa::path(get, path = "/.well-known/jwks.json", tag = "Operations",
    responses((status = 200, description = "The keys", body = Jwks)))]
fn jwks() {}

/// Prometheus metrics
#[utoipa::path(get, path = "/metrics", tag = "Operations",
    responses((status = 200, description = "The text exposition format", content_type = "text/plain", body = String)))]
fn metrics() {}

/// This document
#[utoipa::path(get, path = "/openapi.json", tag = "Operations",
    responses((status = 200, description = "OpenAPI 3.1", body = AnyObject)))]
fn openapi_json() {}

/// The browsable API (Swagger UI)
#[utoipa::path(get, path = "/docs", tag = "Operations",
    responses((status = 308, description = "To `/docs/`")))]
fn docs_redirect() {}

/// The browsable API (Swagger UI)
#[utoipa::path(get, path = "/docs/", tag = "Operations",
    responses((status = 200, description = "Swagger UI", content_type = "text/html", body = String)))]
fn docs_page() {}

/// Swagger UI's files
#[utoipa::path(get, path = "/docs/{file}", tag = "Operations",
    params(("file" = String, Path, description = "`swagger-ui-bundle.js`, `swagger-ui.css`, …")),
    responses(
        (status = 200, description = "The file"),
        (status = 404, description = "No such file", body = super::schemas::Detail)))]
fn docs_file() {}
