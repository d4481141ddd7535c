//! SimpleJWT's create/refresh/verify, with and without the trailing slash.

use crate::support::{PASSWORD, TestApp, claims, expect, status_json};
use reqwest::StatusCode;
use serde_json::json;

#[tokio::test]
async fn create_gives_a_pair_with_simplejwt_claims() {
    let app = TestApp::spawn().await;
    let id = app.active_user("ann@x.io", "ann").await;
    for path in ["/auth/jwt/create/", "/auth/jwt/create"] {
        let (status, body) = status_json(
            app.post(path, json!({"email": "ann@x.io", "password": PASSWORD}))
                .await,
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{path} {body}");
        let access = claims(body["access"].as_str().unwrap());
        let refresh = claims(body["refresh"].as_str().unwrap());
        assert_eq!(access["token_type"], "access");
        assert_eq!(refresh["token_type"], "refresh");
        assert_eq!(access["user_id"], json!(id.to_string()));
        assert_eq!(
            access["exp"].as_i64().unwrap() - access["iat"].as_i64().unwrap(),
            300
        );
        assert_eq!(
            refresh["exp"].as_i64().unwrap() - refresh["iat"].as_i64().unwrap(),
            86_400
        );
        assert_eq!(access["jti"].as_str().unwrap().len(), 32);
    }
    app.stop().await;
}

#[tokio::test]
async fn create_refuses_wrong_password_unknown_account_and_missing_fields() {
    let app = TestApp::spawn().await;
    app.active_user("ann@x.io", "ann").await;
    let refused = json!({"detail": "No active account found with the given credentials"});
    expect(
        app.post(
            "/auth/jwt/create/",
            json!({"email": "ann@x.io", "password": "wrong-password"}),
        )
        .await,
        StatusCode::UNAUTHORIZED,
        refused.clone(),
    )
    .await;
    expect(
        app.post(
            "/auth/jwt/create/",
            json!({"email": "nobody@x.io", "password": PASSWORD}),
        )
        .await,
        StatusCode::UNAUTHORIZED,
        refused,
    )
    .await;
    expect(
        app.post("/auth/jwt/create/", json!({})).await,
        StatusCode::BAD_REQUEST,
        json!({"email": ["This field is required."], "password": ["This field is required."]}),
    )
    .await;
    app.stop().await;
}

#[tokio::test]
async fn login_is_case_insensitive_on_email() {
    let app = TestApp::spawn().await;
    app.active_user("Ann@X.io", "ann").await;
    app.login("ANN@x.IO", PASSWORD).await;
    app.stop().await;
}

#[tokio::test]
async fn refresh_and_verify_with_and_without_slash() {
    let app = TestApp::spawn().await;
    let (_, access, refresh) = app.logged_in("ann@x.io", "ann").await;
    for path in ["/auth/jwt/refresh/", "/auth/jwt/refresh"] {
        let (status, body) = status_json(app.post(path, json!({"refresh": refresh})).await).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert!(body["access"].is_string());
        assert!(
            body.get("refresh").is_none(),
            "rotation is off by default: {body}"
        );
        let new_access = body["access"].as_str().unwrap().to_owned();
        let r = app.get_auth("/auth/users/me/", &new_access).await;
        assert_eq!(r.status(), StatusCode::OK);
    }
    for path in ["/auth/jwt/verify/", "/auth/jwt/verify"] {
        expect(
            app.post(path, json!({"token": access})).await,
            StatusCode::OK,
            json!({}),
        )
        .await;
        expect(
            app.post(path, json!({"token": refresh})).await,
            StatusCode::OK,
            json!({}),
        )
        .await;
        expect(
            app.post(path, json!({"token": "garbage"})).await,
            StatusCode::UNAUTHORIZED,
            json!({"detail": "Token is invalid", "code": "token_not_valid"}),
        )
        .await;
        expect(
            app.post(path, json!({})).await,
            StatusCode::BAD_REQUEST,
            json!({"token": ["This field is required."]}),
        )
        .await;
    }
    expect(
        app.post("/auth/jwt/refresh/", json!({"refresh": access}))
            .await,
        StatusCode::UNAUTHORIZED,
        json!({"detail": "Token has wrong type", "code": "token_not_valid"}),
    )
    .await;
    expect(
        app.post("/auth/jwt/refresh/", json!({"refresh": "garbage"}))
            .await,
        StatusCode::UNAUTHORIZED,
        json!({"detail": "Token is invalid", "code": "token_not_valid"}),
    )
    .await;
    app.stop().await;
}

#[tokio::test]
async fn rotation_blacklists_the_old_refresh_token() {
    let app = TestApp::spawn_with(|c| {
        c.rotate_refresh_tokens = true;
        c.blacklist_after_rotation = true;
    })
    .await;
    let (_, _, refresh) = app.logged_in("ann@x.io", "ann").await;
    let (status, body) = status_json(
        app.post("/auth/jwt/refresh/", json!({"refresh": refresh}))
            .await,
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let rotated = body["refresh"].as_str().unwrap().to_owned();
    assert_ne!(rotated, refresh);
    let blacklisted = json!({"detail": "Token is blacklisted", "code": "token_not_valid"});
    expect(
        app.post("/auth/jwt/verify/", json!({"token": refresh}))
            .await,
        StatusCode::BAD_REQUEST,
        json!({"non_field_errors": ["Token is blacklisted"]}),
    )
    .await;
    let (status, body) = status_json(
        app.post("/auth/jwt/refresh/", json!({"refresh": rotated}))
            .await,
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let newest = body["refresh"].as_str().unwrap().to_owned();
    // Past the grace window for concurrent refreshes, the rotated-out token is refused, and
    // presenting it ends the session: every token rotated from the same login dies.
    app.clock.advance(11);
    expect(
        app.post("/auth/jwt/refresh/", json!({"refresh": refresh}))
            .await,
        StatusCode::UNAUTHORIZED,
        blacklisted.clone(),
    )
    .await;
    expect(
        app.post("/auth/jwt/refresh/", json!({"refresh": newest}))
            .await,
        StatusCode::UNAUTHORIZED,
        blacklisted,
    )
    .await;
    app.stop().await;
}

#[tokio::test]
async fn expired_tokens_are_refused() {
    let app = TestApp::spawn_with(|c| c.access_token_lifetime = 1).await;
    let (_, access, _) = app.logged_in("ann@x.io", "ann").await;
    // The service's clock, not the machine's, decides.
    app.clock.advance(2);
    expect(
        app.post("/auth/jwt/verify/", json!({"token": access}))
            .await,
        StatusCode::UNAUTHORIZED,
        json!({"detail": "Token is expired", "code": "token_not_valid"}),
    )
    .await;
    let (status, body) = status_json(app.get_auth("/auth/users/me/", &access).await).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(body["code"], "token_not_valid");
    assert_eq!(body["messages"][0]["message"], "Token is expired");
    app.stop().await;
}

#[tokio::test]
async fn refreshing_a_deleted_users_token_is_401_not_500() {
    let app = TestApp::spawn().await;
    let (_, access, refresh) = app.logged_in("ann@x.io", "ann").await;
    let r = app
        .send_auth(
            reqwest::Method::DELETE,
            "/auth/users/me/",
            &access,
            json!({"current_password": PASSWORD}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    expect(
        app.post("/auth/jwt/refresh/", json!({"refresh": refresh}))
            .await,
        StatusCode::UNAUTHORIZED,
        json!({"detail": "No active account found for the given token."}),
    )
    .await;
    expect(
        app.get_auth("/auth/users/me/", &access).await,
        StatusCode::UNAUTHORIZED,
        json!({"detail": "User not found", "code": "user_not_found"}),
    )
    .await;
    app.stop().await;
}

#[tokio::test]
async fn passwords_are_not_trimmed() {
    let app = TestApp::spawn().await;
    let r = app
        .post(
            "/auth/users/",
            json!({"email": "ann@x.io", "username": "ann", "password": " spaced-out-pass "}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let mail = app.mail.wait_for("ann@x.io", 1).await.pop().unwrap();
    let (uid, token) = mail.link_parts("/activate/");
    app.post(
        "/auth/users/activation/",
        json!({"uid": uid, "token": token}),
    )
    .await;
    app.login("ann@x.io", " spaced-out-pass ").await;
    let (status, _) = status_json(
        app.post(
            "/auth/jwt/create/",
            json!({"email": "ann@x.io", "password": "spaced-out-pass"}),
        )
        .await,
    )
    .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    app.stop().await;
}
