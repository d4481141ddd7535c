//! Paths that carry mailed tokens never reach the log whole: a request is logged by its
//! route template, or (matching no route) with its long segments redacted.

use crate::support::ServeProcess;

#[tokio::test]
async fn paths_with_tokens_are_logged_as_route_templates() {
    let server = ServeProcess::start("log-paths-secret-key-0123456789-abcdefghijklm").await;
    let token = "c4xjz2-5f0e1d2c3b4a59687766554433221100";
    let client = reqwest::Client::new();
    for path in [
        format!("/api/auth/reset/MQ/{token}/"),
        format!("/api/auth/verify_email/MQ/{token}/"),
        format!("/api/auth/reset/MQ/{token}/and/more/"),
    ] {
        let r = client
            .get(format!("{}{path}", server.base))
            .send()
            .await
            .unwrap();
        assert!(!r.status().is_server_error(), "{path}: {}", r.status());
    }
    let log = server.stop().await;
    assert!(!log.contains(token), "a token reached the log");
    assert!(log.contains("/api/auth/reset/{uid}/{token}/"), "{log}");
    assert!(
        log.contains("/api/auth/verify_email/{uid}/{token}/"),
        "{log}"
    );
    assert!(
        log.contains("/api/auth/reset/MQ/[redacted]/and/more/"),
        "{log}"
    );
}
