//! The API described: an OpenAPI 3.1 document of every route the app serves (both dialects,
//! the admin API, the pages, health and metrics), built from the `#[utoipa::path]` of one
//! module per part, served at `GET /openapi.json` and browsable at `/docs` (Swagger UI).

mod admin;
mod admin_mail;
mod authapi;
mod authapi_session;
mod djoser;
mod djoser_tokens;
mod docs;
mod pages;
mod responses;
mod schemas;
mod service;
mod two_factor;

use crate::{AppState, MetricsAt};
use axum::Router;
use axum::body::Bytes;
use std::sync::{Arc, OnceLock};
use utoipa::OpenApi;
use utoipa::openapi::security::{Http, HttpAuthScheme, SecurityScheme};
use utoipa::openapi::{ComponentsBuilder, InfoBuilder, OpenApi as Document, Tag};

pub use docs::PAGE;

/// The prefixes under which every path is served with and without its trailing slash (the
/// Auth API's, its pages', SimpleJWT's and the activation poll's), as their routers do.
const SLASH_OPTIONAL: [&str; 3] = ["/api/auth/", "/auth/jwt/", "/auth/user/"];

/// `GET /openapi.json` and `/docs`, describing what `crate::routes(metrics)` serves. The
/// document is made on its first request: making it runs the code of every description,
/// whose pages would otherwise stay resident from start for a document few ever ask for.
pub fn routes(metrics: MetricsAt) -> Router<AppState> {
    let made = OnceLock::new();
    docs::routes(Arc::new(move || {
        made.get_or_init(|| {
            let json = document(metrics)
                .to_json()
                .expect("a document of plain values serialises");
            Bytes::from(json)
        })
        .clone()
    }))
}

/// The document of what `crate::routes(metrics)` serves.
pub fn document(metrics: MetricsAt) -> Document {
    let mut parts = vec![
        ("djoser", djoser::Doc::openapi()),
        ("djoser", djoser_tokens::Doc::openapi()),
        ("djoser_2fa", two_factor::djoser::Doc::openapi()),
        ("authapi", authapi::Doc::openapi()),
        ("authapi", authapi_session::Doc::openapi()),
        ("authapi_2fa", two_factor::authapi::Doc::openapi()),
        ("pages", pages::Doc::openapi()),
        ("admin", admin::Doc::openapi()),
        ("admin", admin_mail::Doc::openapi()),
        ("service", service::Doc::openapi()),
    ];
    if metrics == MetricsAt::ThisListener {
        parts.push(("service", service::MetricsDoc::openapi()));
    }
    let mut doc = Document::new(info(), utoipa::openapi::Paths::new());
    for (prefix, mut part) in parts {
        for op in responses::operations(&mut part) {
            let name = op.operation_id.take().unwrap_or_default();
            op.operation_id = Some(format!("{prefix}_{name}"));
        }
        doc.merge(part);
    }
    add_unslashed_twins(&mut doc);
    for item in doc.paths.paths.values_mut() {
        name_each_method(item);
    }
    responses::add_shared(&mut doc);
    let components = doc
        .components
        .get_or_insert_with(|| ComponentsBuilder::new().build());
    components.responses.extend(responses::all());
    components.schemas.extend(responses::schemas());
    components.security_schemes.insert(
        "bearer".into(),
        SecurityScheme::Http(Http::new(HttpAuthScheme::Bearer)).into(),
    );
    doc.tags = Some(tags());
    doc
}

fn info() -> utoipa::openapi::Info {
    InfoBuilder::new()
        .title("Tessera")
        .version(env!("CARGO_PKG_VERSION"))
        .description(Some(
            "A self-hostable authentication service speaking two dialects over one set of \
             accounts: Djoser 2.x with SimpleJWT under `/auth/`, and the Auth API under \
             `/api/auth/`; with the staff's admin API under `/admin/api/`. Errors are DRF's \
             shapes: `{\"field\": [\"message\"]}`, `{\"detail\": \"…\"}`. Bodies are read as \
             JSON, URL-encoded forms or multipart alike.",
        ))
        .build()
}

fn tags() -> Vec<Tag> {
    [
        "Djoser: users",
        "Djoser: tokens",
        "Djoser: two-factor and sessions",
        "Auth API: accounts",
        "Auth API: sessions",
        "Auth API: two-factor and sessions",
        "Pages",
        "Admin API",
        "Operations",
    ]
    .into_iter()
    .map(Tag::new)
    .collect()
}

/// Each path under `SLASH_OPTIONAL` once more without its trailing slash, the same
/// operations under their own ids.
fn add_unslashed_twins(doc: &mut Document) {
    let twins: Vec<(String, utoipa::openapi::PathItem)> = doc
        .paths
        .paths
        .iter()
        .filter(|(path, _)| SLASH_OPTIONAL.iter().any(|p| path.starts_with(p)))
        .filter_map(|(path, item)| Some((path.strip_suffix('/')?.to_owned(), item.clone())))
        .collect();
    for (path, mut item) in twins {
        for op in responses::item_operations(&mut item) {
            op.operation_id = op.operation_id.take().map(|id| format!("{id}_unslashed"));
        }
        doc.paths.paths.insert(path, item);
    }
}

/// One operation serving several methods (`method(put, patch)`) under one id per method.
fn name_each_method(item: &mut utoipa::openapi::PathItem) {
    let methods = [
        ("put", item.put.as_mut()),
        ("patch", item.patch.as_mut()),
        ("get", item.get.as_mut()),
        ("post", item.post.as_mut()),
        ("delete", item.delete.as_mut()),
    ];
    let mut seen = std::collections::BTreeMap::<String, usize>::new();
    let ops: Vec<(&str, &mut utoipa::openapi::path::Operation)> = methods
        .into_iter()
        .filter_map(|(m, op)| Some((m, op?)))
        .collect();
    for (_, op) in &ops {
        *seen
            .entry(op.operation_id.clone().unwrap_or_default())
            .or_default() += 1;
    }
    for (method, op) in ops {
        let id = op.operation_id.clone().unwrap_or_default();
        if seen[&id] > 1 {
            op.operation_id = Some(format!("{id}_{method}"));
        }
    }
}
