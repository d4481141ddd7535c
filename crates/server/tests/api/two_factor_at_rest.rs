//! What two-factor authentication leaves in the database: sealed TOTP secrets, hashed codes,
//! delivered mail scrubbed of its codes; and a dedicated encryption key that outlives a
//! change of the secret key.

use crate::support::{TestApp, status_json};
use reqwest::StatusCode;
use serde_json::json;
use tessera_core::Secret;

#[tokio::test]
async fn secrets_are_sealed_codes_hashed_and_delivered_mail_scrubbed() {
    let app = TestApp::spawn().await;
    let (_, secret, codes) = app.api_two_fa_user("ann", "ann@x.io").await;
    let sealed = app.db.texts("SELECT secret FROM totp_factors").await;
    assert_eq!(sealed.len(), 1);
    assert!(
        sealed[0].starts_with("v1.") && !sealed[0].contains(&secret),
        "{}",
        sealed[0]
    );
    let hashes = app
        .db
        .texts("SELECT code_hash FROM otp_codes WHERE purpose = 'recovery'")
        .await;
    assert_eq!(hashes.len(), 10);
    for code in &codes {
        let bare = code.replace('-', "");
        assert!(hashes.iter().all(|h| h.len() == 64 && !h.contains(&bare)));
    }
    // The verification mail carried a code: delivered, its context is gone.
    app.mail
        .wait_for_subject("ann@x.io", 0, "Two-factor authentication is on")
        .await;
    app.db.outbox_settled().await;
    let contexts = app
        .db
        .texts("SELECT context FROM mail_outbox WHERE status = 'sent'")
        .await;
    assert!(!contexts.is_empty());
    assert!(contexts.iter().all(|c| c == "{}"), "{contexts:?}");
    app.stop().await;
}

#[tokio::test]
async fn with_an_encryption_key_2fa_survives_a_new_secret_key() {
    let key = "a-dedicated-encryption-key-of-32-bytes-or-more";
    let mut app = TestApp::spawn_with(|c| c.encryption_key = Some(Secret::new(key))).await;
    let (_, secret, codes) = app.api_two_fa_user("ann", "ann@x.io").await;
    app.restart(|c| {
        c.secret_key = Some(Secret::new("another-secret-key-which-is-long-enough-9876"));
    })
    .await;
    let ticket = app.api_ticket("ann").await;
    let (status, body) = status_json(
        app.post(
            "/api/auth/otp/",
            json!({"ticket": ticket, "code": app.next_totp(&secret)}),
        )
        .await,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let ticket = app.api_ticket("ann").await;
    let r = app
        .post(
            "/api/auth/otp/",
            json!({"ticket": ticket, "recovery_code": codes[0]}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    // A too short key is refused at start.
    let mut config = app.config.clone();
    config.encryption_key = Some(Secret::new("short"));
    assert!(config.validate().is_err());
    app.stop().await;
}
