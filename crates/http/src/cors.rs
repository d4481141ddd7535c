//! CORS for browser frontends on another origin (what django-cors-headers does for Djoser):
//! bearer tokens, not cookies, so no credentials are allowed cross-origin, and `*` (any
//! origin) is safe to allow. The answers are tower-http's `CorsLayer` ones for this one
//! configuration (any `OPTIONS` is a preflight, answered before routing; `Vary` on every
//! answer), with every header value made once at start instead of per request.

use axum::body::Body;
use axum::http::header::{
    ACCESS_CONTROL_ALLOW_HEADERS, ACCESS_CONTROL_ALLOW_METHODS, ACCESS_CONTROL_ALLOW_ORIGIN,
    ACCESS_CONTROL_EXPOSE_HEADERS, ACCESS_CONTROL_MAX_AGE, ORIGIN, VARY,
};
use axum::http::{HeaderMap, HeaderValue};
use axum::response::Response;

/// Who may call cross-origin.
#[derive(Debug, Clone)]
enum Allowed {
    Any,
    /// Exactly these `Origin` values (none when empty).
    List(Vec<HeaderValue>),
}

#[derive(Debug, Clone)]
pub(crate) struct Cors {
    allowed: Allowed,
}

const ANY: HeaderValue = HeaderValue::from_static("*");
const METHODS: HeaderValue = HeaderValue::from_static("GET,POST,PUT,PATCH,DELETE,OPTIONS");
const HEADERS: HeaderValue = HeaderValue::from_static("authorization,content-type,x-request-id");
const EXPOSE: HeaderValue = HeaderValue::from_static("x-request-id");
const MAX_AGE: HeaderValue = HeaderValue::from_static("86400");
const VARIES: HeaderValue = HeaderValue::from_static(
    "origin, access-control-request-method, access-control-request-headers",
);

impl Cors {
    /// Exactly `origins` (e.g. `https://app.example`), or any origin when they include `*`;
    /// none when empty.
    pub(crate) fn new(origins: &[String]) -> Self {
        let allowed = if origins.iter().any(|o| o == "*") {
            Allowed::Any
        } else {
            Allowed::List(
                origins
                    .iter()
                    .filter_map(|o| HeaderValue::from_str(o).ok())
                    .collect(),
            )
        };
        Self { allowed }
    }

    /// The `Access-Control-Allow-Origin` a request with these headers gets, if any.
    pub(crate) fn allow_origin(&self, request: &HeaderMap) -> Option<HeaderValue> {
        match &self.allowed {
            Allowed::Any => Some(ANY),
            Allowed::List(list) => request.get(ORIGIN).filter(|o| list.contains(o)).cloned(),
        }
    }

    /// The answer to a preflight (`OPTIONS`): 200, no body, only the CORS headers.
    pub(crate) fn preflight(&self, request: &HeaderMap) -> Response {
        let mut response = Response::new(Body::empty());
        let headers = response.headers_mut();
        headers.insert(VARY, VARIES);
        if let Some(origin) = self.allow_origin(request) {
            headers.insert(ACCESS_CONTROL_ALLOW_ORIGIN, origin);
        }
        headers.insert(ACCESS_CONTROL_ALLOW_METHODS, METHODS);
        headers.insert(ACCESS_CONTROL_ALLOW_HEADERS, HEADERS);
        headers.insert(ACCESS_CONTROL_MAX_AGE, MAX_AGE);
        response
    }

    /// Add the CORS headers of an ordinary answer (`origin` from `allow_origin`).
    pub(crate) fn answer(origin: Option<HeaderValue>, headers: &mut HeaderMap) {
        headers.append(VARY, VARIES);
        if let Some(origin) = origin {
            headers.insert(ACCESS_CONTROL_ALLOW_ORIGIN, origin);
        }
        headers.insert(ACCESS_CONTROL_EXPOSE_HEADERS, EXPOSE);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn origins_are_allowed_exactly_or_all() {
        let mut request = HeaderMap::new();
        request.insert(ORIGIN, HeaderValue::from_static("https://a.example"));
        let listed = Cors::new(&["https://a.example".into()]);
        assert_eq!(listed.allow_origin(&request).unwrap(), "https://a.example");
        assert!(Cors::new(&[]).allow_origin(&request).is_none());
        assert_eq!(
            Cors::new(&["*".into()])
                .allow_origin(&HeaderMap::new())
                .unwrap(),
            "*"
        );
        let preflight = listed.preflight(&request);
        assert_eq!(preflight.headers()[ACCESS_CONTROL_MAX_AGE], "86400");
        assert_eq!(
            preflight.headers()[ACCESS_CONTROL_ALLOW_ORIGIN],
            "https://a.example"
        );
    }
}
