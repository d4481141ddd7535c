//! users/, users/me/, users/{id}/, set_password, set_email and the two reset flows.

use crate::support::{PASSWORD, TestApp, expect, status_json};
use reqwest::{Method, StatusCode};
use serde_json::json;

#[tokio::test]
async fn me_reads_and_updates_the_profile() {
    let app = TestApp::spawn().await;
    let (id, access, _) = app.logged_in("ann@x.io", "ann").await;
    let (status, me) = status_json(app.get_auth("/auth/users/me/", &access).await).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(me["id"], id);
    assert_eq!(me["email"], "ann@x.io");
    assert_eq!(me["country"], "");
    let patch = json!({
        "first_name": "Yonathan", "last_name": "Soto", "phone": "935119585",
        "address_line_1": "line 1", "address_line_2": "line 2", "city": "lima",
        "state": "lima", "postcode": "40001", "country": "peru",
        "email": "ignored@x.io"
    });
    let (status, body) = status_json(
        app.send_auth(Method::PATCH, "/auth/users/me/", &access, patch)
            .await,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["first_name"], "Yonathan");
    assert_eq!(body["country"], "peru");
    assert_eq!(body["email"], "ann@x.io", "email is read-only here");
    let (_, again) = status_json(app.get_auth("/auth/users/me/", &access).await).await;
    assert_eq!(again, body);
    // PUT needs the username.
    expect(
        app.send_auth(
            Method::PUT,
            "/auth/users/me/",
            &access,
            json!({"city": "cusco"}),
        )
        .await,
        StatusCode::BAD_REQUEST,
        json!({"username": ["This field is required."]}),
    )
    .await;
    let (status, body) = status_json(
        app.send_auth(
            Method::PUT,
            "/auth/users/me/",
            &access,
            json!({"username": "ann2", "city": "cusco"}),
        )
        .await,
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        (body["username"].as_str(), body["city"].as_str()),
        (Some("ann2"), Some("cusco"))
    );
    app.stop().await;
}

#[tokio::test]
async fn username_changes_stay_unique() {
    let app = TestApp::spawn().await;
    app.active_user("bob@x.io", "bob").await;
    let (_, access, _) = app.logged_in("ann@x.io", "ann").await;
    expect(
        app.send_auth(
            Method::PATCH,
            "/auth/users/me/",
            &access,
            json!({"username": "bob"}),
        )
        .await,
        StatusCode::BAD_REQUEST,
        json!({"username": ["A user with that username already exists."]}),
    )
    .await;
    app.stop().await;
}

#[tokio::test]
async fn other_users_are_hidden_from_non_staff() {
    let app = TestApp::spawn().await;
    let bob = app.active_user("bob@x.io", "bob").await;
    let (ann, access, _) = app.logged_in("ann@x.io", "ann").await;
    let (status, list) = status_json(app.get_auth("/auth/users/", &access).await).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(list.as_array().unwrap().len(), 1);
    assert_eq!(list[0]["id"], ann);
    let hidden = json!({"detail": "Not found."});
    expect(
        app.get_auth(&format!("/auth/users/{bob}/"), &access).await,
        StatusCode::NOT_FOUND,
        hidden.clone(),
    )
    .await;
    expect(
        app.send_auth(
            Method::PATCH,
            &format!("/auth/users/{bob}/"),
            &access,
            json!({"city": "x"}),
        )
        .await,
        StatusCode::NOT_FOUND,
        hidden.clone(),
    )
    .await;
    expect(
        app.get_auth("/auth/users/not-a-number/", &access).await,
        StatusCode::NOT_FOUND,
        hidden,
    )
    .await;
    let (status, own) =
        status_json(app.get_auth(&format!("/auth/users/{ann}/"), &access).await).await;
    assert_eq!((status, own["id"].as_i64()), (StatusCode::OK, Some(ann)));
    app.stop().await;
}

/// As DRF finds the object before it validates the input: another's account answers 404
/// (hidden) or 403 (deleting) whatever the body holds.
#[tokio::test]
async fn access_is_decided_before_the_body_is_read() {
    let app = TestApp::spawn().await;
    let bob = app.active_user("bob@x.io", "bob").await;
    let (_, access, _) = app.logged_in("ann@x.io", "ann").await;
    let bob_path = format!("/auth/users/{bob}/");
    expect(
        app.send_auth(Method::PATCH, &bob_path, &access, json!({"username": ""}))
            .await,
        StatusCode::NOT_FOUND,
        json!({"detail": "Not found."}),
    )
    .await;
    expect(
        app.send_auth(Method::PUT, &bob_path, &access, json!({}))
            .await,
        StatusCode::NOT_FOUND,
        json!({"detail": "Not found."}),
    )
    .await;
    for path in [bob_path.as_str(), "/auth/users/not-a-number/"] {
        expect(
            app.send_auth(Method::DELETE, path, &access, json!({}))
                .await,
            StatusCode::FORBIDDEN,
            json!({"detail": "You do not have permission to perform this action."}),
        )
        .await;
    }
    let (status, body) = status_json(app.get_auth(&bob_path, &access).await).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{body}");
    app.stop().await;
}

#[tokio::test]
async fn delete_me_needs_the_current_password() {
    let app = TestApp::spawn().await;
    let (_, access, _) = app.logged_in("ann@x.io", "ann").await;
    expect(
        app.send_auth(Method::DELETE, "/auth/users/me/", &access, json!({}))
            .await,
        StatusCode::BAD_REQUEST,
        json!({"current_password": ["This field is required."]}),
    )
    .await;
    expect(
        app.send_auth(
            Method::DELETE,
            "/auth/users/me/",
            &access,
            json!({"current_password": "wrong-one"}),
        )
        .await,
        StatusCode::BAD_REQUEST,
        json!({"current_password": ["Invalid password."]}),
    )
    .await;
    let r = app
        .send_auth(
            Method::DELETE,
            "/auth/users/me/",
            &access,
            json!({"current_password": PASSWORD}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    expect(
        app.get("/auth/user/confirm-activation/ann@x.io").await,
        StatusCode::NOT_FOUND,
        json!({"detail": "Not found."}),
    )
    .await;
    app.stop().await;
}

#[tokio::test]
async fn set_password_checks_the_current_one_and_the_validators() {
    let app = TestApp::spawn().await;
    let (_, access, _) = app.logged_in("ann@x.io", "ann").await;
    expect(
        app.post_auth(
            "/auth/users/set_password/",
            &access,
            json!({"current_password": "nope-nope", "new_password": "another-pass-42"}),
        )
        .await,
        StatusCode::BAD_REQUEST,
        json!({"current_password": ["Invalid password."]}),
    )
    .await;
    expect(
        app.post_auth(
            "/auth/users/set_password/",
            &access,
            json!({"current_password": PASSWORD, "new_password": "123"}),
        )
        .await,
        StatusCode::BAD_REQUEST,
        json!({"new_password": [
            "This password is too short. It must contain at least 8 characters.",
            "This password is too common.",
            "This password is entirely numeric."
        ]}),
    )
    .await;
    let r = app
        .post_auth(
            "/auth/users/set_password/",
            &access,
            json!({"current_password": PASSWORD, "new_password": "another-pass-42"}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    app.login("ann@x.io", "another-pass-42").await;
    let (status, _) = status_json(
        app.post(
            "/auth/jwt/create/",
            json!({"email": "ann@x.io", "password": PASSWORD}),
        )
        .await,
    )
    .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    app.stop().await;
}

#[tokio::test]
async fn reset_password_by_mail_and_the_token_dies_after_use() {
    let app = TestApp::spawn().await;
    app.active_user("ann@x.io", "ann").await;
    for email in ["ann@x.io", "nobody@x.io"] {
        let r = app
            .post("/auth/users/reset_password/", json!({"email": email}))
            .await;
        assert_eq!(r.status(), StatusCode::NO_CONTENT);
    }
    let mails = app.mail.wait_for("ann@x.io", 2).await;
    let reset = &mails[1];
    assert_eq!(reset.subject, "Password reset on Tessera");
    let (uid, token) = reset.link_parts("/password/reset/confirm/");
    expect(app.post("/auth/users/reset_password_confirm/", json!({"uid": uid, "token": token, "new_password": "short"})).await,
        StatusCode::BAD_REQUEST, json!({"new_password": ["This password is too short. It must contain at least 8 characters."]})).await;
    let r = app
        .post(
            "/auth/users/reset_password_confirm/",
            json!({"uid": uid, "token": token, "new_password": "brand-new-pass-7"}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    app.login("ann@x.io", "brand-new-pass-7").await;
    expect(
        app.post(
            "/auth/users/reset_password_confirm/",
            json!({"uid": uid, "token": token, "new_password": "yet-another-pass-8"}),
        )
        .await,
        StatusCode::BAD_REQUEST,
        json!({"token": ["Invalid token for given user."]}),
    )
    .await;
    expect(
        app.post(
            "/auth/users/reset_password_confirm/",
            json!({"uid": "@@", "token": token, "new_password": "yet-another-pass-8"}),
        )
        .await,
        StatusCode::BAD_REQUEST,
        json!({"uid": ["Invalid user id or user doesn't exist."]}),
    )
    .await;
    assert_eq!(app.db.queued_to("nobody@x.io").await, 0);
    app.stop().await;
}

#[tokio::test]
async fn set_email_and_the_email_reset_pair() {
    let app = TestApp::spawn().await;
    app.active_user("bob@x.io", "bob").await;
    let (_, access, _) = app.logged_in("ann@x.io", "ann").await;
    expect(
        app.post_auth(
            "/auth/users/set_email/",
            &access,
            json!({"current_password": "wrong-pw", "new_email": "ann2@x.io"}),
        )
        .await,
        StatusCode::BAD_REQUEST,
        json!({"current_password": ["Invalid password."]}),
    )
    .await;
    expect(
        app.post_auth(
            "/auth/users/set_email/",
            &access,
            json!({"current_password": PASSWORD, "new_email": "BOB@x.io"}),
        )
        .await,
        StatusCode::BAD_REQUEST,
        json!({"new_email": ["user with this email address already exists."]}),
    )
    .await;
    let r = app
        .post_auth(
            "/auth/users/set_email/",
            &access,
            json!({"current_password": PASSWORD, "new_email": "ann2@x.io"}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    app.login("ann2@x.io", PASSWORD).await;

    let r = app
        .post("/auth/users/reset_email/", json!({"email": "ann2@x.io"}))
        .await;
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    let mail = app.mail.wait_for("ann2@x.io", 1).await.pop().unwrap();
    let (uid, token) = mail.link_parts("/email/reset/confirm/");
    let r = app
        .post(
            "/auth/users/reset_email_confirm/",
            json!({"uid": uid, "token": token, "new_email": "ann3@x.io"}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    app.login("ann3@x.io", PASSWORD).await;
    expect(
        app.post(
            "/auth/users/reset_email_confirm/",
            json!({"uid": uid, "token": token, "new_email": "ann4@x.io"}),
        )
        .await,
        StatusCode::BAD_REQUEST,
        json!({"token": ["Invalid token for given user."]}),
    )
    .await;
    app.stop().await;
}
