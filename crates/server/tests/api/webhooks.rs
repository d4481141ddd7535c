//! Webhooks: events POSTed to each receiver that wants them, signed the Standard Webhooks
//! way, retried while a receiver fails, queued across a restart, and delivered once.

use crate::support::{HookSink, PASSWORD, Received, TestApp};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use hmac::{KeyInit, Mac};
use reqwest::Method;
use serde_json::json;
use std::time::Duration;

/// 32 bytes, base64: `whsec_` + this is the signing secret of these tests.
const KEY: &str = "c2VjcmV0LWtleS1vZi10aGUtd2ViaG9vay10ZXN0cyE=";

fn secret() -> tessera_core::webhooks::SigningKey {
    format!("whsec_{KEY}").parse().unwrap()
}

/// Check a POST's signature as a receiver would, from the secret alone; its body as JSON.
fn verified(post: &Received) -> serde_json::Value {
    let (id, ts) = (post.header("webhook-id"), post.header("webhook-timestamp"));
    assert!(id.starts_with("msg_"), "{post:?}");
    let key = STANDARD.decode(KEY).unwrap();
    let mut mac = <hmac::Hmac<sha2::Sha256> as KeyInit>::new_from_slice(&key).unwrap();
    mac.update(format!("{id}.{ts}.{}", post.body).as_bytes());
    let signature = STANDARD.encode(mac.finalize().into_bytes());
    assert_eq!(post.header("webhook-signature"), format!("v1,{signature}"));
    assert_eq!(
        post.header("tessera-signature"),
        format!("t={ts},v1={signature}")
    );
    assert_eq!(post.header("content-type"), "application/json");
    let sent: i64 = ts.parse().unwrap();
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;
    assert!((now - sent).abs() < 60, "a timestamp of the attempt: {ts}");
    post.json()
}

fn types(posts: &[Received]) -> Vec<String> {
    posts
        .iter()
        .map(|p| verified(p)["type"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn events_reach_each_receiver_that_wants_them_signed() {
    let hooks = HookSink::start().await;
    let (all, accounts) = (hooks.url("/all"), hooks.url("/accounts"));
    let app = TestApp::spawn_with(|c| {
        c.webhook_urls = format!("{all} {accounts}#account.*,logout")
            .parse()
            .unwrap();
        c.webhook_secret = Some(secret());
    })
    .await;
    let (id, access, _) = app.logged_in("ann@x.io", "ann").await;
    let body = json!({"current_password": PASSWORD});
    let r = app
        .send_auth(Method::DELETE, "/auth/users/me/", &access, body)
        .await;
    assert_eq!(r.status(), reqwest::StatusCode::NO_CONTENT);

    let every = hooks.wait_for("/all", 4).await;
    assert_eq!(
        types(&every),
        [
            "account.created",
            "account.activated",
            "login.succeeded",
            "account.deleted"
        ]
    );
    let wanted = hooks.wait_for("/accounts", 3).await;
    assert_eq!(
        types(&wanted),
        ["account.created", "account.activated", "account.deleted"]
    );
    let deleted = verified(&wanted[2]);
    assert_eq!(deleted["data"]["user_id"], json!(id), "{deleted}");
    assert_eq!(deleted["data"]["actor_id"], json!(id), "{deleted}");
    assert!(deleted["timestamp"].as_str().unwrap().ends_with('Z'));
    // One message id per receiver and event, never the password.
    let mut ids: Vec<_> = every
        .iter()
        .chain(&wanted)
        .map(|p| p.header("webhook-id"))
        .collect();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), 7);
    assert!(hooks.received().iter().all(|p| !p.body.contains(PASSWORD)));
    // Nothing more comes: each was delivered once.
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(hooks.received().len(), 7);
    let rows = app.db.webhooks_settled().await;
    assert!(rows.iter().all(|r| r.1 == "sent" && r.2 == 1), "{rows:?}");
    app.stop().await;
}

#[tokio::test]
async fn a_failing_receiver_is_retried_with_the_same_message_until_it_takes_it() {
    let hooks = HookSink::start().await;
    hooks.refuse_next(2);
    let url = hooks.url("/in");
    let app = TestApp::spawn_with(|c| {
        c.webhook_urls = format!("{url}#account.created").parse().unwrap();
        c.webhook_secret = Some(secret());
        c.webhook_retry_delay = 1;
    })
    .await;
    app.register("ann@x.io", "ann").await;
    let posts = hooks.wait_for("/in", 3).await;
    assert_eq!(types(&posts), ["account.created"; 3]);
    assert!(
        posts
            .iter()
            .all(|p| p.header("webhook-id") == posts[0].header("webhook-id"))
    );
    assert!(posts.iter().all(|p| p.body == posts[0].body));
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(hooks.received().len(), 3);
    let rows = app.db.webhooks_settled().await;
    assert_eq!(rows.len(), 1);
    assert_eq!((rows[0].1.as_str(), rows[0].2), ("sent", 3), "{rows:?}");
    let metrics = app.get("/metrics").await.text().await.unwrap();
    for (outcome, n) in [("sent", 1), ("retrying", 2), ("given_up", 0)] {
        let series = format!("tessera_webhook_deliveries_total{{outcome=\"{outcome}\"}} {n}\n");
        assert!(metrics.contains(&series), "{series} in {metrics}");
    }
    app.stop().await;
}

#[tokio::test]
async fn a_receiver_that_keeps_failing_is_given_up_with_its_error() {
    let hooks = HookSink::start().await;
    hooks.refuse_next(100);
    let url = hooks.url("/in?token=receiver-secret");
    let app = TestApp::spawn_with(|c| {
        c.webhook_urls = format!("{url}#account.created").parse().unwrap();
        c.webhook_secret = Some(secret());
        c.webhook_retry_delay = 1;
        c.webhook_max_attempts = 2;
    })
    .await;
    app.register("ann@x.io", "ann").await;
    hooks.wait_for("/in", 2).await;
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    let rows = loop {
        let rows = app.db.webhooks_settled().await;
        if rows.iter().all(|r| r.1 == "failed") || tokio::time::Instant::now() > deadline {
            break rows;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    let (kind, status, attempts, error, body) = &rows[0];
    assert_eq!(
        (kind.as_str(), status.as_str(), *attempts),
        ("account.created", "failed", 2)
    );
    let error = error.as_deref().unwrap_or("");
    assert!(error.contains("answered 500"), "{error}");
    // The receiver's query (a token, maybe) is not stored with the error.
    assert!(!error.contains("receiver-secret"), "{error}");
    // The body stays, for a retry.
    assert!(body.contains("account.created"), "{body}");
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert_eq!(hooks.received().len(), 2);
    app.stop().await;
}

#[tokio::test]
async fn webhooks_queued_while_the_receiver_is_down_are_delivered_once_after_a_restart() {
    let hooks = HookSink::start().await;
    let port = hooks.port;
    let url = hooks.url("/in");
    hooks.stop();
    let mut app = TestApp::spawn_with(|c| {
        c.webhook_urls = format!("{url}#account.created").parse().unwrap();
        c.webhook_secret = Some(secret());
        c.webhook_retry_delay = 1;
    })
    .await;
    app.register("ann@x.io", "ann").await;
    app.register("bob@x.io", "bob").await;
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    while !app.db.webhooks().await.iter().all(|r| r.2 >= 1) {
        assert!(tokio::time::Instant::now() < deadline);
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    // Stopped with both queued; the receiver comes back, then the service.
    app.restart(|_| {}).await;
    let stopped_at = app.db.webhooks().await;
    assert!(
        stopped_at.iter().all(|r| r.1 == "pending"),
        "{stopped_at:?}"
    );
    let hooks = HookSink::start_on(port).await;
    let posts = hooks.wait_for("/in", 2).await;
    // Delivered side by side: in either order.
    let mut users: Vec<i64> = posts
        .iter()
        .map(|p| verified(p)["data"]["user_id"].as_i64().unwrap())
        .collect();
    users.sort();
    assert_eq!(users, [1, 2]);
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert_eq!(hooks.received().len(), 2, "each once");
    app.stop().await;
}

#[tokio::test]
async fn webhook_settings_are_checked_at_load() {
    let load = |vars: &[(&str, &str)]| {
        let file =
            std::env::temp_dir().join(format!("tessera-hooks-{}.toml", uuid::Uuid::new_v4()));
        let text: String = vars
            .iter()
            .map(|(k, v)| format!("{k} = \"{v}\"\n"))
            .collect();
        std::fs::write(&file, text).unwrap();
        let loaded = tessera_server::Config::load(Some(&file)).map(|_| ());
        std::fs::remove_file(&file).unwrap();
        loaded.map_err(|e| e.to_string())
    };
    let e = load(&[("webhook_urls", "http://h.test/in")]).unwrap_err();
    assert!(e.contains("TESSERA_WEBHOOK_SECRET"), "{e}");
    let e = load(&[
        ("webhook_urls", "http://h.test/in"),
        ("webhook_secret", "hunter2"),
    ])
    .unwrap_err();
    assert!(e.contains("whsec_") && !e.contains("hunter2"), "{e}");
    let e = load(&[
        ("webhook_urls", "http://h.test/in#account.deleeted"),
        ("webhook_secret", &format!("whsec_{KEY}")),
    ])
    .unwrap_err();
    assert!(e.contains("account.deleeted"), "{e}");
    let e = load(&[
        ("webhook_urls", "h.test/in"),
        ("webhook_secret", &format!("whsec_{KEY}")),
    ])
    .unwrap_err();
    assert!(e.contains("h.test/in"), "{e}");
    load(&[
        (
            "webhook_urls",
            "http://h.test/in https://b.test/x#two_factor.*",
        ),
        ("webhook_secret", &format!("whsec_{KEY}")),
    ])
    .unwrap();
}

#[tokio::test]
async fn two_instances_post_each_event_once() {
    const USERS: usize = 12;
    let hooks = HookSink::start().await;
    let url = hooks.url("/in");
    let app = TestApp::spawn_with(|c| {
        c.webhook_urls = format!("{url}#account.created").parse().unwrap();
        c.webhook_secret = Some(secret());
    })
    .await;
    let other = app.another_instance().await;
    // Half the sign-ups through each instance, so both webhook workers are busy at once.
    for i in 0..USERS {
        let base = if i % 2 == 0 { &app.base } else { &other.base };
        let body = json!({"email": format!("u{i}@x.io"), "username": format!("u{i}"), "password": PASSWORD});
        let r = app
            .client
            .post(format!("{base}/auth/users/"))
            .json(&body)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), reqwest::StatusCode::CREATED);
    }
    let posts = hooks.wait_for("/in", USERS).await;
    tokio::time::sleep(Duration::from_millis(1000)).await;
    let posts_now = hooks.received();
    assert_eq!(posts_now.len(), USERS, "no POST twice: {posts:?}");
    let mut ids: Vec<_> = posts_now
        .iter()
        .map(|p| p.header("webhook-id").to_owned())
        .collect();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), USERS);
    let rows = app.db.webhooks_settled().await;
    assert!(rows.iter().all(|r| r.1 == "sent" && r.2 == 1), "{rows:?}");
    other.stop().await;
    app.stop().await;
}
