//! `tessera user …` for operators: find, show, change accounts from the command line, as a
//! table for a person and JSON for scripts; each change is an event done from the CLI.

use crate::support::{PASSWORD, TestApp};
use reqwest::StatusCode;
use serde_json::{Value, json};

#[tokio::test]
async fn operators_list_show_and_deactivate_accounts_from_the_command_line() {
    let app = TestApp::spawn().await;
    app.api_create("ann", "ann@x.io").await;
    app.api_create("bob", "bob@x.io").await;
    app.api_login("ann", PASSWORD).await;

    let (ok, out, err) = app.cli(&["user", "list", "--search", "ann"], "");
    assert!(ok, "{err}");
    let lines: Vec<&str> = out.lines().collect();
    assert!(lines[0].starts_with("ID  USERNAME  EMAIL"), "{out}");
    assert!(lines[1].starts_with("1   ann       ann@x.io  yes"), "{out}");
    assert_eq!(lines.last(), Some(&"1 of 1 accounts"));

    let (ok, out, err) = app.cli(&["user", "list", "--json", "--active", "true"], "");
    assert!(ok, "{err}");
    let page: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(page["count"], 2);

    let (ok, out, err) = app.cli(&["user", "deactivate", "ann@x.io"], "");
    assert!(ok, "{err}");
    assert_eq!(out.trim(), "user 1 (ann) deactivated; its sessions ended");
    let r = app
        .post(
            "/api/auth/login/",
            json!({"username": "ann", "password": PASSWORD}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);

    let (ok, out, err) = app.cli(&["user", "show", "ann", "--json"], "");
    assert!(ok, "{err}");
    let shown: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(
        (&shown["is_active"], &shown["sessions"]),
        (&json!(false), &json!([]))
    );
    let event = shown["recent_events"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["kind"] == "account.deactivated")
        .expect("the deactivation is recorded");
    assert_eq!(
        (&event["actor_id"], &event["detail"]),
        (&Value::Null, &json!({"via": "cli"}))
    );

    let (ok, out, _) = app.cli(&["user", "show", "ann"], "");
    assert!(ok);
    assert!(out.contains("is_active: false"), "{out}");
    assert!(out.contains("account.deactivated"), "{out}");

    let (ok, out, err) = app.cli(
        &["user", "events", "--kind", "account.created", "--json"],
        "",
    );
    assert!(ok, "{err}");
    let events: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(events.as_array().map(Vec::len), Some(2));

    let (ok, _, err) = app.cli(&["user", "show", "nobody"], "");
    assert!(!ok);
    assert!(err.contains("nobody: no such account"), "{err}");
    let (ok, _, err) = app.cli(&["user", "events", "--kind", "nope"], "");
    assert!(!ok);
    assert!(err.contains("no kind of event is named \"nope\""), "{err}");
    let (ok, _, err) = app.cli(&["user", "reset-2fa", "bob"], "");
    assert!(!ok);
    assert!(err.contains("two-factor authentication is off"), "{err}");
    app.stop().await;
}
