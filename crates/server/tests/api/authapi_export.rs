//! `dump_data/`: the caller's data, mailed as a JSON attachment or downloaded.

use crate::support::{PASSWORD, TestApp, expect, status_json};
use reqwest::StatusCode;
use serde_json::json;

#[tokio::test]
async fn dump_data_mails_a_json_attachment_without_secrets() {
    let app = TestApp::spawn().await;
    app.api_create("ann", "ann@x.io").await;
    let login = app.api_login("ann", PASSWORD).await;
    let access = login["access"].as_str().unwrap();
    for path in ["/api/auth/dump_data/", "/api/auth/dump_data"] {
        let (status, body) = status_json(app.get_auth(path, access).await).await;
        assert_eq!(
            (status, body),
            (
                StatusCode::OK,
                json!({"detail": "Your data has been sent to ann@x.io."})
            )
        );
    }
    let mail = app.mail.wait_for("ann@x.io", 1).await.remove(0);
    assert_eq!(mail.subject, "Your data on Tessera");
    let (name, content) = mail.attachments.first().expect("an attachment").clone();
    assert_eq!(name, "tessera-data-ann.json");
    let doc: serde_json::Value = serde_json::from_str(&content).unwrap();
    assert_eq!(doc["account"]["username"], "ann");
    assert_eq!(doc["account"]["email_verified"], false);
    assert_eq!(doc["refresh_tokens"].as_array().map(Vec::len), Some(1));
    for secret in [
        PASSWORD,
        "argon2",
        login["refresh"].as_str().unwrap(),
        access,
    ] {
        assert!(!content.contains(secret), "the export holds no secret");
    }
    app.stop().await;
}

#[tokio::test]
async fn dump_data_downloads_on_request_and_needs_a_token() {
    let app = TestApp::spawn().await;
    app.api_create("ann", "ann@x.io").await;
    let access = app.api_access("ann").await;
    let r = app
        .get_auth("/api/auth/dump_data/?delivery=download", &access)
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(
        r.headers()["content-disposition"],
        "attachment; filename=\"tessera-data-ann.json\""
    );
    let doc: serde_json::Value = r.json().await.unwrap();
    assert_eq!(doc["account"]["email"], "ann@x.io");
    expect(
        app.get_auth("/api/auth/dump_data/?delivery=fax", &access)
            .await,
        StatusCode::BAD_REQUEST,
        json!({"delivery": ["Select a valid choice: email or download."]}),
    )
    .await;
    expect(
        app.get("/api/auth/dump_data/").await,
        StatusCode::UNAUTHORIZED,
        json!({"detail": "Authentication credentials were not provided."}),
    )
    .await;
    app.stop().await;
}
