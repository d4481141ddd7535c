//! The original Auth API client's two-factor flow, end to end: `update/` turns 2FA on and
//! answers `otp_uri`; from then `login/` answers 202 and `otp/ {username, password, otp}`
//! logs in (its first code confirming the enrolment); a second switch is 409; turning it off
//! needs the password and a code; a QR code never scanned locks nobody out.

use crate::support::{PASSWORD, TestApp, claims, expect, status_json};
use reqwest::{Method, Response, StatusCode};
use serde_json::{Value, json};

const ON_AGAIN: &str = "Error updating two factor authentication";

impl TestApp {
    async fn update(&self, access: &str, body: Value) -> Response {
        self.send_auth(Method::PATCH, "/api/auth/update/ann/", access, body)
            .await
    }

    /// ann, her address verified: her access token.
    async fn verified_ann(&self) -> String {
        self.api_create("ann", "ann@x.io").await;
        let access = self.api_access("ann").await;
        self.api_verify_email("ann@x.io", &access).await;
        access
    }

    /// Turn 2FA on the original's way; the base32 secret read back from `otp_uri`.
    async fn switch_on(&self, access: &str) -> String {
        let (status, body) =
            status_json(self.update(access, json!({"two_fa_enabled": true})).await).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert_eq!(body["Ok"], "Update successful");
        assert_eq!(body["two_fa_enabled"], true);
        let uri = body["otp_uri"].as_str().unwrap();
        assert!(uri.starts_with("otpauth://totp/Tessera:ann?"), "{uri}");
        assert!(body["device_id"].is_i64(), "{body}");
        secret_of(uri)
    }

    async fn login_202(&self) -> Value {
        let (status, body) = status_json(
            self.post(
                "/api/auth/login/",
                json!({"username": "ann", "password": PASSWORD}),
            )
            .await,
        )
        .await;
        assert_eq!(status, StatusCode::ACCEPTED, "{body}");
        assert_eq!(
            body["message"],
            "2FA is enabled. Please enter the code from your authentication application"
        );
        assert!(body.get("access").is_none() && body.get("refresh").is_none());
        body
    }
}

/// The `secret` parameter of an otpauth:// URI.
fn secret_of(uri: &str) -> String {
    let query = uri.split_once('?').unwrap().1;
    query
        .split('&')
        .find_map(|kv| kv.strip_prefix("secret="))
        .unwrap()
        .to_owned()
}

fn otp(password: &str, code: &str) -> Value {
    json!({"username": "ann", "password": password, "otp": code})
}

#[tokio::test]
async fn the_original_clients_two_factor_flow_end_to_end() {
    let app = TestApp::spawn().await;
    let access = app.verified_ann().await;
    let secret = app.switch_on(&access).await;
    app.mail
        .wait_for_subject("ann@x.io", 0, "Two-factor authentication is on")
        .await;
    let (_, me) = status_json(app.get_auth("/api/auth/ann/", &access).await).await;
    assert_eq!(me["two_fa_enabled"], true);

    // A second switch changes nothing, and the secret already scanned stays valid.
    for body in [
        json!({"two_fa_enabled": true}),
        json!({"two_fa_enable": true}),
    ] {
        expect(
            app.update(&access, body).await,
            StatusCode::CONFLICT,
            json!({"error": ON_AGAIN}),
        )
        .await;
    }

    // From that answer on, login needs the second factor, the mailed code offered too.
    let challenge = app.login_202().await;
    assert_eq!(challenge["methods"], json!(["totp", "email"]));
    assert_eq!(challenge["enrolment_pending"], true);
    assert!(
        challenge["hint"]
            .as_str()
            .unwrap()
            .contains("/api/auth/otp/email/")
    );

    // otp/'s errors in the original's shape.
    let invalid_code =
        |field: &str| json!({"message": "Invalid code", field: ["Invalid or expired code."]});
    expect(
        app.post("/api/auth/otp/", otp(PASSWORD, "000000x")).await,
        StatusCode::BAD_REQUEST,
        invalid_code("otp"),
    )
    .await;
    for body in [
        json!({"password": PASSWORD, "otp": "123456"}),
        json!({"username": "ann", "password": PASSWORD}),
        json!({"username": "", "password": PASSWORD, "otp": "123456"}),
    ] {
        let (status, answer) = status_json(app.post("/api/auth/otp/", body).await).await;
        assert_eq!(
            (status, &answer["message"]),
            (
                StatusCode::BAD_REQUEST,
                &json!("Username and otp are required")
            ),
            "{answer}"
        );
    }
    for body in [
        otp("wrong-password", &app.totp(&secret)),
        json!({"username": "ann", "otp": app.totp(&secret)}),
        json!({"username": "ann", "password": "", "otp": app.totp(&secret)}),
    ] {
        let (status, answer) = status_json(app.post("/api/auth/otp/", body).await).await;
        assert_eq!(
            (status, &answer["message"]),
            (StatusCode::UNAUTHORIZED, &json!("Invalid credentials")),
            "{answer}"
        );
    }

    // The code from otp_uri logs in and confirms the enrolment: recovery codes shown once.
    let code = app.totp(&secret);
    let (status, body) = status_json(app.post("/api/auth/otp/", otp(PASSWORD, &code)).await).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["message"], "Code verified successfully");
    assert_eq!(body["lang"], "en");
    assert_eq!(claims(body["access"].as_str().unwrap())["username"], "ann");
    assert!(body["refresh"].is_string());
    assert_eq!(body["recovery_codes"].as_array().map(Vec::len), Some(10));
    let access = body["access"].as_str().unwrap().to_owned();

    // A code is accepted once.
    expect(
        app.post("/api/auth/otp/", otp(PASSWORD, &code)).await,
        StatusCode::BAD_REQUEST,
        invalid_code("otp"),
    )
    .await;
    let (status, body) = status_json(
        app.post("/api/auth/otp/", otp(PASSWORD, &app.next_totp(&secret)))
            .await,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert!(body.get("recovery_codes").is_none(), "shown once: {body}");
    let challenge = app.login_202().await;
    assert_eq!(challenge["methods"], json!(["totp", "email", "recovery"]));
    assert_eq!(challenge["enrolment_pending"], false);
    expect(
        app.get_auth("/api/auth/2fa/", &access).await,
        StatusCode::OK,
        json!({"two_fa_enabled": true, "enrolment_pending": false,
               "methods": ["totp", "email", "recovery"], "recovery_codes_left": 10}),
    )
    .await;

    // Off: the original needed no proof; here the password and a code, named when missing.
    let (status, body) =
        status_json(app.update(&access, json!({"two_fa_enabled": false})).await).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    let error = body["error"].as_str().unwrap();
    assert!(
        error.contains("password") && error.contains("code") && error.contains("recovery_code"),
        "{error}"
    );
    assert_eq!(body["Error"], "Invalid data");
    assert_eq!(body["password"], json!(["This field is required."]));
    assert_eq!(body["code"], json!(["This field is required."]));
    let (status, body) = status_json(
        app.update(
            &access,
            json!({"two_fa_enabled": false, "password": "wrong-password", "otp": app.next_totp(&secret)}),
        )
        .await,
    )
    .await;
    assert_eq!(
        (status, &body["password"]),
        (
            StatusCode::BAD_REQUEST,
            &json!(["Current password is incorrect."])
        )
    );
    let (status, body) = status_json(
        app.update(
            &access,
            json!({"two_fa_enabled": false, "password": PASSWORD, "otp": app.next_totp(&secret)}),
        )
        .await,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(
        (&body["Ok"], &body["two_fa_enabled"]),
        (&json!("Update successful"), &json!(false))
    );
    app.mail
        .wait_for_subject("ann@x.io", 0, "Two-factor authentication is off")
        .await;
    expect(
        app.update(&access, json!({"two_fa_enabled": false})).await,
        StatusCode::CONFLICT,
        json!({"error": ON_AGAIN}),
    )
    .await;
    app.api_login("ann", PASSWORD).await;
    app.stop().await;
}

#[tokio::test]
async fn a_pending_enrolment_never_locks_the_user_out() {
    let app = TestApp::spawn().await;
    let access = app.verified_ann().await;
    let first_secret = app.switch_on(&access).await;

    // The QR code was never scanned: the challenge's mailed code logs in, through the
    // original's one-call otp/ as well as with the ticket.
    let ticket = app.login_202().await["ticket"].as_str().unwrap().to_owned();
    let code = app.api_login_code("ann@x.io", &ticket).await;
    let (status, body) = status_json(app.post("/api/auth/otp/", otp(PASSWORD, &code)).await).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert!(
        body.get("recovery_codes").is_none(),
        "a mailed code confirms no app"
    );
    let access = body["access"].as_str().unwrap().to_owned();
    let (_, status_now) = status_json(app.get_auth("/api/auth/2fa/", &access).await).await;
    assert_eq!(status_now["enrolment_pending"], true);

    // Turning it off with the password and a mailed security code, then on again.
    let code = app.api_security_code("ann@x.io", &access).await;
    let (status, body) = status_json(
        app.update(
            &access,
            json!({"two_fa_enabled": false, "password": PASSWORD, "code": code}),
        )
        .await,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["two_fa_enabled"], false);
    app.api_login("ann", PASSWORD).await;
    let second_secret = app.switch_on(&access).await;
    assert_ne!(first_secret, second_secret);
    let (status, body) = status_json(
        app.post("/api/auth/otp/", otp(PASSWORD, &app.totp(&second_secret)))
            .await,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["recovery_codes"].as_array().map(Vec::len), Some(10));
    app.stop().await;
}

#[tokio::test]
async fn the_two_fa_switch_and_the_other_fields_are_one_change() {
    let app = TestApp::spawn().await;
    let access = app.verified_ann().await;
    app.api_create("bob", "bob@x.io").await;
    // A refused field refuses the switch with it.
    let (status, body) = status_json(
        app.update(&access, json!({"two_fa_enabled": true, "username": "bob"}))
            .await,
    )
    .await;
    assert_eq!(
        (status, &body["Error"]),
        (StatusCode::BAD_REQUEST, &json!("Invalid data"))
    );
    let (status, body) = status_json(
        app.update(&access, json!({"two_fa_enabled": true, "lang": "de"}))
            .await,
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    let (_, me) = status_json(app.get_auth("/api/auth/ann/", &access).await).await;
    assert_eq!(
        (&me["two_fa_enabled"], &me["lang"]),
        (&json!(false), &json!("en"))
    );
    app.api_login("ann", PASSWORD).await;

    // Both at once when both are good.
    let (status, body) = status_json(
        app.update(&access, json!({"two_fa_enabled": true, "lang": "fr"}))
            .await,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(
        (&body["two_fa_enabled"], &body["lang"]),
        (&json!(true), &json!("fr"))
    );
    let secret = secret_of(body["otp_uri"].as_str().unwrap());

    // Off with a refused field: 2FA stays on.
    let (status, _) = status_json(
        app.update(
            &access,
            json!({"two_fa_enabled": false, "password": PASSWORD,
                   "otp": app.totp(&secret), "username": "bob"}),
        )
        .await,
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    app.login_202().await;
    app.stop().await;
}
