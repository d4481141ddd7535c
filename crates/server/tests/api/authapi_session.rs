//! Auth API: login by username, refresh with rotation, logout, and tokens shared with the
//! Djoser dialect.

use crate::support::{PASSWORD, TestApp, claims, expect, status_json};
use reqwest::StatusCode;
use serde_json::json;

#[tokio::test]
async fn login_answers_a_pair_and_the_language_with_and_without_slash() {
    let app = TestApp::spawn().await;
    app.api_create("ann", "ann@x.io").await;
    for path in ["/api/auth/login/", "/api/auth/login"] {
        let (status, body) = status_json(
            app.post(path, json!({"username": "ann", "password": PASSWORD}))
                .await,
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert_eq!(body["lang"], "en");
        let access = claims(body["access"].as_str().unwrap());
        assert_eq!(
            (access["username"].as_str(), access["token_type"].as_str()),
            (Some("ann"), Some("access"))
        );
        assert!(access["user_id"].is_string());
    }
    let refused = json!({"detail": "No active account found with the given credentials"});
    expect(
        app.post(
            "/api/auth/login/",
            json!({"username": "ann", "password": "wrong-one"}),
        )
        .await,
        StatusCode::UNAUTHORIZED,
        refused.clone(),
    )
    .await;
    expect(
        app.post(
            "/api/auth/login/",
            json!({"username": "nobody", "password": PASSWORD}),
        )
        .await,
        StatusCode::UNAUTHORIZED,
        refused,
    )
    .await;
    expect(
        app.post("/api/auth/login/", json!({})).await,
        StatusCode::BAD_REQUEST,
        json!({"detail": "Username and password are required.",
               "username": ["This field is required."], "password": ["This field is required."]}),
    )
    .await;
    app.stop().await;
}

#[tokio::test]
async fn refresh_rotates_and_blacklists_and_logout_ends_the_session() {
    let app = TestApp::spawn().await;
    app.api_create("ann", "ann@x.io").await;
    let login = app.api_login("ann", PASSWORD).await;
    let first = login["refresh"].as_str().unwrap().to_owned();
    let (status, body) = status_json(
        app.post("/api/auth/refresh", json!({"refresh": first}))
            .await,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let second = body["refresh"].as_str().unwrap().to_owned();
    assert!(body["access"].is_string());
    let blacklisted = json!({"detail": "Token is blacklisted", "code": "token_not_valid"});
    // Past the grace window for concurrent refreshes, the rotated-out token is refused, and
    // presenting it ends its session: the token it was exchanged for dies too.
    app.clock.advance(11);
    expect(
        app.post("/api/auth/refresh/", json!({"refresh": first}))
            .await,
        StatusCode::UNAUTHORIZED,
        blacklisted.clone(),
    )
    .await;
    expect(
        app.post("/api/auth/refresh/", json!({"refresh": second}))
            .await,
        StatusCode::UNAUTHORIZED,
        blacklisted.clone(),
    )
    .await;
    let second = app.api_login("ann", PASSWORD).await["refresh"]
        .as_str()
        .unwrap()
        .to_owned();
    expect(
        app.post("/api/auth/logout/", json!({"refresh": second}))
            .await,
        StatusCode::OK,
        json!({}),
    )
    .await;
    expect(
        app.post("/api/auth/refresh/", json!({"refresh": second}))
            .await,
        StatusCode::UNAUTHORIZED,
        blacklisted.clone(),
    )
    .await;
    expect(
        app.post("/api/auth/logout/", json!({"refresh": second}))
            .await,
        StatusCode::UNAUTHORIZED,
        blacklisted,
    )
    .await;
    expect(
        app.post("/api/auth/logout/", json!({"refresh": "garbage"}))
            .await,
        StatusCode::UNAUTHORIZED,
        json!({"detail": "Token is invalid", "code": "token_not_valid"}),
    )
    .await;
    expect(
        app.post("/api/auth/logout/", json!({})).await,
        StatusCode::BAD_REQUEST,
        json!({"refresh": ["This field is required."]}),
    )
    .await;
    app.stop().await;
}

#[tokio::test]
async fn a_pair_from_either_dialect_works_in_both() {
    let app = TestApp::spawn().await;
    app.api_create("ann", "ann@x.io").await;
    let api = app.api_login("ann", PASSWORD).await;
    let (status, me) = status_json(
        app.get_auth("/auth/users/me/", api["access"].as_str().unwrap())
            .await,
    )
    .await;
    assert_eq!(
        (status, me["username"].as_str()),
        (StatusCode::OK, Some("ann"))
    );
    let (djoser_access, djoser_refresh) = app.login("ann@x.io", PASSWORD).await;
    assert_eq!(claims(&djoser_access)["username"], "ann");
    let r = app.get_auth("/api/auth/ann/", &djoser_access).await;
    assert_eq!(r.status(), StatusCode::OK);
    let (status, _) = status_json(
        app.post("/api/auth/refresh/", json!({"refresh": djoser_refresh}))
            .await,
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    app.stop().await;
}
