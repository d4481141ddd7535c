//! What every request gets, paid once per request in one service around the router (`App`):
//! a request id (taken from `x-request-id` or made, and echoed back), a tracing span, the
//! audit origin, panics turned into 500s, DRF bodies for 405s, the request id written into
//! every 500 body, database outages reported once, the security and CORS headers, and the
//! request counted in the metrics. Each 5xx is logged once, where it is made. Spans name
//! the route template (`/api/auth/reset/{uid}/{token}/`), never a path that carries a token:
//! the one layer inside the router (`NameRoute`, in `telemetry/route_name.rs`) records it.

mod route_name;

use crate::TrustedProxies;
use crate::cors::Cors;
use crate::drf::ApiError;
use crate::drf::error::{DatabaseUnavailable, InternalErrorMarker};
use crate::messages::SERVER_ERROR;
use crate::metrics::{Metrics, method_label};
use crate::security::Policy;
use axum::Router;
use axum::extract::{MatchedPath, Request};
use axum::http::header::CONTENT_LENGTH;
use axum::http::{HeaderName, HeaderValue, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::json;
use std::convert::Infallible;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::task::{Context, Poll};
use std::time::Instant;
use tower::Service;
use tracing::Instrument;

pub(crate) use route_name::NameRoute;

const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// Where a database outage met by a request is reported (the store's availability, which
/// logs it once).
pub type OutageReport = Arc<dyn Fn(&str) + Send + Sync>;

/// What the handling around the router needs, made once at start.
pub(crate) struct Edge {
    pub(crate) outages: OutageReport,
    pub(crate) policy: Policy,
    pub(crate) cors: Cors,
    pub(crate) proxies: Arc<TrustedProxies>,
    /// Where requests are counted (none in unit tests).
    pub(crate) metrics: Option<Arc<Metrics>>,
    pub(crate) ids: RequestIds,
}

/// The whole application: the router and the handling around it. A clone is two reference
/// counts, so the connection loop clones it per request for free.
#[derive(Clone)]
pub struct App {
    router: Router,
    edge: Arc<Edge>,
}

impl App {
    pub(crate) fn new(router: Router, edge: Edge) -> Self {
        Self {
            router: router.layer(NameRoute),
            edge: Arc::new(edge),
        }
    }
}

/// `router` with the handling around it and nothing else configured (no CORS origins, no
/// metrics, no trusted proxies).
#[cfg(test)]
fn apply(router: Router, outages: OutageReport) -> App {
    let edge = Edge {
        outages,
        policy: Policy {
            https: false,
            pages: crate::security::page_policy([]),
            docs: crate::security::docs_policy(),
        },
        cors: Cors::new(&[]),
        proxies: Arc::default(),
        metrics: None,
        ids: RequestIds::new(),
    };
    App::new(router, edge)
}

impl Service<Request> for App {
    type Response = Response;
    type Error = Infallible;
    type Future = Pin<Box<dyn Future<Output = Result<Response, Infallible>> + Send>>;

    fn poll_ready(&mut self, _: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, req: Request) -> Self::Future {
        let (edge, router) = (self.edge.clone(), self.router.clone());
        Box::pin(async move { Ok(edge.answer(router, req).await) })
    }
}

impl Edge {
    /// Outermost first: counted, CORS (a preflight is answered here), security headers,
    /// then the request itself.
    async fn answer(&self, router: Router, req: Request) -> Response {
        let started = Instant::now();
        let method = req.method().clone();
        let response = if method == Method::OPTIONS {
            self.cors.preflight(req.headers())
        } else {
            let allow_origin = self.cors.allow_origin(req.headers());
            let docs = req.uri().path().starts_with(crate::openapi::PAGE);
            let mut response = self.traced(router, req).await;
            self.policy.apply(docs, response.headers_mut());
            Cors::answer(allow_origin, response.headers_mut());
            response
        };
        if let Some(metrics) = &self.metrics {
            let route = response.extensions().get::<MatchedPath>();
            let status = response.status().as_u16();
            let route = route.map(MatchedPath::as_str);
            metrics.request(route, method_label(&method), status, started.elapsed());
        }
        response
    }

    /// The request with its id, in its span and with its audit origin; panics and errors
    /// shaped; the id echoed.
    async fn traced(&self, mut router: Router, mut req: Request) -> Response {
        let started = Instant::now();
        let id = match req.headers().get(REQUEST_ID) {
            Some(id) => id.clone(),
            None => {
                let id = self.ids.make();
                req.headers_mut().insert(REQUEST_ID, id.clone());
                id
            }
        };
        let text = id.to_str().unwrap_or("");
        let method = req.method().clone();
        let span = tracing::info_span!(
            "request",
            method = %method,
            path = tracing::field::Empty,
            request_id = %text
        );
        let origin = self.proxies.origin(&req, text);
        let inner = async {
            let caught = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                Service::<Request>::call(&mut router, req)
            }));
            let outcome = match caught {
                Ok(future) => CatchUnwind { inner: future }.await,
                Err(panic) => Err(panic),
            };
            let response = match outcome {
                Ok(Ok(response)) => response,
                Ok(Err(never)) => match never {},
                Err(_) => panic_response(),
            };
            let response = shape_errors(response, &method, text, &self.outages);
            tracing::debug!(
                latency = %format_args!("{} ms", started.elapsed().as_millis()),
                status = response.status().as_u16(),
                "finished processing request"
            );
            response
        };
        let mut response = origin.scope(inner).instrument(span).await;
        // Room for the id, security and CORS headers at once, instead of growing twice.
        response.headers_mut().reserve(8);
        if !response.headers().contains_key(REQUEST_ID) {
            response.headers_mut().insert(REQUEST_ID, id);
        }
        response
    }
}

pin_project_lite::pin_project! {
    /// A future whose panic is its output (`Err`) instead of unwinding further.
    struct CatchUnwind<F> {
        #[pin]
        inner: F,
    }
}

type Panic = Box<dyn std::any::Any + Send + 'static>;

impl<F: Future> Future for CatchUnwind<F> {
    type Output = Result<F::Output, Panic>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let inner = self.project().inner;
        match std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| inner.poll(cx))) {
            Ok(Poll::Pending) => Poll::Pending,
            Ok(Poll::Ready(out)) => Poll::Ready(Ok(out)),
            Err(panic) => Poll::Ready(Err(panic)),
        }
    }
}

/// Request ids shaped as random (v4) UUIDs, made without a system call each: a counter
/// through a keyed mixing function, keyed once per process from the system's randomness.
/// Unique in the process (the mixing is a bijection of the counter), unguessable enough for
/// an id that proves nothing.
pub(crate) struct RequestIds {
    key: (u64, u64),
    next: AtomicU64,
}

impl RequestIds {
    pub(crate) fn new() -> Self {
        Self {
            key: uuid::Uuid::new_v4().as_u64_pair(),
            next: AtomicU64::new(0),
        }
    }

    fn make(&self) -> HeaderValue {
        let n = self.next.fetch_add(1, Ordering::Relaxed);
        let high = mix(n ^ self.key.0);
        let low = mix(high ^ self.key.1);
        let bits = (u128::from(high) << 64) | u128::from(low);
        let id = uuid::Builder::from_random_bytes(bits.to_be_bytes()).into_uuid();
        let mut text = uuid::Uuid::encode_buffer();
        HeaderValue::from_str(id.hyphenated().encode_lower(&mut text))
            .expect("a UUID is a valid header value")
    }
}

/// SplitMix64's finaliser: a bijection on 64 bits that spreads every input bit.
fn mix(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// Give 405s DRF's body, stamp 500s with the request id, report database outages.
fn shape_errors(
    mut response: Response,
    method: &Method,
    request_id: &str,
    outages: &OutageReport,
) -> Response {
    if let Some(DatabaseUnavailable(cause)) = response.extensions().get() {
        outages(cause);
    }
    let status = response.status();
    let replaced = status == StatusCode::METHOD_NOT_ALLOWED
        || (status == StatusCode::INTERNAL_SERVER_ERROR
            && response.extensions().get::<InternalErrorMarker>().is_some());
    if replaced {
        // The router measured the body being replaced; the new one is measured when sent.
        response.headers_mut().remove(CONTENT_LENGTH);
    }
    match status {
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
            let (mut parts, _) = response.into_parts();
            let body = json!({"detail": SERVER_ERROR, "request_id": request_id});
            let fresh = (StatusCode::INTERNAL_SERVER_ERROR, axum::Json(body)).into_response();
            let (fresh_parts, body) = fresh.into_parts();
            parts.headers.extend(fresh_parts.headers);
            Response::from_parts(parts, body)
        }
        _ => response,
    }
}

fn panic_response() -> Response {
    tracing::error!("a request handler panicked");
    ApiError::detail(StatusCode::INTERNAL_SERVER_ERROR, SERVER_ERROR).into_response()
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::body::Body;
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

    #[test]
    fn request_ids_are_v4_uuids_and_differ() {
        let ids = RequestIds::new();
        let (a, b) = (ids.make(), ids.make());
        assert_ne!(a, b);
        let parsed = uuid::Uuid::parse_str(a.to_str().unwrap()).unwrap();
        assert_eq!(parsed.get_version_num(), 4);
    }
}
