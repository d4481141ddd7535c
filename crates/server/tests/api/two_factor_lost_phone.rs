//! Mailed codes as a second factor: accepted wherever one is asked (a login, turning 2FA
//! off, new recovery codes, a new authenticator), so whoever lost the phone and the recovery
//! codes gets back in and re-enrols; `TESSERA_2FA_EMAIL_CODES=false` switches them off, but
//! never for an enrolment that waits for its first code.

use crate::support::{PASSWORD, TestApp, expect, status_json};
use reqwest::StatusCode;
use serde_json::{Value, json};

impl TestApp {
    async fn answer(&self, ticket: &str, code: &str) -> (StatusCode, Value) {
        status_json(
            self.post("/api/auth/otp/", json!({"ticket": ticket, "code": code}))
                .await,
        )
        .await
    }
}

#[tokio::test]
async fn without_phone_or_recovery_codes_a_user_logs_in_by_mail_and_re_enrols() {
    let app = TestApp::spawn().await;
    let (_, old_secret, _) = app.api_two_fa_user("ann", "ann@x.io").await;

    // Log in with a mailed code.
    let ticket = app.api_ticket("ann").await;
    let code = app.api_login_code("ann@x.io", &ticket).await;
    let (status, body) = app.answer(&ticket, &code).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let access = body["access"].as_str().unwrap().to_owned();

    // A new authenticator needs the password and a second factor.
    let (status, body) = status_json(
        app.post_auth("/api/auth/2fa/totp/", &access, json!({}))
            .await,
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert!(
        body["detail"]
            .as_str()
            .unwrap()
            .contains("password and code")
    );
    let security = app.api_security_code("ann@x.io", &access).await;
    let (status, body) = status_json(
        app.post_auth(
            "/api/auth/2fa/totp/",
            &access,
            json!({"password": PASSWORD, "code": security}),
        )
        .await,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let new_secret = body["secret"].as_str().unwrap().to_owned();
    assert_ne!(new_secret, old_secret);
    app.mail
        .wait_for_subject("ann@x.io", 0, "A new authenticator app")
        .await;

    // The old app's codes are void; the new app's first code confirms it and logs in.
    let ticket = app.api_ticket("ann").await;
    let (status, _) = app.answer(&ticket, &app.next_totp(&old_secret)).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let (status, body) = app.answer(&ticket, &app.totp(&new_secret)).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["recovery_codes"].as_array().map(Vec::len), Some(10));
    let access = body["access"].as_str().unwrap().to_owned();
    expect(
        app.get_auth("/api/auth/2fa/", &access).await,
        StatusCode::OK,
        json!({"two_fa_enabled": true, "enrolment_pending": false,
               "methods": ["totp", "email", "recovery"], "recovery_codes_left": 10}),
    )
    .await;
    app.stop().await;
}

#[tokio::test]
async fn a_mailed_code_proves_the_second_factor_for_new_recovery_codes_and_turning_off() {
    let app = TestApp::spawn().await;
    let (access, _, _) = app.api_two_fa_user("ann", "ann@x.io").await;
    let code = app.api_security_code("ann@x.io", &access).await;
    let (status, body) = status_json(
        app.post_auth(
            "/api/auth/2fa/recovery_codes/",
            &access,
            json!({"password": PASSWORD, "code": code}),
        )
        .await,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    // Used once.
    let (status, _) = status_json(
        app.post_auth(
            "/api/auth/2fa/disable/",
            &access,
            json!({"password": PASSWORD, "code": code}),
        )
        .await,
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let code = app.api_security_code("ann@x.io", &access).await;
    expect(
        app.post_auth(
            "/api/auth/2fa/disable/",
            &access,
            json!({"password": PASSWORD, "code": code}),
        )
        .await,
        StatusCode::OK,
        json!({"two_fa_enabled": false}),
    )
    .await;
    app.api_login("ann", PASSWORD).await;
    app.stop().await;
}

#[tokio::test]
async fn mailed_codes_can_be_switched_off_but_never_for_a_pending_enrolment() {
    let app = TestApp::spawn_with(|c| c.two_fa_email_codes = false).await;
    let (access, secret, _) = app.api_two_fa_user("ann", "ann@x.io").await;
    let ticket = app.api_ticket("ann").await;
    let off = json!({"detail": "Codes by e-mail are switched off on this server."});
    expect(
        app.post("/api/auth/otp/email/", json!({"ticket": ticket}))
            .await,
        StatusCode::BAD_REQUEST,
        off.clone(),
    )
    .await;
    expect(
        app.post_auth("/api/auth/2fa/email/", &access, json!({}))
            .await,
        StatusCode::BAD_REQUEST,
        off,
    )
    .await;
    let (_, status_now) = status_json(app.get_auth("/api/auth/2fa/", &access).await).await;
    assert_eq!(status_now["methods"], json!(["totp", "recovery"]));
    let (status, _) = app.answer(&ticket, &app.next_totp(&secret)).await;
    assert_eq!(status, StatusCode::OK);

    // An enrolment the original's switch started, never scanned: the mailed code still works.
    app.api_create("bob", "bob@x.io").await;
    let bob = app.api_access("bob").await;
    app.api_verify_email("bob@x.io", &bob).await;
    let r = app
        .send_auth(
            reqwest::Method::PATCH,
            "/api/auth/update/bob/",
            &bob,
            json!({"two_fa_enabled": true}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let ticket = app.api_ticket("bob").await;
    let code = app.api_login_code("bob@x.io", &ticket).await;
    let (status, body) = app.answer(&ticket, &code).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    app.stop().await;
}
