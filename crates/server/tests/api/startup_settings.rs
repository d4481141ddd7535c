//! No setting makes start-up panic: each is refused with a message naming it, or starts.
//! `TESSERA_CORS_ALLOWED_ORIGINS='*'` starts and allows any origin (no credentials are
//! used cross-origin).

use crate::support::TestApp;
use std::path::Path;
use tessera_server::{Config, Overrides};

/// Load `setting` (a TOML line) over a throw-away base, then start and stop the service:
/// `Err` with the message when it is refused at load or at start.
async fn try_start(dir: &Path, setting: &str) -> Result<(), String> {
    let file = dir.join("tessera.toml");
    let base = format!(
        "bind = \"127.0.0.1:0\"\ndatabase_url = \"sqlite://{}/t.db\"\nsecret_key = \"settings-test-secret-key-0123456789-abcdefg\"\n",
        dir.display()
    );
    std::fs::write(&file, format!("{base}{setting}\n")).unwrap();
    let config = Config::load(Some(&file)).map_err(|e| e.to_string())?;
    let running = tessera_server::start(&config, Overrides::default())
        .await
        .map_err(|e| e.to_string())?;
    running.stop().await;
    Ok(())
}

#[tokio::test]
async fn no_setting_panics_at_start() {
    let dir = std::env::temp_dir().join(format!("tessera-settings-{}", uuid::Uuid::new_v4()));
    std::fs::create_dir_all(&dir).unwrap();
    // TOML integers are i64: the largest a file can hold (variables can go higher, and are
    // checked by the same bounds).
    let max_u64 = i64::MAX;
    let max_i64 = i64::MAX;
    let max_u32 = u32::MAX;
    let settings = [
        "cors_allowed_origins = \"*\"".to_owned(),
        "cors_allowed_origins = \"https://app.example, *\"".to_owned(),
        "cors_allowed_origins = \"app.example\"".to_owned(),
        "cors_allowed_origins = \"https://app.example/path\"".to_owned(),
        "public_url = \"auth.example\"".to_owned(),
        format!("hash_concurrency = {max_u64}"),
        format!("argon2_memory_kib = {max_u32}"),
        format!("argon2_iterations = {max_u32}"),
        format!("argon2_parallelism = {max_u32}"),
        format!("access_token_lifetime = {max_i64}"),
        format!("refresh_token_lifetime = {max_i64}"),
        format!("service_token_lifetime = {max_i64}"),
        format!("refresh_grace_period = {max_i64}"),
        format!("password_reset_timeout = {max_i64}"),
        format!("login_lockout_duration = {max_i64}"),
        format!("login_lockout_threshold = {max_u32}"),
        format!("login_delay_after = {max_u32}"),
        format!("mail_retry_delay = {max_i64}"),
        "mail_max_attempts = 2147483647".to_owned(),
        format!("mail_timeout = {max_u64}"),
        format!("mail_concurrency = {max_u64}"),
        "mail_concurrency = 0".to_owned(),
        format!("header_timeout = {max_u64}"),
        format!("body_timeout = {max_u64}"),
        "body_timeout = 0".to_owned(),
        format!("database_acquire_timeout = {max_u64}"),
        format!("max_connections = {max_u64}"),
        format!("jwt_leeway = {max_u64}"),
        "rate_limits = \"login_ip=1/9000000000000000000h\"".to_owned(),
        "rate_limits = \"login_ip=4294967295/1s\"".to_owned(),
        "redis_url = \"not a url\"".to_owned(),
        "trusted_proxies = \"10.0.0.0/99\"".to_owned(),
        "jwt_algorithm = \"none\"".to_owned(),
        "email_from = \"not an address\"".to_owned(),
        "email_backend = \"smtp\"\nsmtp_tls = \"tls\"\nsmtp_host = \"not a host name!\"".to_owned(),
        "site_name = \"\"".to_owned(),
    ];
    for setting in &settings {
        // A panic here fails the test; a refusal must say what was wrong.
        if let Err(message) = try_start(&dir, setting).await {
            assert!(message.len() > 10, "{setting}: {message}");
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test]
async fn a_wildcard_cors_setting_allows_any_origin() {
    let app = TestApp::spawn_with(|c| c.cors_allowed_origins = Some("*".into())).await;
    let r = app
        .client
        .request(reqwest::Method::OPTIONS, app.url("/auth/jwt/create/"))
        .header("origin", "https://anywhere.example")
        .header("access-control-request-method", "POST")
        .header("access-control-request-headers", "content-type")
        .send()
        .await
        .unwrap();
    assert!(r.status().is_success(), "{}", r.status());
    assert_eq!(r.headers()["access-control-allow-origin"], "*");
    assert!(
        r.headers()
            .get("access-control-allow-credentials")
            .is_none()
    );
    app.stop().await;
}
