//! Mail delivery under outages: an SMTP server that accepts and never answers costs one
//! bounded attempt at a time and delivery resumes when a real server is back; stopping
//! leaves the queue for the next start and takes seconds whatever the SMTP server does;
//! concurrent deliveries send each mail once; a failing mail logs one line when it starts
//! failing and one when it is delivered or given up.

use crate::support::{BlackHole, PASSWORD, ServeProcess, SmtpSink, TestApp};
use serde_json::{Value, json};
use sqlx::Connection;
use std::time::{Duration, Instant};

/// Outbox rows `(status, attempts, last_error)`, polled until `done` holds (at most 15 s).
async fn outbox_until(
    app: &TestApp,
    done: impl Fn(&[(String, i64, Option<String>)]) -> bool,
) -> Vec<(String, i64, Option<String>)> {
    let deadline = Instant::now() + Duration::from_secs(15);
    loop {
        let rows = app.db.outbox().await;
        if done(&rows) {
            return rows;
        }
        assert!(Instant::now() < deadline, "outbox stayed at {rows:?}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test]
async fn a_black_hole_smtp_server_costs_bounded_attempts_and_delivery_resumes() {
    let hole = BlackHole::start().await;
    let mut app = TestApp::spawn_with(|c| {
        c.smtp_port = hole.port();
        c.mail_timeout = 1;
        c.mail_retry_delay = 1;
    })
    .await;
    app.register("ann@x.io", "ann").await;
    let rows = outbox_until(&app, |rows| rows.first().is_some_and(|r| r.1 >= 1)).await;
    let (status, _, error) = &rows[0];
    assert_eq!(status, "pending", "a timeout is a failed attempt, retried");
    assert!(
        error.as_deref().unwrap_or("").contains("no answer within"),
        "{rows:?}"
    );

    // The server comes back on the same port: the next attempt delivers, with no restart.
    let port = hole.close().await;
    app.mail = SmtpSink::start_on(port).await;
    let mail = app.mail.wait_for("ann@x.io", 1).await.pop().unwrap();
    assert_eq!(mail.subject, "Account activation on Tessera");
    outbox_until(&app, |rows| rows[0].0 == "sent").await;
    app.stop().await;
}

#[tokio::test]
async fn stopping_leaves_queued_mail_for_the_next_start_whatever_the_smtp_server_does() {
    let hole = BlackHole::start().await;
    let mut app = TestApp::spawn_with(|c| {
        c.smtp_port = hole.port();
        c.mail_timeout = 600;
        c.mail_concurrency = 1;
    })
    .await;
    for (email, name) in [("a@x.io", "a"), ("b@x.io", "b"), ("c@x.io", "c")] {
        app.register(email, name).await;
    }
    // One mail in hand (the black hole holds it); the others wait their turn.
    hole.wait_for_connections(1).await;
    let sink = SmtpSink::start().await;
    let port = sink.port();
    let stopping = Instant::now();
    app.restart(|c| c.smtp_port = port).await;
    assert!(
        stopping.elapsed() < Duration::from_secs(8),
        "stop took {:?}",
        stopping.elapsed()
    );
    // Nothing was lost or marked: the next start delivers all three, each once.
    app.mail = sink;
    for email in ["a@x.io", "b@x.io", "c@x.io"] {
        app.mail.wait_for(email, 1).await;
    }
    outbox_until(&app, |rows| rows.iter().all(|r| r.0 == "sent")).await;
    assert_eq!(app.mail.all().len(), 3);
    app.stop().await;
}

#[tokio::test]
async fn concurrent_deliveries_send_each_mail_once() {
    let app = TestApp::spawn_with(|c| {
        c.mail_concurrency = 8;
        c.rate_limiting = false;
    })
    .await;
    let emails: Vec<String> = (0..24).map(|i| format!("user{i}@x.io")).collect();
    for (i, email) in emails.iter().enumerate() {
        app.register(email, &format!("user{i}")).await;
    }
    for email in &emails {
        app.mail.wait_for(email, 1).await;
    }
    outbox_until(&app, |rows| {
        rows.len() == emails.len() && rows.iter().all(|r| r.0 == "sent")
    })
    .await;
    for email in &emails {
        assert_eq!(app.mail.received_by(email), 1, "{email}");
    }
    app.stop().await;
}

const SECRET: &str = "mail-test-secret-key-0123456789-abcdefghijklmn";

fn smtp_settings(port: u16, extra: &[(&'static str, &str)]) -> Vec<(&'static str, String)> {
    let mut settings = vec![
        ("TESSERA_EMAIL_BACKEND", "smtp".to_owned()),
        ("TESSERA_SMTP_HOST", "127.0.0.1".to_owned()),
        ("TESSERA_SMTP_PORT", port.to_string()),
        ("TESSERA_MAIL_RETRY_DELAY", "1".to_owned()),
    ];
    settings.extend(extra.iter().map(|(k, v)| (*k, (*v).to_owned())));
    settings
}

async fn register(server: &ServeProcess, email: &str, username: &str) {
    let body = json!({"email": email, "username": username, "password": PASSWORD});
    let r = reqwest::Client::new()
        .post(format!("{}/auth/users/", server.base))
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), reqwest::StatusCode::CREATED);
}

/// The `(status, attempts)` of the binary's outbox rows, polled until `done` holds.
async fn process_outbox_until(server: &ServeProcess, done: impl Fn(&[(String, i64)]) -> bool) {
    let mut conn = sqlx::SqliteConnection::connect(&server.database_url())
        .await
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let rows: Vec<(String, i64)> =
            sqlx::query_as("SELECT status, attempts FROM mail_outbox ORDER BY id")
                .fetch_all(&mut conn)
                .await
                .unwrap();
        if done(&rows) {
            return;
        }
        assert!(Instant::now() < deadline, "outbox stayed at {rows:?}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// The messages of the WARN and ERROR lines of the JSON log about mail `id`.
fn mail_warnings(log: &str, id: i64) -> Vec<String> {
    log.lines()
        .filter_map(|line| serde_json::from_str::<Value>(line).ok())
        .filter(|l| matches!(l["level"].as_str(), Some("WARN" | "ERROR")))
        .filter(|l| l["mail_id"].as_i64() == Some(id))
        .map(|l| format!("{} {}", l["level"], l["message"]))
        .collect()
}

#[tokio::test]
async fn sigterm_exits_within_seconds_while_the_smtp_server_is_a_black_hole() {
    let hole = BlackHole::start().await;
    let server = ServeProcess::start_with(
        SECRET,
        &smtp_settings(hole.port(), &[("TESSERA_MAIL_TIMEOUT", "600")]),
    )
    .await;
    register(&server, "ann@x.io", "ann").await;
    hole.wait_for_connections(1).await;
    let (took, log) = server.stop_within(Duration::from_secs(15)).await;
    assert!(took < Duration::from_secs(8), "exit took {took:?}");
    assert!(log.contains("mail worker stopped"), "{log}");
}

#[tokio::test]
async fn a_failing_mail_logs_one_warning_and_one_more_when_it_is_delivered() {
    let dead = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = dead.local_addr().unwrap().port();
    drop(dead);
    let server = ServeProcess::start_with(SECRET, &smtp_settings(port, &[])).await;
    register(&server, "ann@x.io", "ann").await;
    // Two failed attempts (connection refused), then the server is there.
    process_outbox_until(&server, |rows| rows.first().is_some_and(|r| r.1 >= 2)).await;
    let sink = SmtpSink::start_on(port).await;
    sink.wait_for("ann@x.io", 1).await;
    process_outbox_until(&server, |rows| rows[0].0 == "sent").await;
    let log = server.stop().await;
    let lines = mail_warnings(&log, 1);
    assert_eq!(lines.len(), 2, "{lines:?}");
    assert!(lines[0].contains("mail delivery failing"), "{lines:?}");
    assert!(
        lines[1].contains("delivered after failed attempts"),
        "{lines:?}"
    );
}

#[tokio::test]
async fn a_mail_given_up_logs_one_warning_and_one_error() {
    let dead = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = dead.local_addr().unwrap().port();
    drop(dead);
    let settings = smtp_settings(port, &[("TESSERA_MAIL_MAX_ATTEMPTS", "3")]);
    let server = ServeProcess::start_with(SECRET, &settings).await;
    register(&server, "ann@x.io", "ann").await;
    process_outbox_until(&server, |rows| {
        rows.first().is_some_and(|r| r.0 == "failed")
    })
    .await;
    let log = server.stop().await;
    let lines = mail_warnings(&log, 1);
    assert_eq!(lines.len(), 2, "{lines:?}");
    assert!(lines[0].starts_with("\"WARN\""), "{lines:?}");
    assert!(
        lines[1].starts_with("\"ERROR\"") && lines[1].contains("giving up"),
        "{lines:?}"
    );
}

#[tokio::test]
async fn encryption_is_required_when_configured() {
    // The sink speaks plain SMTP and offers no STARTTLS: neither mode sends in the clear.
    for (tls, expected) in [
        (tessera_server::config::SmtpTls::Tls, "TLS"),
        (tessera_server::config::SmtpTls::Starttls, "STARTTLS"),
    ] {
        let app = TestApp::spawn_with(|c| {
            c.smtp_tls = tls;
            c.smtp_host = "localhost".into();
            c.mail_max_attempts = 1;
            c.mail_timeout = 5;
        })
        .await;
        app.register("ann@x.io", "ann").await;
        let rows = outbox_until(&app, |rows| rows.first().is_some_and(|r| r.0 == "failed")).await;
        let error = rows[0].2.clone().unwrap_or_default();
        assert!(error.contains(expected), "{tls:?}: {error}");
        assert!(
            app.mail.all().is_empty(),
            "{tls:?}: nothing went in the clear"
        );
        app.stop().await;
    }
}
