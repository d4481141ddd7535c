//! `GET /openapi.json` (the document, serialised once, on its first request) and `/docs`: Swagger UI,
//! its files vendored into the binary by utoipa-swagger-ui, reading the document. The page
//! runs only its own scripts: `security` gives it a policy of its own.

use crate::AppState;
use crate::drf::{self, ApiError, Path};
use axum::Router;
use axum::body::Bytes;
use axum::http::header::{CACHE_CONTROL, CONTENT_TYPE};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use std::sync::{Arc, LazyLock};
use utoipa_swagger_ui::Config;

/// Where the page is; its files are beside it (its HTML links them relatively).
pub const PAGE: &str = "/docs/";

static CONFIG: LazyLock<Arc<Config<'static>>> = LazyLock::new(|| {
    // No validator badge: it would load an image from validator.swagger.io.
    Arc::new(Config::from("/openapi.json").validator_url("none"))
});

/// What `/openapi.json` answers: the document, serialised.
pub type MakeDocument = Arc<dyn Fn() -> Bytes + Send + Sync>;

pub fn routes(document: MakeDocument) -> Router<AppState> {
    Router::new()
        .route(
            "/openapi.json",
            get(move || {
                let body = document();
                async move { ([(CONTENT_TYPE, "application/json")], body) }
            }),
        )
        .route("/docs", get(|| async { Redirect::permanent(PAGE) }))
        .route(PAGE, get(|| file(String::new())))
        .route("/docs/{file}", get(|Path(name): Path<String>| file(name)))
}

/// One of Swagger UI's files (`""`: its page), kept by caches for an hour (they change only
/// with the binary).
async fn file(name: String) -> Response {
    match utoipa_swagger_ui::serve(&name, CONFIG.clone()) {
        Ok(Some(file)) => (
            [
                (CONTENT_TYPE, file.content_type),
                (CACHE_CONTROL, "public, max-age=3600".to_owned()),
            ],
            file.bytes.into_owned(),
        )
            .into_response(),
        Ok(None) => drf::not_found().into_response(),
        Err(e) => ApiError::internal(e.as_ref()).into_response(),
    }
}
