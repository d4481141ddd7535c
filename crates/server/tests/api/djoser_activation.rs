//! Activation by mailed link, resending it, and the polling endpoint.

use crate::support::{PASSWORD, TestApp, expect, status_json};
use reqwest::StatusCode;
use serde_json::json;

#[tokio::test]
async fn activation_link_activates_once() {
    let app = TestApp::spawn().await;
    app.register("ann@x.io", "ann").await;
    expect(
        app.get("/auth/user/confirm-activation/ann@x.io").await,
        StatusCode::OK,
        json!({"email": "ann@x.io", "is_active": false}),
    )
    .await;
    let mail = app.mail.wait_for("ann@x.io", 1).await.pop().unwrap();
    let (uid, token) = mail.link_parts("/activate/");
    let r = app
        .post(
            "/auth/users/activation/",
            json!({"uid": uid, "token": token}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    expect(
        app.get("/auth/user/confirm-activation/ann@x.io").await,
        StatusCode::OK,
        json!({"email": "ann@x.io", "is_active": true}),
    )
    .await;
    expect(
        app.post(
            "/auth/users/activation/",
            json!({"uid": uid, "token": token}),
        )
        .await,
        StatusCode::FORBIDDEN,
        json!({"detail": "Stale token for given user."}),
    )
    .await;
    app.login("ann@x.io", PASSWORD).await;
    app.stop().await;
}

#[tokio::test]
async fn activation_errors() {
    let app = TestApp::spawn().await;
    app.register("ann@x.io", "ann").await;
    let mail = app.mail.wait_for("ann@x.io", 1).await.pop().unwrap();
    let (uid, token) = mail.link_parts("/activate/");
    expect(
        app.post("/auth/users/activation/", json!({})).await,
        StatusCode::BAD_REQUEST,
        json!({"uid": ["This field is required."], "token": ["This field is required."]}),
    )
    .await;
    expect(
        app.post(
            "/auth/users/activation/",
            json!({"uid": "zzz", "token": token}),
        )
        .await,
        StatusCode::BAD_REQUEST,
        json!({"uid": ["Invalid user id or user doesn't exist."]}),
    )
    .await;
    expect(
        app.post(
            "/auth/users/activation/",
            json!({"uid": "OTk5", "token": token}),
        )
        .await,
        StatusCode::BAD_REQUEST,
        json!({"uid": ["Invalid user id or user doesn't exist."]}),
    )
    .await;
    expect(
        app.post(
            "/auth/users/activation/",
            json!({"uid": uid, "token": "abc-123"}),
        )
        .await,
        StatusCode::BAD_REQUEST,
        json!({"token": ["Invalid token for given user."]}),
    )
    .await;
    app.stop().await;
}

#[tokio::test]
async fn resend_activation_mails_again_and_every_token_works() {
    let app = TestApp::spawn().await;
    app.register("ann@x.io", "ann").await;
    for _ in 0..2 {
        let r = app
            .post(
                "/auth/users/resend_activation/",
                json!({"email": "ANN@x.io"}),
            )
            .await;
        assert_eq!(r.status(), StatusCode::NO_CONTENT);
    }
    let mails = app.mail.wait_for("ann@x.io", 3).await;
    assert_eq!(mails.len(), 3);
    // The first mailed token still works after later ones were sent.
    let (uid, token) = mails[0].link_parts("/activate/");
    let r = app
        .post(
            "/auth/users/activation/",
            json!({"uid": uid, "token": token}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    // Now active: resending is refused, as for an unknown address.
    let not_found = json!(["User with given email does not exist."]);
    expect(
        app.post(
            "/auth/users/resend_activation/",
            json!({"email": "ann@x.io"}),
        )
        .await,
        StatusCode::BAD_REQUEST,
        not_found.clone(),
    )
    .await;
    expect(
        app.post(
            "/auth/users/resend_activation/",
            json!({"email": "nobody@x.io"}),
        )
        .await,
        StatusCode::BAD_REQUEST,
        not_found,
    )
    .await;
    expect(
        app.post("/auth/users/resend_activation/", json!({"email": "bad"}))
            .await,
        StatusCode::BAD_REQUEST,
        json!({"email": ["Enter a valid email address."]}),
    )
    .await;
    app.stop().await;
}

#[tokio::test]
async fn polling_an_unknown_address_is_404() {
    let app = TestApp::spawn().await;
    let (status, body) =
        status_json(app.get("/auth/user/confirm-activation/nobody@x.io").await).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{body}");
    app.stop().await;
}
