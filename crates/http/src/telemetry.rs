//! Cross-cutting layers: a request id on every request (taken from `x-request-id` or made,
//! and echoed back), a tracing span per request, panics turned into 500s, DRF bodies for
//! 405s, and the request id written into every 500 body.

use crate::drf::ApiError;
use crate::drf::error::InternalErrorMarker;
use axum::Router;
use axum::body::Body;
use axum::extract::Request;
use axum::http::{HeaderName, Method, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use serde_json::json;
use std::any::Any;
use tower::ServiceBuilder;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::request_id::{
    MakeRequestUuid, PropagateRequestIdLayer, RequestId, SetRequestIdLayer,
};
use tower_http::trace::TraceLayer;

const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// Wrap `router` in the stack (outermost first).
pub fn apply(router: Router) -> Router {
    router.layer(
    ServiceBuilder::new()
        .layer(SetRequestIdLayer::new(REQUEST_ID, MakeRequestUuid))
        .layer(PropagateRequestIdLayer::new(REQUEST_ID))
        .layer(TraceLayer::new_for_http().make_span_with(|req: &Request| {
            let id = req
                .extensions()
                .get::<RequestId>()
                .and_then(|id| id.header_value().to_str().ok())
                .unwrap_or("");
            tracing::info_span!("request", method = %req.method(), path = %req.uri().path(), request_id = %id)
        }))
        .layer(middleware::from_fn(shape_errors))
        .layer(CatchPanicLayer::custom(panic_response)),
    )
}

/// Give 405s DRF's body and stamp 500s with the request id.
async fn shape_errors(req: Request, next: Next) -> Response {
    let method: Method = req.method().clone();
    let request_id = req
        .extensions()
        .get::<RequestId>()
        .and_then(|id| id.header_value().to_str().ok())
        .unwrap_or("")
        .to_owned();
    let response = next.run(req).await;
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
            let body = json!({"detail": "A server error occurred.", "request_id": request_id});
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
    ApiError::detail(
        StatusCode::INTERNAL_SERVER_ERROR,
        "A server error occurred.",
    )
    .into_response()
}
