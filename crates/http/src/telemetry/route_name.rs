//! `NameRoute`: the one layer inside the router. It names the request's span by the route
//! template it matched (or, matching none, by its path with long segments redacted), and
//! hands the template out on the response for the metrics.

use axum::extract::{MatchedPath, Request};
use axum::response::Response;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll, ready};
use tower::{Layer, Service};

/// Segments at least this long of a path that matched no route are left out of the log
/// (mailed tokens are ~40 characters; uids, ids and words are short).
const LOGGED_SEGMENT_MAX: usize = 16;

#[derive(Debug, Clone, Copy)]
pub(crate) struct NameRoute;

impl<S> Layer<S> for NameRoute {
    type Service = Named<S>;

    fn layer(&self, inner: S) -> Named<S> {
        Named { inner }
    }
}

#[derive(Debug, Clone)]
pub(crate) struct Named<S> {
    inner: S,
}

impl<S> Service<Request> for Named<S>
where
    S: Service<Request, Response = Response>,
{
    type Response = Response;
    type Error = S::Error;
    type Future = NamedFuture<S::Future>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), S::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, req: Request) -> Self::Future {
        // A `MatchedPath` is an `Arc<str>`: cloning it copies no text.
        let route = req.extensions().get::<MatchedPath>().cloned();
        let span = tracing::Span::current();
        if !span.is_disabled() {
            match &route {
                Some(route) => span.record("path", tracing::field::display(route.as_str())),
                None => span.record("path", tracing::field::display(logged_path(&req))),
            };
        }
        tracing::debug!("started processing request");
        NamedFuture {
            inner: self.inner.call(req),
            route,
        }
    }
}

pin_project_lite::pin_project! {
    /// The inner answer, with the route template in its extensions.
    pub(crate) struct NamedFuture<F> {
        #[pin]
        inner: F,
        route: Option<MatchedPath>,
    }
}

impl<F, E> Future for NamedFuture<F>
where
    F: Future<Output = Result<Response, E>>,
{
    type Output = F::Output;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.project();
        let mut answer = ready!(this.inner.poll(cx));
        if let (Ok(response), Some(route)) = (&mut answer, this.route.take()) {
            response.extensions_mut().insert(route);
        }
        Poll::Ready(answer)
    }
}

/// The path of a request that matched no route, with long segments redacted.
fn logged_path(req: &Request) -> String {
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

#[cfg(test)]
mod tests {
    use super::*;
    use axum::body::Body;

    #[test]
    fn a_path_that_matched_no_route_is_logged_without_its_long_segments() {
        let token = "c4xjz2-0123456789abcdef0123456789abcdef";
        let request = Request::builder()
            .uri(format!("/api/auth/reset/MQ/{token}/x"))
            .body(Body::empty())
            .unwrap();
        assert_eq!(logged_path(&request), "/api/auth/reset/MQ/[redacted]/x");
    }
}
