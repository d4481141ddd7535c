//! Cross-cutting layers: a request id on every request (taken from `x-request-id` or made,
//! and echoed back), a tracing span per request, panics turned into 500s, DRF bodies for
//! 405s, the request id written into every 500 body, and database outages reported once.
//! Each 5xx is logged once, where it is made (the trace layer logs none of its own). Spans
//! name the route template (`/api/auth/reset/{uid}/{token}/`), never a path that carries a
//! token.

use crate::drf::ApiError;
use crate::drf::error::{DatabaseUnavailable, InternalErrorMarker};
use crate::messages::SERVER_ERROR;
use axum::Router;
use axum::body::Body;
use axum::extract::{MatchedPath, Request};
use axum::http::{HeaderName, Method, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use serde_json::json;
use std::any::Any;
use std::sync::Arc;
use tower::ServiceBuilder;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::request_id::{
    MakeRequestUuid, PropagateRequestIdLayer, RequestId, SetRequestIdLayer,
};
use tower_http::trace::TraceLayer;

const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// Where a database outage met by a request is reported (the store's availability, which
/// logs it once).
pub type OutageReport = Arc<dyn Fn(&str) + Send + Sync>;

/// Wrap `router` in the stack (outermost first).
pub fn apply(router: Router, outages: OutageReport) -> Router {
    router.layer(
    ServiceBuilder::new()
        .layer(SetRequestIdLayer::new(REQUEST_ID, MakeRequestUuid))
        .layer(PropagateRequestIdLayer::new(REQUEST_ID))
        .layer(TraceLayer::new_for_http().make_span_with(|req: &Request| {
            let id = request_id(req);
            let path = logged_path(req);
            tracing::info_span!("request", method = %req.method(), path = %path, request_id = %id)
        }).on_failure(()))
        .layer(middleware::from_fn(move |req: Request, next: Next| {
            let outages = outages.clone();
            async move { shape_errors(req, next, &outages).await }
        }))
        .layer(CatchPanicLayer::custom(panic_response)),
    )
}

/// The request's id (set or propagated by the outermost layer).
pub(crate) fn request_id(req: &Request) -> &str {
    req.extensions()
        .get::<RequestId>()
        .and_then(|id| id.header_value().to_str().ok())
        .unwrap_or("")
}

/// Segments at least this long of a path that matched no route are left out of the log
/// (mailed tokens are ~40 characters; uids, ids and words are short).
const LOGGED_SEGMENT_MAX: usize = 16;

/// The route template the request matched, or its path with long segments redacted.
fn logged_path(req: &Request) -> String {
    if let Some(route) = req.extensions().get::<MatchedPath>() {
        return route.as_str().to_owned();
    }
    req.uri()
        .path()
        .split('/')
        .map(|segment| {
            if segment.len() >= LOGGED_SEGMENT_MAX {
                "[redacted]"
            } else {
                segment
            }
        })
        .collect::<Vec<_>>()
        .join("/")
}

/// Give 405s DRF's body, stamp 500s with the request id, report database outages.
async fn shape_errors(req: Request, next: Next, outages: &OutageReport) -> Response {
    let method: Method = req.method().clone();
    let request_id = request_id(&req).to_owned();
    let response = next.run(req).await;
    if let Some(DatabaseUnavailable(cause)) = response.extensions().get() {
        outages(cause);
    }
    match response.status() {
        StatusCode::METHOD_NOT_ALLOWED => {
            let (mut parts, _) = response.into_parts();
            let body = ApiError::detail(
                StatusCode::METHOD_NOT_ALLOWED,
                &format!("Method \"{method}\" not allowed."),
            )
            .into_response();
            let (body_parts, body) = body.into_parts();
            parts.headers.extend(body_parts.headers);
            Response::from_parts(parts, body)
        }
        StatusCode::INTERNAL_SERVER_ERROR
            if response.extensions().get::<InternalErrorMarker>().is_some() =>
        {
            let (parts, _) = response.into_parts();
            let body = json!({"detail": SERVER_ERROR, "request_id": request_id});
            let fresh = (StatusCode::INTERNAL_SERVER_ERROR, axum::Json(body)).into_response();
            let (fresh_parts, body) = fresh.into_parts();
            let mut parts = parts;
            parts.headers.extend(fresh_parts.headers);
            Response::from_parts(parts, body)
        }
        _ => response,
    }
}

fn panic_response(_err: Box<dyn Any + Send + 'static>) -> Response<Body> {
    tracing::error!("a request handler panicked");
    ApiError::detail(StatusCode::INTERNAL_SERVER_ERROR, SERVER_ERROR).into_response()
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::routing::get;
    use tower::ServiceExt;

    async fn broken() -> ApiError {
        let cause = std::io::Error::other("disk on fire at /var/secret/path");
        ApiError::internal(&cause)
    }

    #[tokio::test]
    async fn a_500_says_nothing_internal_and_carries_the_request_id() {
        let app = apply(
            Router::new().route("/broken", get(broken)),
            Arc::new(|_| {}),
        );
        let request = Request::builder()
            .uri("/broken")
            .header("x-request-id", "req-42")
            .body(Body::empty())
            .unwrap();
        let response = app.oneshot(request).await.unwrap();
        assert_eq!(response.status(), StatusCode::INTERNAL_SERVER_ERROR);
        assert_eq!(response.headers()["x-request-id"], "req-42");
        let bytes = axum::body::to_bytes(response.into_body(), 1024)
            .await
            .unwrap();
        let body: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
        assert_eq!(
            body,
            json!({"detail": "A server error occurred.", "request_id": "req-42"})
        );
    }

    #[test]
    fn a_path_that_matched_no_route_is_logged_without_its_long_segments() {
        let token = "c4xjz2-0123456789abcdef0123456789abcdef";
        let request = Request::builder()
            .uri(format!("/api/auth/reset/MQ/{token}/x"))
            .body(Body::empty())
            .unwrap();
        assert_eq!(logged_path(&request), "/api/auth/reset/MQ/[redacted]/x");
    }

    #[tokio::test]
    async fn a_panic_is_a_500_with_the_request_id() {
        async fn boom() -> &'static str {
            panic!("boom")
        }
        let app = apply(Router::new().route("/boom", get(boom)), Arc::new(|_| {}));
        let request = Request::builder().uri("/boom").body(Body::empty()).unwrap();
        let response = app.oneshot(request).await.unwrap();
        assert_eq!(response.status(), StatusCode::INTERNAL_SERVER_ERROR);
        let id = response.headers()["x-request-id"]
            .to_str()
            .unwrap()
            .to_owned();
        let bytes = axum::body::to_bytes(response.into_body(), 1024)
            .await
            .unwrap();
        let body: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
        assert_eq!(body["request_id"], json!(id));
    }
}
