//! The outbox: mail survives a dead SMTP server and a restart, and is delivered afterwards
//! under the Message-ID its row was queued with.

use crate::support::{SmtpSink, TestApp};
use std::time::Duration;

#[tokio::test]
async fn mail_queued_while_smtp_is_down_is_delivered_after_a_restart() {
    // Point the first instance at a port where nothing listens.
    let dead = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let dead_port = dead.local_addr().unwrap().port();
    drop(dead);
    let mut app = TestApp::spawn_with(|c| c.smtp_port = dead_port).await;
    app.register("ann@x.io", "ann").await;
    // Its first delivery fails, and the mail stays queued.
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    loop {
        let rows = app.db.outbox().await;
        if rows
            .iter()
            .any(|(status, attempts, _)| status == "pending" && *attempts >= 1)
        {
            break;
        }
        assert!(tokio::time::Instant::now() < deadline, "{rows:?}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert!(app.mail.all().is_empty());
    // The row keeps the Message-ID its every delivery carries.
    let context = app.db.texts("SELECT context FROM mail_outbox").await;
    let context: serde_json::Value = serde_json::from_str(&context[0]).unwrap();
    let message_id = context["message_id"].as_str().unwrap().to_owned();

    // Restart with a working SMTP server: the queued activation mail goes out.
    let sink = SmtpSink::start().await;
    let port = sink.port();
    app.mail = sink;
    app.restart(|c| c.smtp_port = port).await;
    let mail = app.mail.wait_for("ann@x.io", 1).await.pop().unwrap();
    assert_eq!(mail.subject, "Account activation on Tessera");
    assert_eq!(mail.message_id, format!("{message_id}@tessera.test"));
    let (uid, token) = mail.link_parts("/activate/");
    let r = app
        .post(
            "/auth/users/activation/",
            serde_json::json!({"uid": uid, "token": token}),
        )
        .await;
    assert_eq!(r.status(), reqwest::StatusCode::NO_CONTENT);
    app.stop().await;
}

#[tokio::test]
async fn delivery_gives_up_after_the_configured_attempts_and_records_why() {
    let dead = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let dead_port = dead.local_addr().unwrap().port();
    drop(dead);
    let app = TestApp::spawn_with(|c| {
        c.smtp_port = dead_port;
        c.mail_max_attempts = 2;
        c.mail_retry_delay = 1;
    })
    .await;
    app.register("ann@x.io", "ann").await;
    let mut rows = Vec::new();
    for _ in 0..60 {
        rows = app.db.outbox().await;
        if rows.iter().all(|(status, _, _)| status == "failed") {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(rows.len(), 1);
    let (status, attempts, error) = &rows[0];
    assert_eq!((status.as_str(), *attempts), ("failed", 2), "{rows:?}");
    assert!(
        error.as_deref().unwrap_or("").contains("delivery failed"),
        "{rows:?}"
    );
    app.stop().await;
}

#[tokio::test]
async fn a_mail_given_up_keeps_its_error_but_not_its_link() {
    let dead = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let dead_port = dead.local_addr().unwrap().port();
    drop(dead);
    let app = TestApp::spawn_with(|c| {
        c.smtp_port = dead_port;
        c.mail_max_attempts = 1;
    })
    .await;
    app.register("ann@x.io", "ann").await;
    let mut contexts = Vec::new();
    for _ in 0..100 {
        let rows = app.db.outbox().await;
        if rows.iter().all(|(status, _, _)| status == "failed") {
            contexts = app.db.texts("SELECT context FROM mail_outbox").await;
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(
        contexts,
        ["{}"],
        "the activation link is gone with the mail"
    );
    app.stop().await;
}
