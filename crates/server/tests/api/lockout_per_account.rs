//! Limits an attacker can neither turn against the owner nor sidestep: wrong passwords count
//! per account whichever of its names is tried, and wrong service secrets count per service
//! and address, so the real service's own address gets its token.

use crate::support::{PASSWORD, TestApp, status_json};
use reqwest::{Response, StatusCode};
use serde_json::json;

const WRONG: &str = "wrong-pass-1";

#[tokio::test]
async fn the_username_and_the_address_share_one_count() {
    let app = TestApp::spawn().await;
    app.clock.freeze();
    app.api_create("ann", "ann@x.io").await;
    let by_name = |password: &'static str| {
        app.post(
            "/api/auth/login/",
            json!({"username": "ann", "password": password}),
        )
    };
    let by_address = |password: &'static str| {
        app.post(
            "/auth/jwt/create/",
            json!({"email": "ann@x.io", "password": password}),
        )
    };
    for _ in 0..5 {
        assert_eq!(by_name(WRONG).await.status(), StatusCode::UNAUTHORIZED);
    }
    // The sixth wrong password, by the other name, already waits.
    assert_eq!(
        by_address(WRONG).await.status(),
        StatusCode::TOO_MANY_REQUESTS
    );
    for wait in [1, 2, 4, 8] {
        app.clock.advance(wait);
        let r = match wait % 2 {
            0 => by_name(WRONG).await,
            _ => by_address(WRONG).await,
        };
        assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    }
    app.clock.advance(16);
    assert_eq!(by_address(WRONG).await.status(), StatusCode::UNAUTHORIZED);
    // Ten in a row across both names: locked, the right password by address included.
    let r = by_address(PASSWORD).await;
    assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(r.headers()["retry-after"], "900");
    app.mail.wait_for_subject("ann@x.io", 0, "locked").await;
    app.clock.advance(900);
    let (status, _) = status_json(by_address(PASSWORD).await).await;
    assert_eq!(status, StatusCode::OK);
    app.stop().await;
}

#[tokio::test]
async fn wrong_secrets_from_one_address_never_keep_the_service_from_its_token() {
    let app = TestApp::spawn_with(|c| c.trusted_proxies = "127.0.0.1".parse().unwrap()).await;
    let (ok, _, err) = app.cli(
        &["service", "add", "matchmaking"],
        "matchmaking-secret-0001\n",
    );
    assert!(ok, "{err}");
    let client = &app;
    let from = |address: &'static str, secret: &'static str| async move {
        client
            .client
            .post(client.url("/api/auth/internal/auth/"))
            .header("x-forwarded-for", address)
            .json(&json!({"serviceName": "matchmaking", "password": secret}))
            .send()
            .await
            .unwrap()
    };
    let status = |r: Response| r.status();
    for _ in 0..10 {
        assert_eq!(
            status(from("203.0.113.9", "guess-guess-guess").await),
            StatusCode::BAD_REQUEST
        );
    }
    assert_eq!(
        status(from("203.0.113.9", "guess-guess-guess").await),
        StatusCode::TOO_MANY_REQUESTS,
        "the guessing address is throttled"
    );
    assert_eq!(
        status(from("203.0.113.9", "matchmaking-secret-0001").await),
        StatusCode::TOO_MANY_REQUESTS,
        "even with the right secret"
    );
    let (code, body) = status_json(from("198.51.100.7", "matchmaking-secret-0001").await).await;
    assert_eq!(code, StatusCode::OK, "the real service's address: {body}");
    // Successes are never counted.
    for _ in 0..12 {
        assert_eq!(
            status(from("198.51.100.7", "matchmaking-secret-0001").await),
            StatusCode::OK
        );
    }
    app.stop().await;
}
