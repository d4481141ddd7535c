//! Auth API: creating accounts, owner-only reading, updating, deleting, password changes and
//! e-mail verification.

use crate::support::{PASSWORD, TestApp, expect, status_json};
use reqwest::{Method, StatusCode};
use serde_json::json;

#[tokio::test]
async fn create_answers_the_account_without_the_password() {
    let app = TestApp::spawn().await;
    for (path, name) in [("/api/auth/", "ann"), ("/api/auth", "bob")] {
        let body = json!({"username": name, "email": format!("{name}@x.io"), "password": PASSWORD, "password2": PASSWORD, "lang": "fr"});
        expect(app.post(path, body).await, StatusCode::CREATED,
            json!({"username": name, "email": format!("{name}@x.io"), "two_fa_enabled": false, "lang": "fr"})).await;
    }
    // Active at once: no activation step in this dialect.
    let login = app.api_login("ann", PASSWORD).await;
    assert_eq!(login["lang"], "fr");
    app.stop().await;
}

#[tokio::test]
async fn create_refuses_bad_input() {
    let app = TestApp::spawn().await;
    app.api_create("ann", "ann@x.io").await;
    let base = |patch: serde_json::Value| {
        let mut body = json!({"username": "new", "email": "new@x.io", "password": PASSWORD, "password2": PASSWORD});
        body.as_object_mut()
            .unwrap()
            .extend(patch.as_object().unwrap().clone());
        body
    };
    let cases = [
        (
            base(json!({"password2": "different-pass-1"})),
            json!({"password": ["Password fields didn't match."]}),
        ),
        (
            base(json!({"username": "login"})),
            json!({"username": ["This username is reserved."]}),
        ),
        (
            base(json!({"username": "ANN", "email": "ann2@x.io"})),
            serde_json::Value::Null,
        ),
        (
            base(json!({"email": "ANN@x.io"})),
            json!({"email": ["user with this email address already exists."]}),
        ),
        (
            base(json!({"username": "ann"})),
            json!({"username": ["A user with that username already exists."]}),
        ),
        (
            base(json!({"password": "a", "password2": "a"})),
            json!({"password": [
            "This password is too short. It must contain at least 8 characters.", "This password is too common."]}),
        ),
        (
            base(json!({"lang": "de"})),
            json!({"lang": ["Select a valid choice. That choice is not one of the available choices."]}),
        ),
        (
            base(json!({"two_fa_enable": true})),
            json!({"two_fa_enable": ["Verify your e-mail address before enabling two-factor authentication."]}),
        ),
        (
            json!({}),
            json!({"username": ["This field is required."], "email": ["This field is required."],
            "password": ["This field is required."], "password2": ["This field is required."]}),
        ),
    ];
    for (body, expected) in cases {
        let (status, answer) = status_json(app.post("/api/auth/", body.clone()).await).await;
        if expected.is_null() {
            assert_eq!(
                status,
                StatusCode::CREATED,
                "usernames are case-sensitive, as in Django: {answer}"
            );
            continue;
        }
        assert_eq!(
            (status, &answer),
            (StatusCode::BAD_REQUEST, &expected),
            "{body}"
        );
    }
    app.stop().await;
}

#[tokio::test]
async fn only_the_owner_reads_and_staff_list() {
    let app = TestApp::spawn().await;
    app.api_create("ann", "ann@x.io").await;
    app.api_create("bob", "bob@x.io").await;
    let access = app.api_login("ann", PASSWORD).await["access"]
        .as_str()
        .unwrap()
        .to_owned();
    let (status, body) = status_json(app.get_auth("/api/auth/ann/", &access).await).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        (
            body["email"].as_str(),
            body["email_verified"].as_bool(),
            body["lang"].as_str()
        ),
        (Some("ann@x.io"), Some(false), Some("en"))
    );
    assert!(body.get("password").is_none());
    let forbidden = json!({"detail": "You do not have permission to perform this action."});
    for path in ["/api/auth/bob/", "/api/auth/nobody/", "/api/auth/"] {
        expect(
            app.get_auth(path, &access).await,
            StatusCode::FORBIDDEN,
            forbidden.clone(),
        )
        .await;
    }
    expect(
        app.get("/api/auth/ann/").await,
        StatusCode::UNAUTHORIZED,
        json!({"detail": "Authentication credentials were not provided."}),
    )
    .await;
    let (ok, _, err) = app.cli(
        &[
            "user",
            "create",
            "--email",
            "boss@x.io",
            "--username",
            "boss",
            "--staff",
        ],
        "boss-password-9\n",
    );
    assert!(ok, "{err}");
    let staff = app.api_login("boss", "boss-password-9").await["access"]
        .as_str()
        .unwrap()
        .to_owned();
    let (status, list) = status_json(app.get_auth("/api/auth/", &staff).await).await;
    assert_eq!(
        (status, list.as_array().map(Vec::len)),
        (StatusCode::OK, Some(3))
    );
    app.stop().await;
}

#[tokio::test]
async fn update_changes_fields_and_a_new_username_gets_a_new_pair() {
    let app = TestApp::spawn().await;
    app.api_create("ann", "ann@x.io").await;
    app.api_create("bob", "bob@x.io").await;
    let access = app.api_login("ann", PASSWORD).await["access"]
        .as_str()
        .unwrap()
        .to_owned();
    let (status, body) = status_json(
        app.send_auth(
            Method::PATCH,
            "/api/auth/update/ann/",
            &access,
            json!({"lang": "es", "city": "Lima"}),
        )
        .await,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(
        (body["lang"].as_str(), body["city"].as_str()),
        (Some("es"), Some("Lima"))
    );
    assert!(body.get("access").is_none());
    let forbidden = json!({"detail": "You do not have permission to perform this action."});
    expect(
        app.send_auth(
            Method::PATCH,
            "/api/auth/update/bob/",
            &access,
            json!({"lang": "es"}),
        )
        .await,
        StatusCode::FORBIDDEN,
        forbidden,
    )
    .await;
    expect(
        app.send_auth(
            Method::PATCH,
            "/api/auth/update/ann/",
            &access,
            json!({"password": "sneaky-plain-1"}),
        )
        .await,
        StatusCode::BAD_REQUEST,
        json!({"password": ["Passwords are changed at password/<username>/, not here."]}),
    )
    .await;
    expect(
        app.send_auth(
            Method::PATCH,
            "/api/auth/update/ann/",
            &access,
            json!({"username": "bob"}),
        )
        .await,
        StatusCode::BAD_REQUEST,
        json!({"username": ["A user with that username already exists."]}),
    )
    .await;
    expect(
        app.send_auth(
            Method::PUT,
            "/api/auth/update/ann/",
            &access,
            json!({"lang": "en"}),
        )
        .await,
        StatusCode::BAD_REQUEST,
        json!({"username": ["This field is required."], "email": ["This field is required."]}),
    )
    .await;
    let (status, body) = status_json(
        app.send_auth(
            Method::PUT,
            "/api/auth/update/ann",
            &access,
            json!({"username": "annie", "email": "ann@x.io", "lang": "en"}),
        )
        .await,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let new_access = body["access"].as_str().unwrap();
    let r = app.get_auth("/api/auth/annie/", new_access).await;
    assert_eq!(r.status(), StatusCode::OK);
    app.api_login("annie", PASSWORD).await;
    app.stop().await;
}

#[tokio::test]
async fn an_email_change_needs_verifying_again_and_the_mailed_link_verifies() {
    let app = TestApp::spawn().await;
    app.api_create("ann", "ann@x.io").await;
    let access = app.api_login("ann", PASSWORD).await["access"]
        .as_str()
        .unwrap()
        .to_owned();
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

    let (status, body) = status_json(
        app.send_auth(
            Method::PATCH,
            "/api/auth/update/ann/",
            &access,
            json!({"email": "new@x.io"}),
        )
        .await,
    )
    .await;
    assert_eq!(
        (status, body["email_verified"].as_bool()),
        (StatusCode::OK, Some(false)),
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
    let access = app.api_login("ann", PASSWORD).await["access"]
        .as_str()
        .unwrap()
        .to_owned();
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
        json!({"new_password": ["Password fields didn't match."]}),
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

#[tokio::test]
async fn delete_removes_the_account_and_its_tokens_in_both_dialects() {
    let app = TestApp::spawn().await;
    app.api_create("ann", "ann@x.io").await;
    app.api_create("bob", "bob@x.io").await;
    let login = app.api_login("ann", PASSWORD).await;
    let (access, refresh) = (
        login["access"].as_str().unwrap().to_owned(),
        login["refresh"].as_str().unwrap().to_owned(),
    );
    let forbidden = json!({"detail": "You do not have permission to perform this action."});
    expect(
        app.send_auth(Method::DELETE, "/api/auth/delete/bob/", &access, json!({}))
            .await,
        StatusCode::FORBIDDEN,
        forbidden,
    )
    .await;
    let r = app
        .send_auth(Method::DELETE, "/api/auth/delete/ann", &access, json!({}))
        .await;
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    expect(
        app.get_auth("/auth/users/me/", &access).await,
        StatusCode::UNAUTHORIZED,
        json!({"detail": "User not found", "code": "user_not_found"}),
    )
    .await;
    expect(
        app.post("/api/auth/refresh/", json!({"refresh": refresh}))
            .await,
        StatusCode::UNAUTHORIZED,
        json!({"detail": "No active account found for the given token."}),
    )
    .await;
    app.api_login("bob", PASSWORD).await;
    app.stop().await;
}
