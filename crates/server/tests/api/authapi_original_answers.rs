//! The original Auth API's answer keys beside Tessera's: `update/` as a partial update for
//! PUT and PATCH with `Ok` / `OK` / `new username`, `Error` on refusals; authentication before
//! the method check; a password change keeping the caller's own session.

use crate::support::{PASSWORD, TestApp, expect, status_json};
use reqwest::{Method, StatusCode};
use serde_json::json;

#[tokio::test]
async fn put_is_a_partial_update_and_answers_the_originals_keys() {
    let app = TestApp::spawn().await;
    app.api_create("ann", "ann@x.io").await;
    let access = app.api_access("ann").await;
    for method in [Method::PUT, Method::PATCH] {
        let (status, body) = status_json(
            app.send_auth(
                method.clone(),
                "/api/auth/update/ann/",
                &access,
                json!({"lang": "es", "city": "Lima"}),
            )
            .await,
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{method} {body}");
        assert_eq!(body["Ok"], "Update successful");
        assert_eq!(
            (&body["lang"], &body["city"]),
            (&json!("es"), &json!("Lima"))
        );
        assert!(body.get("access").is_none(), "no new pair without a rename");
    }
    for (body, field) in [
        (json!({"lang": "de"}), "lang"),
        (json!({"username": "a b"}), "username"),
        (json!({"email": "not-an-address"}), "email"),
    ] {
        let (status, answer) = status_json(
            app.send_auth(Method::PUT, "/api/auth/update/ann/", &access, body)
                .await,
        )
        .await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{answer}");
        assert_eq!(answer["Error"], "Invalid data");
        assert!(answer[field].is_array(), "{answer}");
    }
    let (status, body) = status_json(
        app.send_auth(
            Method::PUT,
            "/api/auth/update/ann/",
            &access,
            json!({"username": "annie"}),
        )
        .await,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(
        (&body["OK"], &body["new username"]),
        (&json!("Update successful"), &json!("annie"))
    );
    let fresh = body["access"].as_str().unwrap();
    assert!(body["refresh"].is_string());
    let r = app.get_auth("/api/auth/annie/", fresh).await;
    assert_eq!(r.status(), StatusCode::OK);
    app.stop().await;
}

#[tokio::test]
async fn a_view_that_needs_a_login_authenticates_before_the_method_check() {
    let app = TestApp::spawn().await;
    app.api_create("ann", "ann@x.io").await;
    let access = app.api_access("ann").await;
    for path in ["/api/auth/dump_data/", "/api/auth/ann/", "/api/auth/2fa/"] {
        expect(
            app.post(path, json!({})).await,
            StatusCode::UNAUTHORIZED,
            json!({"detail": "Authentication credentials were not provided."}),
        )
        .await;
        let r = app.post_auth(path, &access, json!({})).await;
        assert_eq!(r.headers()["allow"], "GET,HEAD", "{path}");
        expect(
            r,
            StatusCode::METHOD_NOT_ALLOWED,
            json!({"detail": "Method \"POST\" not allowed."}),
        )
        .await;
    }
    // Views open to anyone still answer 405 at once.
    let r = app.get("/api/auth/login/").await;
    assert_eq!(r.status(), StatusCode::METHOD_NOT_ALLOWED);
    app.stop().await;
}

#[tokio::test]
async fn a_password_change_keeps_the_callers_session_and_ends_the_others() {
    let app = TestApp::spawn().await;
    app.api_create("ann", "ann@x.io").await;
    let other = app.api_login("ann", PASSWORD).await;
    let mine = app.api_login("ann", PASSWORD).await;
    let (status, body) = status_json(
        app.send_auth(
            Method::PATCH,
            "/api/auth/password/ann/",
            mine["access"].as_str().unwrap(),
            json!({"password": PASSWORD, "new_password": "new-pass-123", "new_password2": "new-pass-123"}),
        )
        .await,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    // The original answered {} and its client keeps the refresh token it had.
    let (status, _) = status_json(
        app.post("/api/auth/refresh/", json!({"refresh": mine["refresh"]}))
            .await,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "the caller's session stays");
    let (status, _) = status_json(
        app.post("/api/auth/refresh/", json!({"refresh": other["refresh"]}))
            .await,
    )
    .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "the other session ends");
    let (status, _) = status_json(
        app.post("/api/auth/refresh/", json!({"refresh": body["refresh"]}))
            .await,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "the answered pair works too");
    app.stop().await;
}
