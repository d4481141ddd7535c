//! Security headers: on every HTML page a strict Content-Security-Policy (no script at all;
//! the pages' inline styles, overridden ones too, allowed by their hashes; under `/docs/`,
//! Swagger UI's own files and nothing else), no framing, no referrer (reset links
//! carry tokens); `nosniff` on every response; `Cache-Control: no-store` on every answer
//! that sets no caching of its own (tokens, account data and the pages are never to be kept,
//! RFC 6749 §5.1); `Strict-Transport-Security` when Tessera is served over HTTPS.

use axum::http::header::{
    CACHE_CONTROL, CONTENT_SECURITY_POLICY, CONTENT_TYPE, REFERRER_POLICY,
    STRICT_TRANSPORT_SECURITY, X_CONTENT_TYPE_OPTIONS, X_FRAME_OPTIONS,
};
use axum::http::{HeaderMap, HeaderValue};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use sha2::{Digest, Sha256};

/// The pages' policy: no script, no source but the pages' own inline `<style>` blocks, each
/// allowed by its hash (`styles` are their texts, as the loaded templates, overrides
/// included, have them).
pub fn page_policy<'a>(styles: impl IntoIterator<Item = &'a str>) -> HeaderValue {
    let mut hashes: Vec<String> = Vec::new();
    for css in styles {
        let hash = format!(
            "'sha256-{}'",
            STANDARD.encode(Sha256::digest(css.as_bytes()))
        );
        if !hashes.contains(&hash) {
            hashes.push(hash);
        }
    }
    let style = match hashes.is_empty() {
        true => String::new(),
        false => format!("style-src {}; ", hashes.join(" ")),
    };
    let policy = format!(
        "default-src 'none'; {style}form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
    );
    HeaderValue::from_str(&policy).expect("a policy of plain ASCII")
}

/// The policy of Swagger UI's page under `/docs/`: its own scripts and styles only (no inline
/// script, nothing from elsewhere), its images and the document fetched from this origin.
/// Its style attributes are set through the DOM, which `style-src` does not govern; the one
/// `<style>` its bundle (5.32.6) writes is allowed by its hash.
pub fn docs_policy() -> HeaderValue {
    HeaderValue::from_static(
        "default-src 'none'; script-src 'self'; \
         style-src 'self' 'sha256-RL3ie0nH+Lzz2YNqQN83mnU0J1ot4QL7b99vMdIX99w='; \
         img-src 'self' data:; connect-src 'self'; form-action 'self'; \
         frame-ancestors 'none'; base-uri 'none'",
    )
}

/// What the headers depend on.
#[derive(Debug, Clone)]
pub struct Policy {
    /// `TESSERA_PUBLIC_URL` is https: browsers are told to come back over HTTPS only.
    pub https: bool,
    /// The Content-Security-Policy of the HTML pages (`page_policy`).
    pub pages: HeaderValue,
    /// The Content-Security-Policy of Swagger UI's pages (`docs_policy`).
    pub docs: HeaderValue,
}

/// A year, as Django's SECURE_HSTS_SECONDS is usually set; subdomains are not included (they
/// may be other services').
const HSTS: HeaderValue = HeaderValue::from_static("max-age=31536000");

impl Policy {
    /// Set the headers on an answer about to leave (`docs`: to a request for Swagger UI's
    /// pages, which have a policy of their own).
    pub(crate) fn apply(&self, docs: bool, headers: &mut HeaderMap) {
        let html = headers
            .get(CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("text/html"));
        headers.insert(X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
        if !headers.contains_key(CACHE_CONTROL) {
            headers.insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
        }
        if self.https {
            headers.insert(STRICT_TRANSPORT_SECURITY, HSTS);
        }
        if html {
            let csp = if docs { &self.docs } else { &self.pages };
            headers.insert(CONTENT_SECURITY_POLICY, csp.clone());
            headers.insert(X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
            headers.insert(REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
        }
    }
}
