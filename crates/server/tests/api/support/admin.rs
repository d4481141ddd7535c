//! The staff side of the admin API in tests: a staff account's token, a call with it, the
//! newest event of a kind.

use super::{TestApp, status_json};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

const BOSS_PASSWORD: &str = "boss-password-9";

/// A staff account made from the command line; its access token.
pub async fn staff(app: &TestApp) -> String {
    let args = [
        "user",
        "create",
        "--email",
        "boss@x.io",
        "--username",
        "boss",
        "--staff",
    ];
    let (ok, _, err) = app.cli(&args, &format!("{BOSS_PASSWORD}\n"));
    assert!(ok, "{err}");
    app.api_login("boss", BOSS_PASSWORD).await["access"]
        .as_str()
        .unwrap()
        .to_owned()
}

pub async fn call(app: &TestApp, method: Method, path: &str, token: &str) -> (StatusCode, Value) {
    status_json(app.send_auth(method, path, token, json!({})).await).await
}

/// The newest event of `kind`, as staff see it.
pub async fn last_event(app: &TestApp, token: &str, kind: &str) -> Value {
    let path = format!("/admin/api/events/?kind={kind}&limit=1");
    let (status, body) = call(app, Method::GET, &path, token).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body["results"][0].clone()
}
