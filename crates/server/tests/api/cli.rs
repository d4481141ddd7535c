//! The `tessera` binary: `user create`, `migrate`, configuration refusals, and log hygiene.

use crate::support::{PASSWORD, ServeProcess, TestApp, expect, status_json};
use reqwest::{Method, StatusCode};
use serde_json::json;
use std::process::{Command, Stdio};

#[tokio::test]
async fn user_create_reads_the_password_from_stdin_and_makes_an_active_account() {
    let app = TestApp::spawn().await;
    let (ok, out, err) = app.cli(
        &["user", "create", "--email", "op@x.io", "--username", "op"],
        "operator-pass-1\n",
    );
    assert!(ok, "{out}{err}");
    assert!(out.contains("created user"), "{out}");
    assert!(!out.contains("operator-pass-1") && !err.contains("operator-pass-1"));
    app.login("op@x.io", "operator-pass-1").await;
    let (ok, _, err) = app.cli(
        &["user", "create", "--email", "OP@x.io", "--username", "op2"],
        "operator-pass-1\n",
    );
    assert!(!ok);
    assert!(err.contains("already taken"), "{err}");
    let (ok, _, err) = app.cli(
        &[
            "user",
            "create",
            "--email",
            "weak@x.io",
            "--username",
            "weak",
        ],
        "123\n",
    );
    assert!(!ok);
    assert!(err.contains("too short"), "{err}");
    app.stop().await;
}

#[tokio::test]
async fn staff_see_and_manage_every_account() {
    let app = TestApp::spawn().await;
    let bob = app.active_user("bob@x.io", "bob").await;
    let (ok, _, err) = app.cli(
        &[
            "user",
            "create",
            "--email",
            "boss@x.io",
            "--username",
            "boss",
            "--staff",
        ],
        "boss-password-9\n",
    );
    assert!(ok, "{err}");
    let (access, _) = app.login("boss@x.io", "boss-password-9").await;
    let (status, list) = status_json(app.get_auth("/auth/users/", &access).await).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(list.as_array().unwrap().len(), 2);
    let (status, body) = status_json(
        app.send_auth(
            Method::PATCH,
            &format!("/auth/users/{bob}/"),
            &access,
            json!({"city": "Quito"}),
        )
        .await,
    )
    .await;
    assert_eq!(
        (status, body["city"].as_str()),
        (StatusCode::OK, Some("Quito"))
    );
    expect(
        app.get_auth("/auth/users/999999/", &access).await,
        StatusCode::NOT_FOUND,
        json!({"detail": "No User matches the given query."}),
    )
    .await;
    // Deleting another account takes the staff member's own password.
    expect(
        app.send_auth(
            Method::DELETE,
            &format!("/auth/users/{bob}/"),
            &access,
            json!({"current_password": PASSWORD}),
        )
        .await,
        StatusCode::BAD_REQUEST,
        json!({"current_password": ["Invalid password."]}),
    )
    .await;
    let r = app
        .send_auth(
            Method::DELETE,
            &format!("/auth/users/{bob}/"),
            &access,
            json!({"current_password": "boss-password-9"}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    app.stop().await;
}

#[tokio::test]
async fn migrate_creates_the_schema_and_exits() {
    let app = TestApp::spawn().await;
    let (ok, out, err) = app.cli(&["migrate"], "");
    assert!(ok, "{err}");
    assert!(out.contains("up to date"));
    app.stop().await;
}

fn tessera(envs: &[(&str, &str)]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_tessera"))
        .arg("migrate")
        .env("TESSERA_DATABASE_URL", "sqlite:///nonexistent-dir/never.db")
        .envs(envs.iter().copied())
        .stdin(Stdio::null())
        .output()
        .unwrap()
}

#[test]
fn unknown_variables_and_bad_values_stop_start_up_naming_them() {
    let out = tessera(&[("TESSERA_FRONTEND_ULR", "https://x.io")]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    // Named as it was given (the variable), with the setting meant.
    assert!(
        err.contains("TESSERA_FRONTEND_ULR") && err.contains("did you mean TESSERA_FRONTEND_URL?"),
        "{err}"
    );

    let out = tessera(&[("TESSERA_SECRET_KEY", "too-short")]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    assert!(
        err.contains("TESSERA_SECRET_KEY") && !err.contains("too-short"),
        "{err}"
    );

    let out = tessera(&[("TESSERA_SMTP_TLS", "sometimes")]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("sometimes"));
}

/// A language not served is refused in one line that names the languages served.
#[test]
fn an_unknown_default_language_is_refused_naming_the_languages() {
    let out = tessera(&[("TESSERA_DEFAULT_LANG", "de")]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    assert_eq!(err.trim().lines().count(), 1, "{err}");
    assert!(
        err.contains("TESSERA_DEFAULT_LANG") && err.contains(r#""de" is not one of en, es, fr"#),
        "{err}"
    );
}

/// One line: the misspelt name and the closest setting, not the list of every setting.
#[test]
fn a_misspelt_variable_is_answered_with_the_closest_setting() {
    let out = tessera(&[("TESSERA_BINDD", "127.0.0.1:9")]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    assert_eq!(
        err.trim(),
        "tessera: configuration: TESSERA_BINDD is not a setting; did you mean TESSERA_BIND?"
    );
    let out = tessera(&[("TESSERA_XYZZY", "1")]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    assert_eq!(err.trim().lines().count(), 1, "{err}");
    assert!(err.contains("TESSERA_XYZZY is not a setting"), "{err}");
}

/// A URL of a database Tessera does not speak, or a bare file name, is refused before any
/// file is made.
#[test]
fn database_urls_without_a_known_scheme_are_refused() {
    let dir = std::env::temp_dir().join(format!("tessera-urls-{}", uuid::Uuid::new_v4()));
    std::fs::create_dir_all(&dir).unwrap();
    for url in ["mysql://root@localhost/app", "tessera.db"] {
        let out = Command::new(env!("CARGO_BIN_EXE_tessera"))
            .arg("migrate")
            .current_dir(&dir)
            .env("TESSERA_DATABASE_URL", url)
            .stdin(Stdio::null())
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(!out.status.success(), "{url}");
        assert!(
            err.contains("TESSERA_DATABASE_URL") && err.contains("sqlite://path"),
            "{url}: {err}"
        );
        assert_eq!(std::fs::read_dir(&dir).unwrap().count(), 0, "{url}");
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn enumerated_values_are_read_in_any_case() {
    let dir = std::env::temp_dir().join(format!("tessera-case-{}", uuid::Uuid::new_v4()));
    let url = format!("sqlite://{}/t.db?mode=rwc", dir.display());
    std::fs::create_dir_all(&dir).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_tessera"))
        .arg("migrate")
        .env("TESSERA_DATABASE_URL", &url)
        .env("TESSERA_LOG_FORMAT", "JSON")
        .env("TESSERA_EMAIL_BACKEND", "Console")
        .env("TESSERA_REDIS_FAILURE", "OPEN")
        .env("TESSERA_JWT_ALGORITHM", "hs512")
        .env("TESSERA_DEFAULT_LANG", "ES")
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test]
async fn the_log_never_shows_passwords_tokens_or_secrets() {
    let secret = "log-test-secret-key-0123456789-abcdefghijklmnop";
    let server = ServeProcess::start(secret).await;
    let base = server.base.clone();
    let client = reqwest::Client::new();
    let register = json!({"email": "ann@x.io", "username": "ann", "password": PASSWORD});
    let r = client
        .post(format!("{base}/auth/users/"))
        .json(&register)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::CREATED);
    let r = client
        .post(format!("{base}/auth/jwt/create/"))
        .json(&json!({"email": "ann@x.io", "password": PASSWORD}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    let dir = server.dir.clone();
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    let eml = server.mail_files();
    let log = server.stop().await;
    assert_eq!(eml.len(), 1, "the file backend wrote one .eml");
    let message = std::fs::read_to_string(&eml[0]).unwrap();
    assert!(
        message.contains("Subject: Account activation on Tessera"),
        "{message}"
    );
    let _ = std::fs::remove_dir_all(&dir);
    assert!(
        log.contains("account registered"),
        "the log was captured: {log}"
    );
    for line in lines_of(&log) {
        assert!(
            serde_json::from_str::<serde_json::Value>(line).is_ok(),
            "JSON log line: {line}"
        );
    }
    for secret_text in [PASSWORD, secret, "argon2id", "/activate/"] {
        assert!(
            !log.contains(secret_text),
            "{secret_text:?} leaked into the log"
        );
    }
}

fn lines_of(log: &str) -> impl Iterator<Item = &str> {
    log.lines().filter(|l| !l.trim().is_empty())
}
