//! Security headers: HTML pages carry a script-free Content-Security-Policy whose style hash
//! matches the page's own `<style>`, refuse framing and send no referrer; every response is
//! `nosniff`.

use crate::support::TestApp;
use base64::Engine;
use reqwest::StatusCode;
use sha2::{Digest, Sha256};

#[tokio::test]
async fn html_pages_have_a_strict_policy_and_json_answers_are_nosniff() {
    let app = TestApp::spawn().await;
    for path in [
        "/api/auth/password_reset/",
        "/api/auth/verify_email/MQ/1-abc/",
    ] {
        let r = app.get(path).await;
        let headers = r.headers().clone();
        let page = r.text().await.unwrap();
        let policy = headers["content-security-policy"]
            .to_str()
            .unwrap()
            .to_owned();
        for part in [
            "default-src 'none'",
            "frame-ancestors 'none'",
            "form-action 'self'",
            "base-uri 'none'",
        ] {
            assert!(policy.contains(part), "{path}: {policy}");
        }
        assert!(
            !policy.contains("unsafe-inline") && !policy.contains("script-src"),
            "{policy}"
        );
        assert!(!page.contains("<script"), "{path} has no script");
        if let Some((_, rest)) = page.split_once("<style>") {
            let css = rest.split_once("</style>").unwrap().0;
            let hash =
                base64::engine::general_purpose::STANDARD.encode(Sha256::digest(css.as_bytes()));
            assert!(
                policy.contains(&format!("style-src 'sha256-{hash}'")),
                "{policy}"
            );
        }
        assert_eq!(headers["x-frame-options"], "DENY");
        assert_eq!(headers["referrer-policy"], "no-referrer");
        assert_eq!(headers["x-content-type-options"], "nosniff");
    }
    let r = app.get("/auth/users/me/").await;
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(r.headers()["x-content-type-options"], "nosniff");
    assert!(r.headers().get("content-security-policy").is_none());
    app.stop().await;
}

#[tokio::test]
async fn token_answers_and_pages_are_never_stored_and_https_sites_ask_for_https() {
    let app = TestApp::spawn().await;
    app.active_user("ann@x.io", "ann").await;
    let login = serde_json::json!({"email": "ann@x.io", "password": crate::support::PASSWORD});
    let answers = [
        app.post("/auth/jwt/create/", login).await,
        app.get("/api/auth/password_reset/").await,
        app.get("/auth/users/me/").await,
    ];
    for r in answers {
        assert_eq!(r.headers()["cache-control"], "no-store", "{}", r.url());
        assert_eq!(
            r.headers()["strict-transport-security"],
            "max-age=31536000",
            "TESSERA_PUBLIC_URL is https"
        );
    }
    // The public keys may be cached a while.
    let keys = app.get("/.well-known/jwks.json").await;
    assert_eq!(keys.headers()["cache-control"], "public, max-age=300");
    app.stop().await;

    let plain = TestApp::spawn_with(|c| c.public_url = Some("http://auth.example".into())).await;
    let r = plain.get("/api/auth/password_reset/").await;
    assert_eq!(r.headers()["cache-control"], "no-store");
    assert!(r.headers().get("strict-transport-security").is_none());
    plain.stop().await;
}
