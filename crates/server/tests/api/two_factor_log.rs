//! Log hygiene of two-factor authentication, on the real binary with debug logging: no TOTP
//! secret, code, recovery code or ticket ever reaches the log.

use crate::support::{PASSWORD, ServeProcess};
use reqwest::{Client, StatusCode};
use serde_json::{Value, json};
use std::path::Path;
use tessera_core::two_factor::totp_code_at;

async fn call(
    client: &Client,
    url: String,
    token: Option<&str>,
    body: Value,
) -> (StatusCode, Value) {
    let mut request = client.post(url).json(&body);
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    let r = request.send().await.unwrap();
    let status = r.status();
    (status, r.json().await.unwrap_or(Value::Null))
}

/// The six-digit code in the newest `.eml` the file backend wrote.
async fn mailed_code(dir: &Path, count: usize) -> String {
    for _ in 0..100 {
        let mut files: Vec<_> = std::fs::read_dir(dir)
            .map(|d| d.map_while(Result::ok).map(|e| e.path()).collect())
            .unwrap_or_default();
        if files.len() >= count {
            files.sort_by_key(|p| std::fs::metadata(p).and_then(|m| m.modified()).ok());
            let raw = std::fs::read(files.last().unwrap()).unwrap();
            let mail = mail_parser::MessageParser::default().parse(&raw).unwrap();
            let text = mail.body_text(0).unwrap().into_owned();
            return text
                .split_whitespace()
                .find(|w| w.len() == 6 && w.bytes().all(|b| b.is_ascii_digit()))
                .expect("a code")
                .to_owned();
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    panic!("no mail {count} in {}", dir.display());
}

#[tokio::test]
async fn the_log_never_shows_totp_secrets_codes_or_tickets() {
    let server = ServeProcess::start("log-test-secret-key-0123456789-abcdefghijklmnop").await;
    let base = format!("{}/api/auth", server.base);
    let dir = server.dir.clone();
    let client = Client::new();
    let account = json!({"username": "ann", "email": "ann@x.io", "password": PASSWORD, "password2": PASSWORD});
    assert_eq!(
        call(&client, format!("{base}/"), None, account).await.0,
        StatusCode::CREATED
    );
    let login = json!({"username": "ann", "password": PASSWORD});
    let (_, body) = call(&client, format!("{base}/login/"), None, login.clone()).await;
    let access = body["access"].as_str().unwrap().to_owned();
    call(
        &client,
        format!("{base}/verify_email/"),
        Some(&access),
        json!({}),
    )
    .await;
    let verification = mailed_code(&dir.join("mail"), 1).await;
    let (status, _) = call(
        &client,
        format!("{base}/verify_email/confirm/"),
        Some(&access),
        json!({"code": verification}),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let (_, enrolment) = call(
        &client,
        format!("{base}/2fa/totp/"),
        Some(&access),
        json!({}),
    )
    .await;
    let secret = enrolment["secret"].as_str().unwrap().to_owned();
    let now = || {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_secs() as i64
    };
    let code = totp_code_at(&secret, now()).unwrap();
    let (status, confirmed) = call(
        &client,
        format!("{base}/2fa/totp/confirm/"),
        Some(&access),
        json!({"code": code}),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{confirmed}");
    let recovery: Vec<String> = confirmed["recovery_codes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c.as_str().unwrap().to_owned())
        .collect();
    let (status, challenge) = call(&client, format!("{base}/login/"), None, login.clone()).await;
    assert_eq!(status, StatusCode::ACCEPTED);
    let ticket = challenge["ticket"].as_str().unwrap().to_owned();
    call(
        &client,
        format!("{base}/otp/email/"),
        None,
        json!({"ticket": ticket}),
    )
    .await;
    let login_code = mailed_code(&dir.join("mail"), 3).await;
    let (status, _) = call(
        &client,
        format!("{base}/otp/"),
        None,
        json!({"ticket": ticket, "code": login_code}),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let (_, challenge) = call(&client, format!("{base}/login/"), None, login).await;
    let (status, _) = call(
        &client,
        format!("{base}/otp/"),
        None,
        json!({"ticket": challenge["ticket"], "recovery_code": recovery[0]}),
    )
    .await;
    assert_eq!(status, StatusCode::OK);

    let log = server.stop().await;
    let _ = std::fs::remove_dir_all(&dir);
    assert!(
        log.contains("two-factor authentication enabled"),
        "the log was captured: {log}"
    );
    let uri = enrolment["otpauth_url"].as_str().unwrap();
    let mut secrets = vec![
        secret.clone(),
        uri.to_owned(),
        verification,
        code,
        login_code,
        ticket,
    ];
    secrets.extend(recovery.iter().map(|c| c.replace('-', "")));
    secrets.extend(recovery);
    for secret_text in secrets {
        assert!(
            !log.contains(&secret_text),
            "{secret_text:?} leaked into the log"
        );
    }
}
