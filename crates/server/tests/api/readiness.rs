//! `GET /readyz`: 200 while the database (and Redis, when configured) answers, 503 naming
//! what does not within its short timeout, and ready again once it is back; `/healthz`
//! goes on answering while Redis is down. The start-up line names what the service runs on.

use crate::support::{Outage, RedisServer, ServeProcess, TestApp, status_json};
use reqwest::StatusCode;
use serde_json::{Value, json};
use std::time::{Duration, Instant};

async fn readyz(app: &TestApp) -> (StatusCode, Value, Duration) {
    let asked = Instant::now();
    let (status, body) = status_json(app.get("/readyz").await).await;
    (status, body, asked.elapsed())
}

/// Ask until the answer is `status`, for at most ten seconds; its body.
async fn until(app: &TestApp, status: StatusCode) -> Value {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let (now, body, _) = readyz(app).await;
        if now == status {
            return body;
        }
        assert!(Instant::now() < deadline, "still {now} {body}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[tokio::test]
async fn a_stopped_database_makes_the_service_unready_and_is_named() {
    let mut app = TestApp::spawn_with(|c| c.database_acquire_timeout = 1).await;
    let (status, body, _) = readyz(&app).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body, json!({"status": "ok", "checks": {"database": "ok"}}));

    let outage = Outage::begin(&mut app).await;
    let (status, body, took) = readyz(&app).await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE, "{body}");
    assert_eq!(
        body,
        json!({"status": "unavailable", "checks": {"database": "unavailable"}})
    );
    assert!(took < Duration::from_secs(3), "answered after {took:?}");

    let _relay = outage.end().await;
    let body = until(&app, StatusCode::OK).await;
    assert_eq!(body["checks"], json!({"database": "ok"}));
    app.stop().await;
}

#[tokio::test]
async fn redis_down_makes_the_service_unready_and_is_named() {
    let mut redis = RedisServer::start().await;
    let app = TestApp::spawn_with(|c| c.redis_url = Some(redis.url.clone())).await;
    let (status, body, _) = readyz(&app).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(
        body,
        json!({"status": "ok", "checks": {"database": "ok", "redis": "ok"}})
    );

    redis.kill();
    let (status, body, took) = readyz(&app).await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE, "{body}");
    assert_eq!(
        body,
        json!({"status": "unavailable", "checks": {"database": "ok", "redis": "unavailable"}})
    );
    assert!(took < Duration::from_secs(3), "answered after {took:?}");
    // The process answers, and requests go on with the fallback limits.
    assert_eq!(app.get("/healthz").await.status(), StatusCode::OK);

    redis.restart().await;
    let body = until(&app, StatusCode::OK).await;
    assert_eq!(body["checks"], json!({"database": "ok", "redis": "ok"}));
    app.stop().await;
}

#[tokio::test]
async fn the_start_up_line_names_version_database_mail_and_public_url() {
    let public = ("TESSERA_PUBLIC_URL", "https://auth.example".to_owned());
    let server =
        ServeProcess::start_with("startup-line-secret-key-0123456789-abcdef", &[public]).await;
    let dir = server.dir.clone();
    let log = server.stop().await;
    let line: Value = log
        .lines()
        .filter_map(|l| serde_json::from_str::<Value>(l).ok())
        .find(|l| l["message"] == "tessera listening")
        .unwrap_or_else(|| panic!("no start-up line in\n{log}"));
    assert_eq!(line["level"], "INFO");
    assert_eq!(line["version"], env!("CARGO_PKG_VERSION"));
    let database = std::path::absolute(dir.join("t.db")).unwrap();
    assert_eq!(line["database"], format!("SQLite {}", database.display()));
    assert_eq!(line["mail"], format!("file {}", dir.join("mail").display()));
    assert_eq!(line["public_url"], "https://auth.example");
    let addr = line["addr"].as_str().unwrap();
    assert_eq!(line["metrics"], format!("http://{addr}/metrics"));
    assert!(!line.to_string().contains("startup-line-secret"), "{line}");
}
