//! Reserved usernames: the original Auth API's list and every path segment of both
//! dialects' routes, refused case-insensitively wherever a name is set (sign-up and rename,
//! in both dialects), since accounts are shared by both.

use crate::support::{PASSWORD, TestApp, expect, status_json};
use reqwest::{Method, StatusCode};
use serde_json::json;

const ROUTES: [&str; 2] = [
    include_str!("snapshots/djoser_routes.txt"),
    include_str!("snapshots/authapi_routes.txt"),
];
/// The snapshots' stand-ins for ids, tokens and names.
const PLACEHOLDERS: [&str; 7] = ["1", "1-abc", "MQ", "a@x.io", "abc-123", "ann", "x1"];
const ORIGINAL: [&str; 10] = [
    "create",
    "update",
    "delete",
    "login",
    "logout",
    "refresh",
    "increment",
    "add",
    "admin",
    "deleted_account",
];

/// Every literal path segment of both route tables, and the original's list.
fn reserved() -> Vec<String> {
    let mut names: Vec<String> = ROUTES
        .iter()
        .flat_map(|table| table.lines())
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .filter_map(|l| l.split_whitespace().next())
        .flat_map(|path| path.split('/'))
        .filter(|s| !s.is_empty() && !PLACEHOLDERS.contains(s))
        .map(str::to_owned)
        .collect();
    names.extend(ORIGINAL.iter().map(|s| (*s).to_owned()));
    names.sort();
    names.dedup();
    names
}

#[tokio::test]
async fn every_route_name_is_refused_at_sign_up_in_both_dialects() {
    let app = TestApp::spawn_with(|c| c.rate_limiting = false).await;
    let refused = json!({"username": ["This username is not allowed"]});
    let names = reserved();
    assert!(names.len() > 40, "{names:?}");
    for (i, name) in names.iter().enumerate() {
        for spelling in [name.clone(), name.to_uppercase()] {
            let email = format!("u{i}@x.io");
            let api = json!({"username": spelling, "email": email, "password": PASSWORD, "password2": PASSWORD});
            let (status, body) = status_json(app.post("/api/auth/", api).await).await;
            assert_eq!(
                (status, &body),
                (StatusCode::BAD_REQUEST, &refused),
                "{spelling}"
            );
            let djoser = json!({"username": spelling, "email": email, "password": PASSWORD});
            let (status, body) = status_json(app.post("/auth/users/", djoser).await).await;
            assert_eq!(
                (status, &body),
                (StatusCode::BAD_REQUEST, &refused),
                "{spelling}"
            );
        }
    }
    app.stop().await;
}

#[tokio::test]
async fn a_rename_to_a_reserved_name_is_refused_in_both_dialects() {
    let app = TestApp::spawn().await;
    app.api_create("ann", "ann@x.io").await;
    let access = app.api_access("ann").await;
    for name in ["admin", "Deleted_Account", "login", "users"] {
        expect(
            app.send_auth(
                Method::PATCH,
                "/api/auth/update/ann/",
                &access,
                json!({"username": name}),
            )
            .await,
            StatusCode::BAD_REQUEST,
            json!({"Error": "Invalid data", "username": ["This username is not allowed"]}),
        )
        .await;
    }
    let (_, djoser_access, _) = app.logged_in("bob@x.io", "bob").await;
    expect(
        app.send_auth(
            Method::PATCH,
            "/auth/users/me/",
            &djoser_access,
            json!({"username": "Admin"}),
        )
        .await,
        StatusCode::BAD_REQUEST,
        json!({"username": ["This username is not allowed"]}),
    )
    .await;
    // Names merely close to reserved ones are fine.
    let r = app
        .send_auth(
            Method::PATCH,
            "/api/auth/update/ann/",
            &access,
            json!({"username": "administrator"}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    app.stop().await;
}
