//! Security headers: on every HTML page a strict Content-Security-Policy (no script at all;
//! the pages' one inline style allowed by its hash), no framing, no referrer (reset links
//! carry tokens); `nosniff` on every response; `Cache-Control: no-store` on every answer
//! that sets no caching of its own (tokens, account data and the pages are never to be kept,
//! RFC 6749 §5.1); `Strict-Transport-Security` when Tessera is served over HTTPS.

use axum::extract::{Request, State};
use axum::http::HeaderValue;
use axum::http::header::{
    CACHE_CONTROL, CONTENT_SECURITY_POLICY, CONTENT_TYPE, REFERRER_POLICY,
    STRICT_TRANSPORT_SECURITY, X_CONTENT_TYPE_OPTIONS, X_FRAME_OPTIONS,
};
use axum::middleware::Next;
use axum::response::Response;
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use sha2::{Digest, Sha256};
use std::sync::LazyLock;

/// The policy, with the hash of the `<style>` block of the pages' base template.
static POLICY: LazyLock<HeaderValue> = LazyLock::new(|| {
    let base = include_str!("../templates/base.html");
    let style = base
        .split_once("<style>")
        .and_then(|(_, rest)| rest.split_once("</style>"))
        .map_or("", |(css, _)| css);
    let hash = STANDARD.encode(Sha256::digest(style.as_bytes()));
    let policy = format!(
        "default-src 'none'; style-src 'sha256-{hash}'; form-action 'self'; \
         frame-ancestors 'none'; base-uri 'none'"
    );
    HeaderValue::from_str(&policy).expect("a policy of plain ASCII")
});

/// What the headers depend on.
#[derive(Debug, Clone, Copy)]
pub struct Policy {
    /// `TESSERA_PUBLIC_URL` is https: browsers are told to come back over HTTPS only.
    pub https: bool,
}

/// A year, as Django's SECURE_HSTS_SECONDS is usually set; subdomains are not included (they
/// may be other services').
const HSTS: HeaderValue = HeaderValue::from_static("max-age=31536000");

pub async fn headers(State(policy): State<Policy>, req: Request, next: Next) -> Response {
    let mut response = next.run(req).await;
    let html = response
        .headers()
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/html"));
    let headers = response.headers_mut();
    headers.insert(X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    if !headers.contains_key(CACHE_CONTROL) {
        headers.insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    if policy.https {
        headers.insert(STRICT_TRANSPORT_SECURITY, HSTS);
    }
    if html {
        headers.insert(CONTENT_SECURITY_POLICY, POLICY.clone());
        headers.insert(X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
        headers.insert(REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
    }
    response
}
