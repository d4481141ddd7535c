//! POST /auth/users/: registration, its validation errors, and the activation mail.

use crate::support::{FRONTEND, PASSWORD, TestApp, expect, status_json};
use reqwest::StatusCode;
use serde_json::json;

#[tokio::test]
async fn register_answers_201_and_mails_an_activation_link() {
    let app = TestApp::spawn().await;
    let r = app.post("/auth/users/", json!({"username": "yotiño", "email": "yotoelectronics@gmail.com", "password": PASSWORD})).await;
    let (status, body) = status_json(r).await;
    assert_eq!(status, StatusCode::CREATED);
    assert_eq!(
        body,
        json!({"email": "yotoelectronics@gmail.com", "id": body["id"], "username": "yotiño"})
    );
    assert!(body["id"].is_i64());

    let mail = app
        .mail
        .wait_for("yotoelectronics@gmail.com", 1)
        .await
        .pop()
        .unwrap();
    assert_eq!(mail.subject, "Account activation on Tessera");
    let link = mail.link();
    assert!(link.starts_with(&format!("{FRONTEND}/activate/")), "{link}");
    assert!(!mail.html.is_empty());
    // The account is inactive until activated: logging in fails like a wrong password.
    expect(
        app.post(
            "/auth/jwt/create/",
            json!({"email": "yotoelectronics@gmail.com", "password": PASSWORD}),
        )
        .await,
        StatusCode::UNAUTHORIZED,
        json!({"detail": "No active account found with the given credentials"}),
    )
    .await;
    app.stop().await;
}

#[tokio::test]
async fn register_reports_every_missing_field() {
    let app = TestApp::spawn().await;
    expect(
        app.post("/auth/users/", json!({})).await,
        StatusCode::BAD_REQUEST,
        json!({"username": ["This field is required."], "email": ["This field is required."], "password": ["This field is required."]}),
    )
    .await;
    expect(
        app.post("/auth/users/", json!({"username": "", "email": "not-an-email", "password": null})).await,
        StatusCode::BAD_REQUEST,
        json!({"username": ["This field may not be blank."], "email": ["Enter a valid email address."], "password": ["This field may not be null."]}),
    )
    .await;
    app.stop().await;
}

#[tokio::test]
async fn register_refuses_bad_usernames() {
    let app = TestApp::spawn().await;
    let long = "u".repeat(151);
    expect(
        app.post(
            "/auth/users/",
            json!({"username": long, "email": "a@x.io", "password": PASSWORD}),
        )
        .await,
        StatusCode::BAD_REQUEST,
        json!({"username": ["Ensure this field has no more than 150 characters."]}),
    )
    .await;
    expect(
        app.post("/auth/users/", json!({"username": "with space", "email": "a@x.io", "password": PASSWORD})).await,
        StatusCode::BAD_REQUEST,
        json!({"username": ["Enter a valid username. This value may contain only letters, numbers, and @/./+/-/_ characters."]}),
    )
    .await;
    app.stop().await;
}

#[tokio::test]
async fn register_applies_djangos_password_validators() {
    let app = TestApp::spawn().await;
    let cases = [
        (
            "short7!",
            vec!["This password is too short. It must contain at least 8 characters."],
        ),
        ("password123", vec!["This password is too common."]),
        ("83749201847", vec!["This password is entirely numeric."]),
        (
            "1234",
            vec![
                "This password is too short. It must contain at least 8 characters.",
                "This password is too common.",
                "This password is entirely numeric.",
            ],
        ),
        (
            "annabelle.lee",
            vec!["The password is too similar to the username."],
        ),
    ];
    for (password, messages) in cases {
        expect(
            app.post(
                "/auth/users/",
                json!({"username": "annabelle.lee", "email": "ann@x.io", "password": password}),
            )
            .await,
            StatusCode::BAD_REQUEST,
            json!({"password": messages}),
        )
        .await;
    }
    let huge = "x".repeat(4097);
    let (status, body) = status_json(
        app.post(
            "/auth/users/",
            json!({"username": "ann", "email": "ann@x.io", "password": huge}),
        )
        .await,
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert!(body["password"].is_array());
    app.stop().await;
}

#[tokio::test]
async fn emails_are_unique_case_insensitively_and_usernames_unique() {
    let app = TestApp::spawn().await;
    app.register("Ann@X.io", "ann").await;
    expect(
        app.post(
            "/auth/users/",
            json!({"username": "ann2", "email": "ann@x.io", "password": PASSWORD}),
        )
        .await,
        StatusCode::BAD_REQUEST,
        json!({"email": ["user with this email address already exists."]}),
    )
    .await;
    expect(
        app.post(
            "/auth/users/",
            json!({"username": "ann", "email": "other@x.io", "password": PASSWORD}),
        )
        .await,
        StatusCode::BAD_REQUEST,
        json!({"username": ["A user with that username already exists."]}),
    )
    .await;
    app.stop().await;
}

#[tokio::test]
async fn register_accepts_form_bodies() {
    let app = TestApp::spawn().await;
    let r = app
        .client
        .post(app.url("/auth/users/"))
        .form(&[
            ("username", "formy"),
            ("email", "formy@x.io"),
            ("password", PASSWORD),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::CREATED);
    app.stop().await;
}

#[tokio::test]
async fn register_accepts_multipart_bodies() {
    let app = TestApp::spawn().await;
    let form = reqwest::multipart::Form::new()
        .text("username", "multi")
        .text("email", "multi@x.io")
        .text("password", PASSWORD);
    let r = app
        .client
        .post(app.url("/auth/users/"))
        .multipart(form)
        .send()
        .await
        .unwrap();
    let (status, body) = status_json(r).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    assert_eq!(body["username"], "multi");
    app.stop().await;
}
