//! A database that stops answering: requests that need it answer DRF's 503 with
//! `Retry-After` within the acquire timeout, the outage is logged once (and its end once),
//! and every 5xx is logged once. On PostgreSQL the server "stops" behind a relay the test
//! cuts; on SQLite the honest equivalent is the write lock held by another connection past
//! the timeout (readers go on, as SQLite's do).

use crate::support::{Outage, PASSWORD, ServeProcess, TestApp, status_json};
use reqwest::StatusCode;
use serde_json::{Value, json};
use sqlx::Connection;
use std::time::{Duration, Instant};

fn signup(n: usize) -> Value {
    json!({"email": format!("u{n}@x.io"), "username": format!("u{n}"), "password": PASSWORD})
}

#[tokio::test]
async fn a_stopped_database_answers_503_with_retry_after_soon_and_service_resumes() {
    let mut app = TestApp::spawn_with(|c| {
        c.database_acquire_timeout = 1;
        c.rate_limiting = false;
    })
    .await;
    let (_, access, _) = app.logged_in("ann@x.io", "ann").await;
    let outage = Outage::begin(&mut app).await;
    let postgres = matches!(outage, Outage::Postgres(_));

    for n in 0..3 {
        let asked = Instant::now();
        let r = app.post("/auth/users/", signup(n)).await;
        let took = asked.elapsed();
        assert_eq!(r.status(), StatusCode::SERVICE_UNAVAILABLE);
        assert_eq!(r.headers()["retry-after"], "5");
        assert!(took < Duration::from_secs(5), "answered after {took:?}");
        let (_, body) = status_json(r).await;
        assert_eq!(
            body,
            json!({"detail": "Service temporarily unavailable, try again later."})
        );
    }
    let r = app.get_auth("/api/auth/ann/", &access).await;
    if postgres {
        // Every request needs PostgreSQL: reads answer 503 too, and so does the health check.
        assert_eq!(r.status(), StatusCode::SERVICE_UNAVAILABLE);
        assert_eq!(
            app.get("/healthz").await.status(),
            StatusCode::SERVICE_UNAVAILABLE
        );
    } else {
        // SQLite readers do not wait for the write lock.
        assert_eq!(r.status(), StatusCode::OK);
    }

    let _relay = outage.end().await;
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let r = app.post("/auth/users/", signup(9)).await;
        if r.status() == StatusCode::CREATED {
            break;
        }
        assert!(Instant::now() < deadline, "still {}", r.status());
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(
        app.get_auth("/api/auth/ann/", &access).await.status(),
        StatusCode::OK
    );
    assert_eq!(app.get("/healthz").await.status(), StatusCode::OK);
    app.stop().await;
}

const SECRET: &str = "outage-test-secret-key-0123456789-abcdefghijk";

async fn post(base: &str, path: &str, body: Value) -> StatusCode {
    reqwest::Client::new()
        .post(format!("{base}{path}"))
        .json(&body)
        .send()
        .await
        .unwrap()
        .status()
}

/// `(level, message)` of every WARN and ERROR line of a JSON log.
fn warnings(log: &str) -> Vec<(String, String)> {
    log.lines()
        .filter_map(|line| serde_json::from_str::<Value>(line).ok())
        .filter(|l| matches!(l["level"].as_str(), Some("WARN" | "ERROR")))
        .map(|l| {
            let text = |v: &Value| v.as_str().unwrap_or_default().to_owned();
            (text(&l["level"]), text(&l["message"]))
        })
        .collect()
}

#[tokio::test]
async fn an_outage_is_logged_once_and_its_end_once() {
    let settings = [
        ("TESSERA_DATABASE_ACQUIRE_TIMEOUT", "1".to_owned()),
        ("TESSERA_RATE_LIMITING", "false".to_owned()),
    ];
    let server = ServeProcess::start_with(SECRET, &settings).await;
    let mut lock = sqlx::SqliteConnection::connect(&server.database_url())
        .await
        .unwrap();
    sqlx::raw_sql("BEGIN IMMEDIATE")
        .execute(&mut lock)
        .await
        .unwrap();
    for n in 0..4 {
        let status = post(&server.base, "/auth/users/", signup(n)).await;
        assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
    }
    sqlx::raw_sql("ROLLBACK").execute(&mut lock).await.unwrap();
    assert_eq!(
        post(&server.base, "/auth/users/", signup(9)).await,
        StatusCode::CREATED
    );
    let log = server.stop().await;
    let lines = warnings(&log);
    let expected = [
        (
            "ERROR",
            "database unavailable: requests that need it answer 503 until it is back",
        ),
        ("WARN", "database available again"),
    ];
    let expected: Vec<(String, String)> = expected
        .iter()
        .map(|(l, m)| ((*l).to_owned(), (*m).to_owned()))
        .collect();
    assert_eq!(lines, expected, "{log}");
}

#[tokio::test]
async fn a_500_is_logged_once() {
    let server = ServeProcess::start(SECRET).await;
    let mut db = sqlx::SqliteConnection::connect(&server.database_url())
        .await
        .unwrap();
    // A storage failure that is not an outage: the table the request needs is gone.
    sqlx::raw_sql("DROP TABLE services")
        .execute(&mut db)
        .await
        .unwrap();
    let status = post(
        &server.base,
        "/api/auth/internal/auth/",
        json!({"serviceName": "matchmaking", "password": "whatever-secret"}),
    )
    .await;
    assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR);
    let log = server.stop().await;
    let lines = warnings(&log);
    assert_eq!(lines.len(), 1, "{lines:?}");
    assert_eq!(lines[0].0, "ERROR");
    assert_eq!(lines[0].1, "internal error");
}
