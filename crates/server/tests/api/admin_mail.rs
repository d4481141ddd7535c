//! The outbox for operators: failed mail listed with its error (never its links), queued again
//! made anew from its account, failed webhooks sent again as they were, delivered rows purged;
//! by staff through the admin API and from the command line, each recorded as an event.

use crate::support::admin::{call, last_event, staff};
use crate::support::{
    FRONTEND, HookSink, PASSWORD, PUBLIC, SmtpSink, TestApp, expect, status_json,
};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use std::time::Duration;

async fn dead_port() -> u16 {
    let dead = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    dead.local_addr().unwrap().port()
}

/// The failed rows staff see, once `kind` has failed (waiting up to 10 s).
async fn failed(app: &TestApp, token: &str, query: &str, kind: &str) -> Vec<Value> {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    loop {
        let path = format!("/admin/api/mail/?state=failed{query}");
        let (status, body) = call(app, Method::GET, &path, token).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let rows = body["results"].as_array().unwrap().clone();
        if rows.iter().any(|r| r["kind"] == kind) {
            return rows;
        }
        assert!(tokio::time::Instant::now() < deadline, "{body}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test]
async fn a_failed_activation_mail_is_made_again_when_staff_retry_it() {
    let dead = dead_port().await;
    let mut app = TestApp::spawn_with(|c| {
        c.smtp_port = dead;
        c.mail_max_attempts = 1;
    })
    .await;
    let boss = staff(&app).await;
    let ann = app.register("ann@x.io", "ann").await;
    let rows = failed(&app, &boss, "", "activation").await;
    let row = rows
        .iter()
        .find(|r| r["kind"] == "activation")
        .unwrap()
        .clone();
    assert_eq!(row["recipient"], "ann@x.io");
    assert_eq!(
        (row["status"].clone(), row["attempts"].clone()),
        (json!("failed"), json!(1))
    );
    assert_eq!(row["channel"], "mail");
    assert!(
        row["last_error"]
            .as_str()
            .unwrap()
            .contains("delivery failed"),
        "{row}"
    );
    assert!(
        row.get("context").is_none() && !row.to_string().contains("activate/"),
        "{row}"
    );
    let id = row["id"].as_i64().unwrap();
    let (status, one) = call(&app, Method::GET, &format!("/admin/api/mail/{id}/"), &boss).await;
    assert_eq!((status, one), (StatusCode::OK, row));

    // Only staff may look or retry.
    app.api_create("bob", "bob@x.io").await;
    let bob = app.api_access("bob").await;
    for (method, path) in [
        (Method::GET, "/admin/api/mail/".to_owned()),
        (Method::POST, format!("/admin/api/mail/{id}/retry/")),
        (Method::POST, "/admin/api/mail/retry/".to_owned()),
        (Method::POST, "/admin/api/mail/purge/".to_owned()),
    ] {
        let (status, body) = call(&app, method.clone(), &path, &bob).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{path}: {body}");
        let r = app
            .client
            .request(method, app.url(&path))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::UNAUTHORIZED, "{path}");
    }

    // The mail server is back: the retried mail carries a fresh link that works.
    let sink = SmtpSink::start().await;
    let port = sink.port();
    app.mail = sink;
    app.restart(|c| c.smtp_port = port).await;
    let path = format!("/admin/api/mail/{id}/retry/");
    let (status, queued) = call(&app, Method::POST, &path, &boss).await;
    assert_eq!(status, StatusCode::OK, "{queued}");
    assert_eq!(
        (queued["status"].clone(), queued["attempts"].clone()),
        (json!("pending"), json!(0))
    );
    let mail = app.mail.wait_for("ann@x.io", 1).await.pop().unwrap();
    let (uid, token) = mail.link_parts("/activate/");
    app.activate(&uid, &token).await;
    app.login("ann@x.io", PASSWORD).await;

    let event = last_event(&app, &boss, "mail.retried").await;
    assert_eq!(event["detail"]["mail_id"], json!(id), "{event}");
    assert_eq!(event["detail"]["kind"], "activation");
    assert_eq!(event["detail"]["via"], "admin_api");
    assert_eq!(event["user_id"], json!(ann));
    assert!(event["actor_id"].is_i64(), "{event}");
    expect(
        app.send_auth(Method::POST, &path, &boss, json!({})).await,
        StatusCode::CONFLICT,
        json!({"detail": "Only a failed mail can be retried; this one is sent.", "code": "not_failed"}),
    )
    .await;
    let (status, _) = call(&app, Method::POST, "/admin/api/mail/99999/retry/", &boss).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, body) = call(&app, Method::GET, "/admin/api/mail/?state=lost", &boss).await;
    assert_eq!(
        (status, body),
        (
            StatusCode::BAD_REQUEST,
            json!({"state": ["Must be pending, failed or sent."]})
        )
    );

    // Delivered rows go when purged.
    let (status, sent) = call(
        &app,
        Method::GET,
        "/admin/api/mail/?state=sent&hours=1",
        &boss,
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let delivered = sent["count"].as_i64().unwrap();
    assert!(delivered >= 1, "{sent}");
    let (status, purged) = call(&app, Method::POST, "/admin/api/mail/purge/", &boss).await;
    assert_eq!(
        (status, purged),
        (StatusCode::OK, json!({"purged": delivered}))
    );
    let (_, sent) = call(&app, Method::GET, "/admin/api/mail/?state=sent", &boss).await;
    assert_eq!(sent["count"], 0);
    let event = last_event(&app, &boss, "mail.purged").await;
    assert_eq!(event["detail"]["purged"], json!(delivered), "{event}");
    app.stop().await;
}

#[tokio::test]
async fn a_mail_that_cannot_be_made_again_is_refused_and_stays_failed() {
    let dead = dead_port().await;
    let app = TestApp::spawn_with(|c| {
        c.smtp_port = dead;
        c.mail_max_attempts = 1;
    })
    .await;
    let boss = staff(&app).await;
    app.api_create("ann", "ann@x.io").await;
    let ann = app.api_access("ann").await;
    let (status, _) = status_json(app.get_auth("/api/auth/dump_data/", &ann).await).await;
    assert_eq!(status, StatusCode::OK);
    let rows = failed(&app, &boss, "&channel=mail", "data_export").await;
    let id = rows.iter().find(|r| r["kind"] == "data_export").unwrap()["id"]
        .as_i64()
        .unwrap();
    expect(
        app.send_auth(
            Method::POST,
            &format!("/admin/api/mail/{id}/retry/"),
            &boss,
            json!({}),
        )
        .await,
        StatusCode::CONFLICT,
        json!({
            "detail": "A data_export mail cannot be made again: the user asks for a new export.",
            "code": "cannot_retry"
        }),
    )
    .await;
    let (_, row) = call(&app, Method::GET, &format!("/admin/api/mail/{id}/"), &boss).await;
    assert_eq!(row["status"], "failed");
    app.stop().await;
}

#[tokio::test]
async fn a_failed_webhook_is_sent_again_as_it_was() {
    let hooks = HookSink::start().await;
    hooks.refuse_next(1);
    let url = hooks.url("/in");
    let app = TestApp::spawn_with(|c| {
        c.webhook_urls = format!("{url}#account.created").parse().unwrap();
        c.webhook_secret = Some(
            "whsec_c2VjcmV0LWtleS1vZi10aGUtd2ViaG9vay10ZXN0cyE="
                .parse()
                .unwrap(),
        );
        c.webhook_max_attempts = 1;
    })
    .await;
    let boss = staff(&app).await;
    app.register("ann@x.io", "ann").await;
    let rows = failed(&app, &boss, "&channel=webhook", "account.created").await;
    let row = &rows[0];
    assert_eq!(
        (row["channel"].clone(), row["recipient"].clone()),
        (json!("webhook"), json!(url))
    );
    assert!(
        row["last_error"].as_str().unwrap().contains("answered 500"),
        "{row}"
    );
    let id = row["id"].as_i64().unwrap();
    let (status, body) = call(&app, Method::POST, "/admin/api/mail/retry/", &boss).await;
    assert_eq!(
        (status, body),
        (StatusCode::OK, json!({"retried": [id], "refused": []}))
    );
    let posts = hooks.wait_for("/in", 2).await;
    assert_eq!(posts[0].body, posts[1].body);
    assert_eq!(posts[0].header("webhook-id"), posts[1].header("webhook-id"));
    let settled = app.db.webhooks_settled().await;
    assert_eq!(
        (settled[0].1.as_str(), settled[0].2),
        ("sent", 1),
        "{settled:?}"
    );
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(hooks.received().len(), 2);
    app.stop().await;
}

#[tokio::test]
async fn the_mail_commands_list_retry_and_purge() {
    let dead = dead_port().await;
    let mut app = TestApp::spawn_with(|c| {
        c.smtp_port = dead;
        c.mail_max_attempts = 1;
    })
    .await;
    app.register("ann@x.io", "ann").await;
    let rows = app.db.outbox_settled().await;
    assert_eq!(rows[0].0, "failed", "{rows:?}");

    let (ok, out, err) = app.cli(&["mail", "list", "--json"], "");
    assert!(ok, "{err}");
    let listed: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(listed[0]["kind"], "activation", "{out}");
    assert_eq!(listed[0]["status"], "failed");
    let id = listed[0]["id"].as_i64().unwrap();
    let (ok, out, _) = app.cli(&["mail", "list"], "");
    assert!(ok);
    assert!(
        out.starts_with("ID") && out.contains("ann@x.io") && out.contains("ERROR"),
        "{out}"
    );
    let (ok, out, _) = app.cli(&["mail", "show", &id.to_string()], "");
    assert!(ok);
    assert!(
        out.contains("last_error: ") && out.contains("delivery failed"),
        "{out}"
    );
    let (ok, _, err) = app.cli(&["mail", "list", "--state", "lost"], "");
    assert!(!ok && err.contains("pending, failed or sent"), "{err}");
    let (ok, _, err) = app.cli(&["mail", "show", "424242"], "");
    assert!(!ok && err.contains("no such row"), "{err}");

    let sink = SmtpSink::start().await;
    let port = sink.port();
    app.mail = sink;
    app.restart(|c| c.smtp_port = port).await;
    // The command makes the mail: it runs with the service's settings.
    let settings = [
        ("TESSERA_FRONTEND_URL", FRONTEND),
        ("TESSERA_PUBLIC_URL", PUBLIC),
    ];
    let (ok, out, err) = app.cli_with(&["mail", "retry", "--all"], &settings, "");
    assert!(ok, "{err}");
    assert_eq!(out.trim(), "1 queued again");
    let mail = app.mail.wait_for("ann@x.io", 1).await.pop().unwrap();
    let (uid, token) = mail.link_parts("/activate/");
    app.activate(&uid, &token).await;
    let rows = app.db.outbox_settled().await;
    assert!(rows.iter().all(|r| r.0 == "sent"), "{rows:?}");
    let (ok, out, _) = app.cli(&["mail", "retry", &id.to_string()], "");
    assert!(!ok, "{out}");
    let (ok, out, err) = app.cli(&["mail", "purge"], "");
    assert!(ok, "{err}");
    assert_eq!(out.trim(), "1 delivered rows deleted");
    assert!(app.db.outbox().await.is_empty());
    let (ok, out, _) = app.cli(&["user", "events", "--kind", "mail.retried", "--json"], "");
    assert!(ok);
    let events: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(events[0]["detail"]["via"], "cli", "{out}");
    assert_eq!(events[0]["actor_id"], Value::Null);
    app.stop().await;
}
