//! `tessera import django` carries SimpleJWT's tokens (outstanding ones refresh, blacklisted
//! ones stay refused), django-otp's TOTP devices (a code used in Django is not accepted again)
//! and the Auth API's services; from a SQLite or a PostgreSQL Django database.

use crate::support::{DjangoSource, TestApp, django_app, django_facts, expect, status_json};
use reqwest::StatusCode;
use serde_json::{Value, json};
use tessera_core::two_factor::{TotpSecret, totp_code_at};

fn blacklisted() -> Value {
    json!({"detail": "Token is blacklisted", "code": "token_not_valid"})
}

/// The Djoser dialect takes SimpleJWT's access and refresh tokens; a blacklisted one is refused.
async fn djoser_tokens_work(app: &TestApp) {
    let tokens = &django_facts("djoser")["users"]["ana"]["tokens"];
    let access = tokens["access"].as_str().unwrap();
    let r = app.get_auth("/auth/users/me/", access).await;
    assert_eq!(r.status(), StatusCode::OK);
    let r = app
        .post("/auth/jwt/refresh/", json!({"refresh": tokens["refresh"]}))
        .await;
    let (status, body) = status_json(r).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert!(body["access"].is_string());
    let r = app
        .post(
            "/auth/jwt/refresh/",
            json!({"refresh": tokens["refresh_blacklisted"]}),
        )
        .await;
    expect(r, StatusCode::UNAUTHORIZED, blacklisted()).await;
}

#[tokio::test]
async fn simplejwt_tokens_refresh_and_blacklisted_ones_stay_refused() {
    let app = django_app("djoser").await;
    app.import_django(&DjangoSource::sqlite("djoser"), &["--allow-skips"]);
    djoser_tokens_work(&app).await;
    app.stop().await;
}

/// The Auth API's own shape: its refresh rotates and blacklists; 2FA, lang and services.
async fn authapi_carries_over(app: &TestApp) {
    let facts = django_facts("authapi");
    let tokens = &facts["users"]["nia"]["tokens"];
    let r = app
        .post("/api/auth/refresh/", json!({"refresh": tokens["refresh"]}))
        .await;
    let (status, body) = status_json(r).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let r = app
        .post(
            "/api/auth/refresh/",
            json!({"refresh": tokens["refresh_blacklisted"]}),
        )
        .await;
    expect(r, StatusCode::UNAUTHORIZED, blacklisted()).await;

    // max kept 2FA and his authenticator: the code he used in Django is refused, the next
    // step's code is accepted once.
    let password = facts["password"].as_str().unwrap();
    let r = app
        .post(
            "/api/auth/login/",
            json!({"username": "max", "password": password}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::ACCEPTED);
    let totp = &facts["users"]["max"]["totp"];
    let key: Vec<u8> = (0..40)
        .step_by(2)
        .map(|i| u8::from_str_radix(&totp["key_hex"].as_str().unwrap()[i..i + 2], 16).unwrap())
        .collect();
    let secret = TotpSecret::from_bytes(key).base32();
    let last_t = totp["last_t"].as_i64().unwrap();
    let otp = |code: &str| json!({"username": "max", "password": password, "otp": code});
    let used = totp_code_at(&secret, last_t * 30).unwrap();
    let invalid = json!({"message": "Invalid code", "otp": ["Invalid or expired code."]});
    let r = app.post("/api/auth/otp/", otp(&used)).await;
    expect(r, StatusCode::BAD_REQUEST, invalid.clone()).await;
    let next = totp_code_at(&secret, (last_t + 1) * 30).unwrap();
    let (status, body) = status_json(app.post("/api/auth/otp/", otp(&next)).await).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["lang"], "fr");
    let r = app.post("/api/auth/otp/", otp(&next)).await;
    expect(r, StatusCode::BAD_REQUEST, invalid).await;

    let service = &facts["service"];
    let body = json!({"serviceName": service["name"], "password": service["secret"]});
    let (status, answer) = status_json(app.post("/api/auth/internal/auth/", body).await).await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    assert!(answer["token"].is_string());
}

#[tokio::test]
async fn auth_api_totp_devices_services_and_tokens_carry_over() {
    let app = django_app("authapi").await;
    let (ok, out) = app.import_django(&DjangoSource::sqlite("authapi"), &[]);
    assert!(ok, "{out}");
    assert!(
        out.contains("columns of users_user not carried over: nickname"),
        "{out}"
    );
    assert!(out.contains("TOTP devices: read 1, imported 1"), "{out}");
    assert!(out.contains("services: read 1, imported 1"), "{out}");
    authapi_carries_over(&app).await;
    app.stop().await;
}

#[tokio::test]
async fn a_postgresql_django_database_imports_the_same() {
    let Some(djoser) = DjangoSource::postgres("djoser").await else {
        eprintln!("skipped: TEST_DATABASE_URL names no PostgreSQL server");
        return;
    };
    let app = django_app("djoser").await;
    let (ok, out) = app.import_django(&djoser, &[]);
    assert!(!ok, "{out}");
    assert!(
        out.contains("PostgreSQL database, user table users_user"),
        "{out}"
    );
    assert!(
        out.contains("users: read 13, imported 10, already present 0, skipped 3"),
        "{out}"
    );
    djoser_tokens_work(&app).await;
    app.stop().await;

    let authapi = DjangoSource::postgres("authapi").await.unwrap();
    let app = django_app("authapi").await;
    let (ok, out) = app.import_django(&authapi, &[]);
    assert!(ok, "{out}");
    authapi_carries_over(&app).await;
    app.stop().await;
}

#[tokio::test]
async fn an_imported_service_secret_is_upgraded_to_argon2id_by_its_first_token() {
    let app = django_app("authapi").await;
    let (ok, out) = app.import_django(&DjangoSource::sqlite("authapi"), &[]);
    assert!(ok, "{out}");
    let stored = "SELECT secret_hash || ' ' || CAST(COALESCE(rotated_at, 0) AS TEXT)
                  FROM services WHERE name = 'matchmaking'";
    let imported = app.db.texts(stored).await;
    assert!(imported[0].starts_with("pbkdf2_sha256$"), "{imported:?}");
    assert!(imported[0].ends_with(" 0"), "never rotated: {imported:?}");
    let service = &django_facts("authapi")["service"];
    let auth = |secret: &Value| json!({"serviceName": service["name"], "password": secret});
    let wrong = auth(&json!("not-the-secret-0000"));
    let internal = "/api/auth/internal/auth/";
    assert_eq!(
        app.post(internal, wrong.clone()).await.status(),
        StatusCode::BAD_REQUEST
    );
    assert_eq!(
        app.db.texts(stored).await,
        imported,
        "a wrong secret changes nothing"
    );

    let (status, body) = status_json(app.post(internal, auth(&service["secret"])).await).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let upgraded = app.db.texts(stored).await;
    assert!(upgraded[0].starts_with("$argon2id$"), "{upgraded:?}");
    assert!(
        upgraded[0].ends_with(" 0"),
        "an upgrade is no rotation: {upgraded:?}"
    );
    // The same secret goes on working against its Argon2id hash, which stays as it is.
    let (status, body) = status_json(app.post(internal, auth(&service["secret"])).await).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(app.db.texts(stored).await, upgraded);
    assert_eq!(
        app.post(internal, wrong).await.status(),
        StatusCode::BAD_REQUEST
    );
    app.stop().await;
}
