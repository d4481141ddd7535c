//! Two-factor authentication in the Auth API dialect: e-mail verification first, TOTP
//! enrolment through update/ (as the original) and 2fa/, logins in two steps and in the
//! original's one `otp/` call, replays, turning 2FA off.

use crate::support::{PASSWORD, TestApp, claims, expect, status_json};
use reqwest::{Method, StatusCode};
use serde_json::json;

const NEEDS_VERIFIED: &str =
    "Verify your e-mail address before enabling two-factor authentication.";

#[tokio::test]
async fn two_fa_is_refused_until_the_address_is_verified_by_link_or_code() {
    let app = TestApp::spawn().await;
    app.api_create("ann", "ann@x.io").await;
    let access = app.api_access("ann").await;
    expect(
        app.send_auth(
            Method::PATCH,
            "/api/auth/update/ann/",
            &access,
            json!({"two_fa_enabled": true}),
        )
        .await,
        StatusCode::BAD_REQUEST,
        json!({"two_fa_enabled": [NEEDS_VERIFIED], "Error": "Invalid data"}),
    )
    .await;
    expect(
        app.post_auth("/api/auth/2fa/totp/", &access, json!({}))
            .await,
        StatusCode::BAD_REQUEST,
        json!({"detail": NEEDS_VERIFIED}),
    )
    .await;

    let r = app
        .post_auth("/api/auth/verify_email/", &access, json!({}))
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let mail = app.mail.wait_for("ann@x.io", 1).await.pop().unwrap();
    let code = mail.code();
    assert!(mail.html.contains(&format!("<strong>{code}</strong>")));
    let wrong = if code == "000000" { "111111" } else { "000000" };
    let confirm = |code: &str| json!({"code": code});
    expect(
        app.post_auth("/api/auth/verify_email/confirm/", &access, confirm(wrong))
            .await,
        StatusCode::BAD_REQUEST,
        json!({"code": ["Invalid or expired code."]}),
    )
    .await;
    // Without a bearer the body must be the link's uid/token.
    expect(
        app.post("/api/auth/verify_email/confirm/", confirm(&code))
            .await,
        StatusCode::BAD_REQUEST,
        json!({"uid": ["This field is required."], "token": ["This field is required."]}),
    )
    .await;
    expect(
        app.post_auth("/api/auth/verify_email/confirm/", &access, confirm(&code))
            .await,
        StatusCode::OK,
        json!({"email": "ann@x.io", "email_verified": true}),
    )
    .await;
    // Single use.
    expect(
        app.post_auth("/api/auth/verify_email/confirm/", &access, confirm(&code))
            .await,
        StatusCode::BAD_REQUEST,
        json!({"code": ["Invalid or expired code."]}),
    )
    .await;
    let r = app
        .post_auth("/api/auth/2fa/totp/", &access, json!({}))
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    app.stop().await;
}

#[tokio::test]
async fn a_verification_code_expires_after_ten_minutes_and_dies_after_five_wrong_guesses() {
    // The access token outlives the ten minutes the clock is moved on.
    let app = TestApp::spawn_with(|c| c.access_token_lifetime = 3600).await;
    app.api_create("ann", "ann@x.io").await;
    let access = app.api_access("ann").await;
    let send = || app.post_auth("/api/auth/verify_email/", &access, json!({}));
    assert_eq!(send().await.status(), StatusCode::OK);
    let code = app.mail.wait_for("ann@x.io", 1).await.pop().unwrap().code();
    app.clock.advance(601);
    let (status, _) = status_json(
        app.post_auth(
            "/api/auth/verify_email/confirm/",
            &access,
            json!({"code": code}),
        )
        .await,
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);

    assert_eq!(send().await.status(), StatusCode::OK);
    let code = app.mail.wait_for("ann@x.io", 2).await.pop().unwrap().code();
    let wrong = if code == "000000" { "111111" } else { "000000" };
    for _ in 0..5 {
        let r = app
            .post_auth(
                "/api/auth/verify_email/confirm/",
                &access,
                json!({"code": wrong}),
            )
            .await;
        assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    }
    let r = app
        .post_auth(
            "/api/auth/verify_email/confirm/",
            &access,
            json!({"code": code}),
        )
        .await;
    assert_eq!(
        r.status(),
        StatusCode::BAD_REQUEST,
        "the code died after five wrong guesses"
    );
    app.stop().await;
}

#[tokio::test]
async fn enrolment_through_update_the_original_otp_login_replays_and_turning_off() {
    let app = TestApp::spawn().await;
    app.api_create("ann", "ann@x.io").await;
    let access = app.api_access("ann").await;
    app.api_verify_email("ann@x.io", &access).await;

    // As the original: PATCH two_fa_enable answers the otpauth:// URI, and 2FA is on from
    // then (`authapi_original_2fa.rs` follows the original client's whole flow).
    let (status, body) = status_json(
        app.send_auth(
            Method::PATCH,
            "/api/auth/update/ann/",
            &access,
            json!({"two_fa_enable": true}),
        )
        .await,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let secret = body["secret"].as_str().unwrap().to_owned();
    let uri = body["otpauth_url"].as_str().unwrap();
    assert!(uri.starts_with("otpauth://totp/Tessera:ann?"), "{uri}");
    assert!(uri.contains(&format!("secret={secret}")) && uri.contains("issuer=Tessera"));
    assert!(body["qr_svg"].as_str().unwrap().starts_with("<svg"));
    assert_eq!(body["otp_uri"], body["otpauth_url"]);
    assert_eq!(body["two_fa_enabled"], true);
    app.api_ticket("ann").await;

    // The original's one-call login confirms the enrolment and answers the recovery codes.
    let otp =
        |password: &str, code: &str| json!({"username": "ann", "password": password, "otp": code});
    expect(
        app.post("/api/auth/otp/", otp(PASSWORD, "000000x")).await,
        StatusCode::BAD_REQUEST,
        json!({"otp": ["Invalid or expired code."], "message": "Invalid code"}),
    )
    .await;
    let code = app.totp(&secret);
    let (status, body) = status_json(app.post("/api/auth/otp/", otp(PASSWORD, &code)).await).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["lang"], "en");
    assert_eq!(claims(body["access"].as_str().unwrap())["username"], "ann");
    let codes = body["recovery_codes"].as_array().unwrap();
    assert_eq!(codes.len(), 10);
    let on = app
        .mail
        .wait_for_subject("ann@x.io", 0, "Two-factor authentication is on")
        .await;
    assert!(on.text.contains("ann"));

    // A code is accepted once: the same code again is a replay.
    let (status, body) = status_json(app.post("/api/auth/otp/", otp(PASSWORD, &code)).await).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert!(
        body["otp"][0]
            .as_str()
            .unwrap()
            .starts_with("Invalid or expired code.")
    );
    expect(
        app.post(
            "/api/auth/otp/",
            otp("wrong-password", &app.next_totp(&secret)),
        )
        .await,
        StatusCode::UNAUTHORIZED,
        json!({"detail": "No active account found with the given credentials",
               "message": "Invalid credentials"}),
    )
    .await;
    let (status, body) = status_json(
        app.post("/api/auth/otp/", otp(PASSWORD, &app.totp(&secret)))
            .await,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert!(body.get("recovery_codes").is_none());

    // Two steps: login/ answers 202 and a ticket, no tokens.
    let (status, body) = status_json(
        app.post(
            "/api/auth/login/",
            json!({"username": "ann", "password": PASSWORD}),
        )
        .await,
    )
    .await;
    assert_eq!(status, StatusCode::ACCEPTED);
    assert_eq!(body["methods"], json!(["totp", "email", "recovery"]));
    assert_eq!(body["expires_in"], 300);
    assert!(body.get("access").is_none() && body.get("refresh").is_none());
    let ticket = body["ticket"].as_str().unwrap();
    let code = app.next_totp(&secret);
    let (status, body) = status_json(
        app.post("/api/auth/otp/", json!({"ticket": ticket, "code": code}))
            .await,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let access = body["access"].as_str().unwrap().to_owned();
    let (_, me) = status_json(app.get_auth("/api/auth/ann/", &access).await).await;
    assert_eq!(me["two_fa_enabled"], true);
    // The ticket is spent.
    expect(
        app.post("/api/auth/otp/", json!({"ticket": ticket, "code": code}))
            .await,
        StatusCode::BAD_REQUEST,
        json!({"ticket": ["Invalid or expired ticket. Log in again."]}),
    )
    .await;
    expect(
        app.get_auth("/api/auth/2fa/", &access).await,
        StatusCode::OK,
        json!({"two_fa_enabled": true, "enrolment_pending": false,
               "methods": ["totp", "email", "recovery"], "recovery_codes_left": 10}),
    )
    .await;

    // Off through update/: the password and a current code; the password alone is not enough.
    let off = |proof: serde_json::Value| {
        let mut body = json!({"two_fa_enable": false, "password": PASSWORD});
        body.as_object_mut()
            .unwrap()
            .extend(proof.as_object().unwrap().clone());
        app.send_auth(Method::PATCH, "/api/auth/update/ann/", &access, body)
    };
    let (status, body) = status_json(off(json!({})).await).await;
    assert_eq!(
        (status, &body["code"], &body["Error"]),
        (
            StatusCode::BAD_REQUEST,
            &json!(["This field is required."]),
            &json!("Invalid data")
        ),
        "{body}"
    );
    assert!(body["error"].as_str().unwrap().contains("code"), "{body}");
    let (status, body) = status_json(off(json!({"otp": code})).await).await;
    assert_eq!(
        (status, &body["code"][0]),
        (StatusCode::BAD_REQUEST, &json!("Invalid or expired code."))
    );
    expect(
        app.send_auth(Method::PATCH, "/api/auth/update/ann/", &access,
            json!({"two_fa_enable": false, "password": "wrong-password", "otp": app.next_totp(&secret)})).await,
        StatusCode::BAD_REQUEST,
        json!({"password": ["Current password is incorrect."], "Error": "Invalid data"}),
    )
    .await;
    let (status, body) = status_json(off(json!({"otp": app.totp(&secret)})).await).await;
    assert_eq!(
        (status, &body["two_fa_enabled"]),
        (StatusCode::OK, &json!(false)),
        "{body}"
    );
    app.mail
        .wait_for_subject("ann@x.io", 0, "Two-factor authentication is off")
        .await;
    app.api_login("ann", PASSWORD).await;
    expect(
        app.post("/api/auth/otp/", otp(PASSWORD, &app.next_totp(&secret)))
            .await,
        StatusCode::BAD_REQUEST,
        json!({"detail": "Two-factor authentication is off for this account.",
               "message": "2FA is not enabled for this account"}),
    )
    .await;
    app.stop().await;
}

#[tokio::test]
async fn the_data_export_tells_the_2fa_state_and_holds_no_secret_or_code() {
    let app = TestApp::spawn().await;
    let (access, secret, codes) = app.api_two_fa_user("ann", "ann@x.io").await;
    let r = app
        .get_auth("/api/auth/dump_data/?delivery=download", &access)
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let text = r.text().await.unwrap();
    let dump: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(
        dump["two_factor"],
        json!({"enabled": true, "methods": ["totp", "email", "recovery"],
               "enrolment_pending": false, "recovery_codes_left": 10})
    );
    assert!(!text.contains(&secret));
    for code in &codes {
        assert!(!text.contains(code.as_str()));
    }
    app.stop().await;
}
