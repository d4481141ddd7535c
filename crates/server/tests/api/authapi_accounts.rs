//! Auth API accounts: creating, owner-only reading, updating and deleting.

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
            json!({"password": ["Password fields didn't match."],
                   "non_field_errors": ["Passwords do not match"]}),
        ),
        (
            json!({"username": "new", "email": "new@x.io", "password": PASSWORD}),
            json!({"password2": ["This field is required."],
                   "non_field_errors": ["Passwords do not match"]}),
        ),
        (
            base(json!({"username": "login"})),
            json!({"username": ["This username is not allowed"]}),
        ),
        (
            base(json!({"username": "Deleted_Account"})),
            json!({"username": ["This username is not allowed"]}),
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
    let access = app.api_access("ann").await;
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
    let staff = crate::support::admin::staff(&app).await;
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
    let access = app.api_access("ann").await;
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
        forbidden.clone(),
    )
    .await;
    // Refused before the body is read, as DRF checks permissions before the input.
    for (method, path) in [
        (Method::PATCH, "/api/auth/update/bob/"),
        (Method::PUT, "/api/auth/password/bob/"),
    ] {
        expect(
            app.send_auth(method, path, &access, json!({"username": "", "lang": 7}))
                .await,
            StatusCode::FORBIDDEN,
            forbidden.clone(),
        )
        .await;
    }
    expect(
        app.send_auth(
            Method::PATCH,
            "/api/auth/update/ann/",
            &access,
            json!({"password": "sneaky-plain-1"}),
        )
        .await,
        StatusCode::BAD_REQUEST,
        json!({"Error": "Invalid data",
               "password": ["Passwords are changed at password/<username>/, not here."]}),
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
        json!({"Error": "Invalid data",
               "username": ["A user with that username already exists."]}),
    )
    .await;
    // PUT is a partial update too, as in the original.
    let (status, body) = status_json(
        app.send_auth(
            Method::PUT,
            "/api/auth/update/ann/",
            &access,
            json!({"lang": "en"}),
        )
        .await,
    )
    .await;
    assert_eq!(
        (status, &body["Ok"], &body["city"]),
        (StatusCode::OK, &json!("Update successful"), &json!("Lima"))
    );
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
