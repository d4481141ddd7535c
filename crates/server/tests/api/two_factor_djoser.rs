//! Two-factor authentication in the Djoser dialect: enrolment under `users/me/2fa/` with its
//! QR codes read back, `jwt/create/` answering 202, `jwt/2fa/`, new recovery codes, turning
//! off with a recovery code, and a password reset that leaves 2FA on.

use crate::support::{PASSWORD, TestApp, expect, qr_in_png, qr_in_svg, status_json};
use base64::Engine;
use reqwest::StatusCode;
use serde_json::{Value, json};

async fn ticket(app: &TestApp, email: &str, password: &str) -> String {
    let r = app
        .post(
            "/auth/jwt/create/",
            json!({"email": email, "password": password}),
        )
        .await;
    let (status, body) = status_json(r).await;
    assert_eq!(status, StatusCode::ACCEPTED, "{body}");
    assert_eq!(body["detail"], "Two-factor authentication required.");
    body["ticket"].as_str().unwrap().to_owned()
}

async fn second_step(app: &TestApp, body: Value) -> (StatusCode, Value) {
    status_json(app.post("/auth/jwt/2fa/", body).await).await
}

#[tokio::test]
async fn enrolment_answers_a_qr_code_of_the_otpauth_uri_in_svg_and_png() {
    let app = TestApp::spawn().await;
    let (_, access, _) = app.logged_in("ann@x.io", "ann").await;
    expect(
        app.get_auth("/auth/users/me/2fa/", &access).await,
        StatusCode::OK,
        json!({"two_fa_enabled": false, "enrolment_pending": false, "methods": [], "recovery_codes_left": 0}),
    )
    .await;
    let (status, body) = status_json(
        app.post_auth("/auth/users/me/2fa/totp/?qr=png", &access, json!({}))
            .await,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let uri = body["otpauth_url"].as_str().unwrap();
    assert_eq!(qr_in_svg(body["qr_svg"].as_str().unwrap()), uri);
    let png = body["qr_png"].as_str().unwrap();
    let png = png
        .strip_prefix("data:image/png;base64,")
        .expect("a PNG data URI");
    let png = base64::engine::general_purpose::STANDARD
        .decode(png)
        .unwrap();
    assert_eq!(qr_in_png(&png), uri);
    // Without ?qr=png, SVG only; a new enrolment replaces the pending one.
    let (_, again) = status_json(
        app.post_auth("/auth/users/me/2fa/totp/", &access, json!({}))
            .await,
    )
    .await;
    assert!(again.get("qr_png").is_none());
    assert_ne!(again["secret"], body["secret"]);
    let (_, status) = status_json(app.get_auth("/auth/users/me/2fa/", &access).await).await;
    assert_eq!(
        (&status["two_fa_enabled"], &status["enrolment_pending"]),
        (&json!(false), &json!(true))
    );
    // The first secret no longer confirms.
    let old = app.totp(body["secret"].as_str().unwrap());
    let (status, _) = status_json(
        app.post_auth(
            "/auth/users/me/2fa/totp/confirm/",
            &access,
            json!({"code": old}),
        )
        .await,
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    app.stop().await;
}

#[tokio::test]
async fn djoser_login_with_totp_and_email_code_and_tokens_work_in_both_dialects() {
    let app = TestApp::spawn().await;
    let (_, access, _) = app.logged_in("ann@x.io", "ann").await;
    expect(
        app.post_auth(
            "/auth/users/me/2fa/totp/confirm/",
            &access,
            json!({"code": "123456"}),
        )
        .await,
        StatusCode::BAD_REQUEST,
        json!({"detail": "No two-factor enrolment is waiting for confirmation; start one first."}),
    )
    .await;
    let (secret, _) = app.enable_totp("/auth/users/me/2fa/", &access).await;
    expect(
        app.post_auth("/auth/users/me/2fa/totp/", &access, json!({}))
            .await,
        StatusCode::BAD_REQUEST,
        json!({"detail": "Two-factor authentication is already on. To replace the authenticator \
                          app, send current_password and code (from the app or by e-mail) or \
                          recovery_code."}),
    )
    .await;

    let t = ticket(&app, "ann@x.io", PASSWORD).await;
    // Without the slash too, as SimpleJWT's paths.
    let r = app
        .post(
            "/auth/jwt/2fa",
            json!({"ticket": t, "code": app.next_totp(&secret)}),
        )
        .await;
    let (status, body) = status_json(r).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let keys: Vec<&String> = body.as_object().unwrap().keys().collect();
    assert_eq!(keys, ["access", "refresh"]);
    let access = body["access"].as_str().unwrap();
    let (status, me) = status_json(app.get_auth("/auth/users/me/", access).await).await;
    assert_eq!((status, &me["email"]), (StatusCode::OK, &json!("ann@x.io")));
    let r = app.get_auth("/api/auth/ann/", access).await;
    assert_eq!(
        r.status(),
        StatusCode::OK,
        "the pair works in the Auth API too"
    );

    let t = ticket(&app, "ann@x.io", PASSWORD).await;
    let seen = app.mail.received_by("ann@x.io");
    let r = app.post("/auth/jwt/2fa/email/", json!({"ticket": t})).await;
    assert_eq!(r.status(), StatusCode::OK);
    let code = app
        .mail
        .wait_for_subject("ann@x.io", seen, "Your login code")
        .await
        .code();
    let (status, body) = second_step(&app, json!({"ticket": t, "code": code})).await;
    assert_eq!(status, StatusCode::OK, "{body}");

    // A wrong password never opens a challenge.
    expect(
        app.post(
            "/auth/jwt/create/",
            json!({"email": "ann@x.io", "password": "nope-nope-1"}),
        )
        .await,
        StatusCode::UNAUTHORIZED,
        json!({"detail": "No active account found with the given credentials"}),
    )
    .await;
    app.stop().await;
}

#[tokio::test]
async fn new_recovery_codes_void_the_old_and_a_recovery_code_turns_2fa_off() {
    let app = TestApp::spawn().await;
    let (_, access, _) = app.logged_in("ann@x.io", "ann").await;
    let (secret, old) = app.enable_totp("/auth/users/me/2fa/", &access).await;
    let regenerate = |password: &str, code: &str| {
        app.post_auth(
            "/auth/users/me/2fa/recovery_codes/",
            &access,
            json!({"current_password": password, "code": code}),
        )
    };
    expect(
        regenerate("wrong-pass-1", &app.next_totp(&secret)).await,
        StatusCode::BAD_REQUEST,
        json!({"current_password": ["Invalid password."]}),
    )
    .await;
    // A recovery code is not "a current code" here.
    let (status, _) = status_json(regenerate(PASSWORD, &old[0]).await).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let (status, body) = status_json(regenerate(PASSWORD, &app.totp(&secret)).await).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let new: Vec<String> = body["recovery_codes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c.as_str().unwrap().to_owned())
        .collect();
    assert_eq!(new.len(), 10);
    assert!(new.iter().all(|c| !old.contains(c)));

    let t = ticket(&app, "ann@x.io", PASSWORD).await;
    let (status, _) = second_step(&app, json!({"ticket": t, "recovery_code": old[1]})).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "the old set is void");

    let disable = |proof: Value| {
        let mut body = proof;
        body["current_password"] = json!(PASSWORD);
        app.post_auth("/auth/users/me/2fa/disable/", &access, body)
    };
    expect(
        disable(json!({"recovery_code": old[2]})).await,
        StatusCode::BAD_REQUEST,
        json!({"code": ["Invalid or expired code."]}),
    )
    .await;
    expect(
        disable(json!({"recovery_code": new[0]})).await,
        StatusCode::OK,
        json!({"two_fa_enabled": false}),
    )
    .await;
    app.mail
        .wait_for_subject("ann@x.io", 0, "Two-factor authentication is off")
        .await;
    expect(
        disable(json!({"recovery_code": new[1]})).await,
        StatusCode::BAD_REQUEST,
        json!({"detail": "Two-factor authentication is off."}),
    )
    .await;
    app.login("ann@x.io", PASSWORD).await;
    app.stop().await;
}

#[tokio::test]
async fn a_password_reset_leaves_2fa_on() {
    let app = TestApp::spawn().await;
    let (_, access, _) = app.logged_in("ann@x.io", "ann").await;
    let (secret, _) = app.enable_totp("/auth/users/me/2fa/", &access).await;
    let before = ticket(&app, "ann@x.io", PASSWORD).await;
    app.reset_password("ann@x.io", "brand-new-pass-7").await;
    // A login opened with the old password cannot be finished after the reset.
    let code = app.next_totp(&secret);
    let (status, body) = second_step(&app, json!({"ticket": before, "code": code})).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert_eq!(
        body,
        json!({"ticket": ["Invalid or expired ticket. Log in again."]})
    );
    let t = ticket(&app, "ann@x.io", "brand-new-pass-7").await;
    let (status, _) = second_step(&app, json!({"ticket": t, "code": code})).await;
    assert_eq!(status, StatusCode::OK, "2FA still on, and still needed");
    app.stop().await;
}

#[tokio::test]
async fn an_unverified_address_cannot_turn_2fa_on_here_either() {
    let app = TestApp::spawn().await;
    app.api_create("bob", "bob@x.io").await;
    let (access, _) = app.login("bob@x.io", PASSWORD).await;
    expect(
        app.post_auth("/auth/users/me/2fa/totp/", &access, json!({}))
            .await,
        StatusCode::BAD_REQUEST,
        json!({"detail": "Verify your e-mail address before enabling two-factor authentication."}),
    )
    .await;
    expect(
        app.post("/auth/users/me/2fa/totp/", json!({})).await,
        StatusCode::UNAUTHORIZED,
        json!({"detail": "Authentication credentials were not provided."}),
    )
    .await;
    app.stop().await;
}
