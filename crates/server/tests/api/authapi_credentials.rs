//! Auth API credentials: verifying the e-mail address and changing the password.

use crate::support::{PASSWORD, TestApp, expect, status_json};
use reqwest::{Method, StatusCode};
use serde_json::json;

#[tokio::test]
async fn an_email_change_needs_verifying_again_and_the_mailed_link_verifies() {
    let app = TestApp::spawn().await;
    app.api_create("ann", "ann@x.io").await;
    let access = app.api_access("ann").await;
    let r = app
        .post_auth("/api/auth/verify_email/", &access, json!({}))
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let mail = app.mail.wait_for("ann@x.io", 1).await.pop().unwrap();
    let page = app
        .client
        .get(app.own_link(&mail.link()))
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), StatusCode::OK);
    assert!(page.text().await.unwrap().contains("verified"));
    let (_, body) = status_json(app.get_auth("/api/auth/ann/", &access).await).await;
    assert_eq!(body["email_verified"], true);
    expect(
        app.post_auth("/api/auth/verify_email/", &access, json!({}))
            .await,
        StatusCode::BAD_REQUEST,
        json!({"detail": "This e-mail address is already verified."}),
    )
    .await;

    // A new address takes the current password, and waits for its verification while the
    // account keeps its verified address.
    let (status, body) = status_json(
        app.send_auth(
            Method::PATCH,
            "/api/auth/update/ann/",
            &access,
            json!({"email": "new@x.io", "password": PASSWORD}),
        )
        .await,
    )
    .await;
    assert_eq!(
        (
            status,
            &body["email"],
            &body["email_verified"],
            &body["pending_email"]
        ),
        (
            StatusCode::OK,
            &json!("ann@x.io"),
            &json!(true),
            &json!("new@x.io")
        ),
        "{body}"
    );
    let mail = app.mail.wait_for("new@x.io", 1).await.pop().unwrap();
    let (uid, token) = mail.link_parts("/api/auth/verify_email/");
    expect(
        app.post(
            "/api/auth/verify_email/confirm/",
            json!({"uid": uid, "token": "1-abc"}),
        )
        .await,
        StatusCode::BAD_REQUEST,
        json!({"token": ["Invalid token for given user."]}),
    )
    .await;
    expect(
        app.post(
            "/api/auth/verify_email/confirm/",
            json!({"uid": uid, "token": token}),
        )
        .await,
        StatusCode::OK,
        json!({"email": "new@x.io", "email_verified": true}),
    )
    .await;
    let bad = app
        .client
        .get(app.url("/api/auth/verify_email/MQ/1-abc/"))
        .send()
        .await
        .unwrap();
    assert_eq!(bad.status(), StatusCode::BAD_REQUEST);
    app.stop().await;
}

#[tokio::test]
async fn password_change_needs_the_current_one_revokes_other_sessions_and_mails() {
    let app = TestApp::spawn().await;
    app.api_create("ann", "ann@x.io").await;
    app.api_create("bob", "bob@x.io").await;
    let other_session = app.api_login("ann", PASSWORD).await["refresh"]
        .as_str()
        .unwrap()
        .to_owned();
    let access = app.api_access("ann").await;
    let change = |current: &str, new: &str, again: &str| json!({"password": current, "new_password": new, "new_password2": again});
    expect(
        app.send_auth(
            Method::PATCH,
            "/api/auth/password/ann/",
            &access,
            change("wrong-pass-1", "new-pass-123", "new-pass-123"),
        )
        .await,
        StatusCode::BAD_REQUEST,
        json!({"password": ["Current password is incorrect."]}),
    )
    .await;
    expect(
        app.send_auth(
            Method::PATCH,
            "/api/auth/password/ann/",
            &access,
            json!({"new_password": "new-pass-123", "new_password2": "new-pass-123"}),
        )
        .await,
        StatusCode::BAD_REQUEST,
        json!({"password": ["This field is required."]}),
    )
    .await;
    expect(
        app.send_auth(
            Method::PUT,
            "/api/auth/password/ann/",
            &access,
            change(PASSWORD, "new-pass-123", "new-pass-124"),
        )
        .await,
        StatusCode::BAD_REQUEST,
        json!({"new_password": ["Password fields didn't match."],
               "non_field_errors": ["Passwords do not match"]}),
    )
    .await;
    expect(app.send_auth(Method::PUT, "/api/auth/password/ann/", &access, change(PASSWORD, "a", "a")).await,
        StatusCode::BAD_REQUEST, json!({"new_password": ["This password is too short. It must contain at least 8 characters.", "This password is too common."]})).await;
    expect(
        app.send_auth(
            Method::PUT,
            "/api/auth/password/bob/",
            &access,
            change(PASSWORD, "new-pass-123", "new-pass-123"),
        )
        .await,
        StatusCode::FORBIDDEN,
        json!({"detail": "You do not have permission to perform this action."}),
    )
    .await;
    let (status, body) = status_json(
        app.send_auth(
            Method::PUT,
            "/api/auth/password/ann/",
            &access,
            change(PASSWORD, "new-pass-123", "new-pass-123"),
        )
        .await,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let fresh = body["refresh"].as_str().unwrap().to_owned();
    expect(
        app.post("/api/auth/refresh/", json!({"refresh": other_session}))
            .await,
        StatusCode::UNAUTHORIZED,
        json!({"detail": "Token is blacklisted", "code": "token_not_valid"}),
    )
    .await;
    let (status, _) = status_json(
        app.post("/api/auth/refresh/", json!({"refresh": fresh}))
            .await,
    )
    .await;
    assert_eq!(
        status,
        StatusCode::OK,
        "the pair answered by the change keeps working"
    );
    let mail = app.mail.wait_for("ann@x.io", 1).await.pop().unwrap();
    assert!(
        mail.subject
            .contains("Your password has been successfully changed"),
        "{}",
        mail.subject
    );
    app.api_login("ann", "new-pass-123").await;
    app.stop().await;
}
