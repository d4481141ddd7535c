//! Django's CSRF origin check on the pages' form posts: a POST whose `Origin` (or, without
//! one, whose `Referer`) is another site's is refused, whatever token it carries. The site's
//! own origins are `TESSERA_PUBLIC_URL`'s and the request's own host over plain HTTP (as
//! Django compares with `request.get_host()`). Browsers send `Origin` with every form POST;
//! with neither header (old browsers, plain HTTP) the CSRF token alone decides, as in Django.

use super::refusals::Refusal;
use axum::http::HeaderMap;
use axum::http::header::{HOST, ORIGIN, REFERER};

/// Why a POST is refused (Django's 403 page says it); `None` when it may go on.
pub fn refused(headers: &HeaderMap, public_origin: &str) -> Option<Refusal> {
    let text = |name| headers.get(name).and_then(|v| v.to_str().ok());
    let own_host = text(HOST).map(|host| format!("http://{host}"));
    let own = |origin: &str| origin == public_origin || own_host.as_deref() == Some(origin);
    if let Some(origin) = headers.get(ORIGIN) {
        let origin = origin.to_str().unwrap_or("");
        return (!own(origin)).then(|| Refusal::Origin(origin.to_owned()));
    }
    let referer = text(REFERER)?;
    let origin = origin_of(referer);
    (!origin.as_deref().is_some_and(own)).then_some(Refusal::Referer)
}

/// `scheme://host[:port]` of an absolute URL.
pub fn origin_of(url: &str) -> Option<String> {
    let (scheme, rest) = url.split_once("://")?;
    let host = rest
        .split(['/', '?', '#'])
        .next()
        .filter(|h| !h.is_empty())?;
    Some(format!(
        "{}://{}",
        scheme.to_ascii_lowercase(),
        host.to_ascii_lowercase()
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.insert(*k, v.parse().unwrap());
        }
        h
    }

    #[test]
    fn only_the_sites_own_origin_may_post() {
        let own = "https://auth.example";
        let host = ("host", "127.0.0.1:8000");
        assert_eq!(refused(&headers(&[host]), own), None);
        assert_eq!(refused(&headers(&[("origin", own)]), own), None);
        assert_eq!(
            refused(&headers(&[host, ("origin", "http://127.0.0.1:8000")]), own),
            None
        );
        let referer = ("referer", "https://auth.example/api/auth/password_reset/");
        assert_eq!(refused(&headers(&[referer]), own), None);
        for origin in ["https://evil.example", "null", "http://auth.example"] {
            assert!(
                refused(&headers(&[host, ("origin", origin)]), own).is_some(),
                "{origin}"
            );
        }
        let foreign = ("referer", "https://evil.example/page");
        assert!(refused(&headers(&[host, foreign]), own).is_some());
    }
}
