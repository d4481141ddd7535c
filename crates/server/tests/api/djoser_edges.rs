//! Error cases at the edges of the Djoser dialect.

use crate::support::{PASSWORD, TestApp, expect, status_json};
use reqwest::{Method, StatusCode};
use serde_json::json;

#[tokio::test]
async fn oversized_bodies_are_refused_before_parsing() {
    let app = TestApp::spawn().await;
    let big = "x".repeat(70 * 1024);
    let r = app
        .post(
            "/auth/users/",
            json!({"username": big, "email": "a@x.io", "password": PASSWORD}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::PAYLOAD_TOO_LARGE);
    app.stop().await;
}

#[tokio::test]
async fn login_accepts_a_form_body() {
    let app = TestApp::spawn().await;
    app.active_user("ann@x.io", "ann").await;
    let r = app
        .client
        .post(app.url("/auth/jwt/create/"))
        .form(&[("email", "ann@x.io"), ("password", PASSWORD)])
        .send()
        .await
        .unwrap();
    let (status, body) = status_json(r).await;
    assert_eq!(status, StatusCode::OK);
    assert!(body["access"].is_string() && body["refresh"].is_string());
    app.stop().await;
}

#[tokio::test]
async fn profile_fields_are_strings_of_bounded_length() {
    let app = TestApp::spawn().await;
    let (_, access, _) = app.logged_in("ann@x.io", "ann").await;
    expect(
        app.send_auth(
            Method::PATCH,
            "/auth/users/me/",
            &access,
            json!({"postcode": "1".repeat(21)}),
        )
        .await,
        StatusCode::BAD_REQUEST,
        json!({"postcode": ["Ensure this field has no more than 20 characters."]}),
    )
    .await;
    expect(
        app.send_auth(
            Method::PATCH,
            "/auth/users/me/",
            &access,
            json!({"city": null, "state": true}),
        )
        .await,
        StatusCode::BAD_REQUEST,
        json!({"city": ["This field may not be null."], "state": ["Not a valid string."]}),
    )
    .await;
    // Numbers are accepted as text, as DRF's CharField does.
    let (status, body) = status_json(
        app.send_auth(
            Method::PATCH,
            "/auth/users/me/",
            &access,
            json!({"phone": 935119585}),
        )
        .await,
    )
    .await;
    assert_eq!(
        (status, body["phone"].as_str()),
        (StatusCode::OK, Some("935119585"))
    );
    app.stop().await;
}

#[tokio::test]
async fn email_changes_validate_the_new_address() {
    let app = TestApp::spawn().await;
    let (_, access, _) = app.logged_in("ann@x.io", "ann").await;
    expect(
        app.post_auth(
            "/auth/users/set_email/",
            &access,
            json!({"current_password": PASSWORD, "new_email": "nope"}),
        )
        .await,
        StatusCode::BAD_REQUEST,
        json!({"new_email": ["Enter a valid email address."]}),
    )
    .await;
    expect(app.post_auth("/auth/users/set_email/", &access, json!({})).await,
        StatusCode::BAD_REQUEST, json!({"current_password": ["This field is required."], "new_email": ["This field is required."]})).await;
    expect(
        app.post(
            "/auth/users/reset_email_confirm/",
            json!({"uid": "MQ", "token": "x-y", "new_email": "bad"}),
        )
        .await,
        StatusCode::BAD_REQUEST,
        json!({"new_email": ["Enter a valid email address."]}),
    )
    .await;
    expect(
        app.post(
            "/auth/users/reset_email_confirm/",
            json!({"uid": "zz", "token": "x-y", "new_email": "new@x.io"}),
        )
        .await,
        StatusCode::BAD_REQUEST,
        json!({"uid": ["Invalid user id or user doesn't exist."]}),
    )
    .await;
    let r = app
        .post("/auth/users/reset_email/", json!({"email": "nobody@x.io"}))
        .await;
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    expect(
        app.post("/auth/users/reset_email/", json!({"email": ""}))
            .await,
        StatusCode::BAD_REQUEST,
        json!({"email": ["This field may not be blank."]}),
    )
    .await;
    app.stop().await;
}

#[tokio::test]
async fn a_reset_for_an_inactive_account_sends_nothing() {
    let app = TestApp::spawn().await;
    app.register("ann@x.io", "ann").await;
    app.mail.wait_for("ann@x.io", 1).await;
    let r = app
        .post("/auth/users/reset_password/", json!({"email": "ann@x.io"}))
        .await;
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    assert_eq!(
        app.db.queued_to("ann@x.io").await,
        1,
        "only the activation mail"
    );
    app.stop().await;
}

#[tokio::test]
async fn a_changed_password_kills_mailed_reset_tokens() {
    let app = TestApp::spawn().await;
    let (_, access, _) = app.logged_in("ann@x.io", "ann").await;
    app.post("/auth/users/reset_password/", json!({"email": "ann@x.io"}))
        .await;
    let mail = app.mail.wait_for("ann@x.io", 2).await.pop().unwrap();
    let (uid, token) = mail.link_parts("/password/reset/confirm/");
    let r = app
        .post_auth(
            "/auth/users/set_password/",
            &access,
            json!({"current_password": PASSWORD, "new_password": "changed-pass-33"}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    expect(
        app.post(
            "/auth/users/reset_password_confirm/",
            json!({"uid": uid, "token": token, "new_password": "another-pass-44"}),
        )
        .await,
        StatusCode::BAD_REQUEST,
        json!({"token": ["Invalid token for given user."]}),
    )
    .await;
    app.stop().await;
}

#[tokio::test]
async fn an_expired_mailed_token_is_refused() {
    let app = TestApp::spawn_with(|c| c.password_reset_timeout = 1).await;
    app.register("ann@x.io", "ann").await;
    let mail = app.mail.wait_for("ann@x.io", 1).await.pop().unwrap();
    let (uid, token) = mail.link_parts("/activate/");
    // The service's clock, not the machine's, decides.
    app.clock.advance(2);
    expect(
        app.post(
            "/auth/users/activation/",
            json!({"uid": uid, "token": token}),
        )
        .await,
        StatusCode::BAD_REQUEST,
        json!({"token": ["Invalid token for given user."]}),
    )
    .await;
    app.stop().await;
}

#[tokio::test]
async fn an_overlong_password_is_refused_at_login_without_hashing() {
    let app = TestApp::spawn().await;
    let (status, body) = status_json(
        app.post(
            "/auth/jwt/create/",
            json!({"email": "a@x.io", "password": "p".repeat(5000)}),
        )
        .await,
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert_eq!(
        body,
        json!({"password": ["Ensure this field has no more than 4096 bytes."]})
    );
    app.stop().await;
}
