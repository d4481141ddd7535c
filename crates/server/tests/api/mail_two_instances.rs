//! Two instances on one database deliver every queued mail exactly once: each worker claims
//! the due mail it takes (on PostgreSQL skipping the rows another instance holds). A mail is
//! told by its `Message-ID`, which every delivery of its outbox row carries.

use crate::support::{Instance, TestApp};
use reqwest::StatusCode;
use serde_json::json;
use std::collections::HashSet;

const MAILS: usize = 200;

#[tokio::test]
async fn two_instances_deliver_each_of_200_mails_once() {
    let app = TestApp::spawn_with(|c| {
        c.rate_limiting = false;
        c.mail_concurrency = 4;
    })
    .await;
    let other: Instance = app.another_instance().await;
    app.api_create("ann", "ann@x.io").await;
    let access = app.api_access("ann").await;
    // Each request queues one verification mail (with its own code), half through each
    // instance, so both workers are busy at once.
    for i in 0..MAILS {
        let base = if i % 2 == 0 { &app.base } else { &other.base };
        let r = app
            .client
            .post(format!("{base}/api/auth/verify_email/"))
            .bearer_auth(&access)
            .json(&json!({}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::OK);
    }
    let mails = app.mail.wait_for("ann@x.io", MAILS).await;
    // Every row delivered, each by one delivery (a second would have counted an attempt).
    let rows = app.db.outbox_settled().await;
    assert_eq!(rows.len(), MAILS);
    for (status, attempts, error) in &rows {
        assert_eq!((status.as_str(), *attempts, error), ("sent", 1, &None));
    }
    assert_eq!(mails.len(), MAILS, "no mail twice");
    // Each row's own Message-ID (a six-digit code alone could repeat by chance).
    let ids: HashSet<&str> = mails.iter().map(|m| m.message_id.as_str()).collect();
    assert_eq!(ids.len(), MAILS, "each row delivered once");
    assert!(
        ids.iter().all(|id| id.ends_with("@tessera.test")),
        "{ids:?}"
    );
    other.stop().await;
    app.stop().await;
}
