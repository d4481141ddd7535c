//! Audit events: each flow records what happened, to whom, by whom and from where, and the
//! owner sees their events in `dump_data/`.

use crate::support::{PASSWORD, TestApp, status_json};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

/// The second password of these tests.
const NEW: &str = "another-Pass-42";

/// The owner's events, oldest first, as `dump_data/` shows them.
async fn events_of(app: &TestApp, username: &str) -> Vec<Value> {
    let access = app.api_access(username).await;
    let r = app
        .get_auth("/api/auth/dump_data/?delivery=download", &access)
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let doc: Value = r.json().await.unwrap();
    let mut events = doc["events"].as_array().expect("events").clone();
    events.reverse();
    events
}

fn kinds(events: &[Value]) -> Vec<&str> {
    events.iter().map(|e| e["kind"].as_str().unwrap()).collect()
}

#[tokio::test]
async fn a_session_s_flow_is_recorded_with_its_origin_and_no_secret() {
    let app = TestApp::spawn().await;
    app.api_create("ann", "ann@x.io").await;
    let ann = 1; // the first account of a new database
    let wrong = json!({"username": "ann", "password": "not-the-password"});
    let r = app.post("/api/auth/login/", wrong).await;
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    let r = app
        .client
        .post(app.url("/api/auth/login/"))
        .header("user-agent", "Phone/1.0")
        .header("x-request-id", "req-login-1")
        .json(&json!({"username": "ann", "password": PASSWORD}))
        .send()
        .await
        .unwrap();
    let (status, login) = status_json(r).await;
    assert_eq!(status, StatusCode::OK);
    let refresh = login["refresh"].as_str().unwrap();
    let r = app
        .post("/api/auth/logout/", json!({"refresh": refresh}))
        .await;
    assert!(r.status().is_success(), "{}", r.status());

    let events = events_of(&app, "ann").await;
    assert_eq!(
        kinds(&events),
        [
            "account.created",
            "login.failed",
            "login.succeeded",
            "logout",
            // the login `events_of` made to read them
            "login.succeeded",
        ]
    );
    assert_eq!(events[0]["detail"], json!({"by": "sign_up"}));
    assert_eq!(events[1]["detail"], json!({"reason": "wrong_password"}));
    assert_eq!(events[1]["actor_id"], Value::Null);
    let login = &events[2];
    assert_eq!(login["user_id"], json!(ann));
    assert_eq!(login["actor_id"], json!(ann));
    assert_eq!(login["ip"], "127.0.0.1");
    assert_eq!(login["user_agent"], "Phone/1.0");
    assert_eq!(login["request_id"], "req-login-1");
    let text = serde_json::to_string(&events).unwrap();
    for secret in [PASSWORD, "not-the-password", refresh] {
        assert!(!text.contains(secret), "an event holds a secret");
    }
    app.stop().await;
}

#[tokio::test]
async fn changes_to_an_account_are_recorded_by_the_owner() {
    let app = TestApp::spawn().await;
    app.api_create("bob", "bob@x.io").await;
    let bob = 1; // the first account of a new database
    let access = app.api_access("bob").await;
    let change = json!({"password": PASSWORD, "new_password": NEW, "new_password2": NEW});
    let r = app
        .send_auth(Method::PUT, "/api/auth/password/bob/", &access, change)
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let access = app.api_login("bob", NEW).await["access"]
        .as_str()
        .unwrap()
        .to_owned();
    let rename = json!({"username": "robert"});
    let r = app
        .send_auth(Method::PATCH, "/api/auth/update/bob/", &access, rename)
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let r = app
        .get_auth("/api/auth/dump_data/?delivery=download", &access)
        .await;
    let doc: Value = r.json().await.unwrap();
    let mut events = doc["events"].as_array().unwrap().clone();
    events.reverse();
    assert_eq!(
        kinds(&events),
        [
            "account.created",
            "login.succeeded",
            "password.changed",
            "login.succeeded",
            "account.renamed",
        ]
    );
    let renamed = &events[4];
    assert_eq!(renamed["detail"], json!({"from": "bob", "to": "robert"}));
    assert_eq!(
        (&renamed["user_id"], &renamed["actor_id"]),
        (&json!(bob), &json!(bob))
    );
    app.stop().await;
}

#[tokio::test]
async fn events_older_than_their_retention_are_pruned_at_start() {
    let mut app = TestApp::spawn_with(|c| c.event_retention_days = 30).await;
    app.api_create("ann", "ann@x.io").await;
    app.clock.advance(31 * 86_400);
    app.restart(|_| {}).await;
    let mut kinds_now = Vec::new();
    for _ in 0..50 {
        let events = events_of(&app, "ann").await;
        kinds_now = kinds(&events).iter().map(|k| (*k).to_owned()).collect();
        if !kinds_now.contains(&"account.created".to_owned()) {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert!(
        !kinds_now.contains(&"account.created".to_owned()),
        "{kinds_now:?}"
    );
    assert!(kinds_now.contains(&"login.succeeded".to_owned()));
    app.stop().await;
}
