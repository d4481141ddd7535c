//! The second step of a login with 2FA on (Auth API paths): mailed codes, recovery codes,
//! five wrong codes ending a challenge, a burst of wrong codes slowing the account.

use crate::support::{TestApp, expect, status_json};
use reqwest::StatusCode;
use serde_json::{Value, json};

async fn answer(app: &TestApp, body: Value) -> (StatusCode, Value) {
    status_json(app.post("/api/auth/otp/", body).await).await
}

/// A six-digit code that is neither `a` nor `b`.
fn other_than(a: &str, b: &str) -> String {
    (0..3)
        .map(|d| d.to_string().repeat(6))
        .find(|c| c != a && c != b)
        .unwrap()
}

#[tokio::test]
async fn a_mailed_login_code_works_once_and_expires() {
    let app = TestApp::spawn().await;
    app.api_two_fa_user("ann", "ann@x.io").await;
    let seen = app.mail.received_by("ann@x.io");
    let ticket = app.api_ticket("ann").await;
    expect(
        app.post("/api/auth/otp/email/", json!({"ticket": "nope"}))
            .await,
        StatusCode::BAD_REQUEST,
        json!({"ticket": ["Invalid or expired ticket. Log in again."]}),
    )
    .await;
    let r = app
        .post("/api/auth/otp/email/", json!({"ticket": ticket}))
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let mail = app
        .mail
        .wait_for_subject("ann@x.io", seen, "Your login code")
        .await;
    let code = mail.code();
    let (status, body) = answer(&app, json!({"ticket": ticket, "code": code})).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert!(body["access"].is_string() && body["refresh"].is_string());

    // Used up: a new challenge cannot reuse it.
    let ticket = app.api_ticket("ann").await;
    let (status, _) = answer(&app, json!({"ticket": ticket, "code": code})).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);

    // Ten minutes later a mailed code is dead, even on a fresh challenge.
    let ticket = app.api_ticket("ann").await;
    let seen = app.mail.received_by("ann@x.io");
    app.post("/api/auth/otp/email/", json!({"ticket": ticket}))
        .await;
    let code = app
        .mail
        .wait_for_subject("ann@x.io", seen, "Your login code")
        .await
        .code();
    app.clock.advance(601);
    let ticket = app.api_ticket("ann").await;
    let (status, _) = answer(&app, json!({"ticket": ticket, "code": code})).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    app.stop().await;
}

#[tokio::test]
async fn a_recovery_code_works_once_and_only_once_and_tells_the_owner() {
    let app = TestApp::spawn().await;
    let (access, _, codes) = app.api_two_fa_user("ann", "ann@x.io").await;
    let mut distinct = codes.clone();
    distinct.sort();
    distinct.dedup();
    assert_eq!(distinct.len(), 10);
    assert!(
        codes.iter().all(|c| c.len() == 11 && &c[5..6] == "-"),
        "{codes:?}"
    );

    let seen = app.mail.received_by("ann@x.io");
    let ticket = app.api_ticket("ann").await;
    // Typed in capitals, without the dash: still the code.
    let typed = codes[0].replace('-', "").to_uppercase();
    let (status, body) = answer(&app, json!({"ticket": ticket, "recovery_code": typed})).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let mail = app
        .mail
        .wait_for_subject("ann@x.io", seen, "A recovery code was used")
        .await;
    assert!(mail.text.contains("9 are left"), "{}", mail.text);
    let (_, status_body) = status_json(app.get_auth("/api/auth/2fa/", &access).await).await;
    assert_eq!(status_body["recovery_codes_left"], 9);

    let ticket = app.api_ticket("ann").await;
    expect(
        app.post(
            "/api/auth/otp/",
            json!({"ticket": ticket, "recovery_code": codes[0]}),
        )
        .await,
        StatusCode::BAD_REQUEST,
        json!({"recovery_code": ["Invalid or expired code. Attempts left: 4."]}),
    )
    .await;
    // Another code from the set, in the plain code field, still works.
    let (status, _) = answer(&app, json!({"ticket": ticket, "code": codes[1]})).await;
    assert_eq!(status, StatusCode::OK);
    app.stop().await;
}

#[tokio::test]
async fn five_wrong_codes_end_a_challenge_and_a_burst_slows_the_account() {
    let app = TestApp::spawn().await;
    let (access, secret, _) = app.api_two_fa_user("ann", "ann@x.io").await;
    let ticket = app.api_ticket("ann").await;
    let good = app.next_totp(&secret);
    let wrong = other_than(&good, &app.totp(&secret));
    for left in (1..=4).rev() {
        expect(
            app.post("/api/auth/otp/", json!({"ticket": ticket, "code": wrong}))
                .await,
            StatusCode::BAD_REQUEST,
            json!({"code": [format!("Invalid or expired code. Attempts left: {left}.")]}),
        )
        .await;
    }
    expect(
        app.post("/api/auth/otp/", json!({"ticket": ticket, "code": wrong}))
            .await,
        StatusCode::BAD_REQUEST,
        json!({"code": ["Invalid code. Too many wrong codes: log in again."]}),
    )
    .await;
    // The challenge is over: even the right code is refused on it.
    expect(
        app.post("/api/auth/otp/", json!({"ticket": ticket, "code": good}))
            .await,
        StatusCode::BAD_REQUEST,
        json!({"ticket": ["Invalid or expired ticket. Log in again."]}),
    )
    .await;

    // Five more wrong codes on a second challenge: ten in a burst slow the account down.
    let ticket = app.api_ticket("ann").await;
    for _ in 0..5 {
        let (status, _) = answer(&app, json!({"ticket": ticket, "code": wrong})).await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
    }
    let ticket = app.api_ticket("ann").await;
    let r = app
        .post("/api/auth/otp/", json!({"ticket": ticket, "code": good}))
        .await;
    assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS);
    let retry: i64 = r.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=30).contains(&retry), "{retry}");
    let (_, body) = status_json(r).await;
    assert_eq!(
        body,
        json!({"detail": format!("Request was throttled. Expected available in {retry} seconds.")})
    );
    // Step-up endpoints are held back too.
    let off = json!({"password": crate::support::PASSWORD, "code": good});
    let r = app.post_auth("/api/auth/2fa/disable/", &access, off).await;
    assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS);
    // Once the delay has passed, the right code logs in (and success resets the count).
    app.clock.advance(retry);
    let code = app.totp(&secret);
    let (status, body) = answer(&app, json!({"ticket": ticket, "code": code})).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let ticket = app.api_ticket("ann").await;
    let (status, _) = answer(&app, json!({"ticket": ticket, "code": wrong})).await;
    assert_eq!(
        status,
        StatusCode::BAD_REQUEST,
        "not throttled after a success"
    );
    app.stop().await;
}

#[tokio::test]
async fn a_challenge_expires_and_bad_bodies_get_field_errors() {
    let app = TestApp::spawn().await;
    let (_, secret, _) = app.api_two_fa_user("ann", "ann@x.io").await;
    expect(
        app.post("/api/auth/otp/", json!({})).await,
        StatusCode::BAD_REQUEST,
        json!({"username": ["This field is required."], "password": ["This field is required."],
               "otp": ["This field is required."], "message": "Username and otp are required"}),
    )
    .await;
    expect(
        app.post("/api/auth/otp/", json!({"ticket": ""})).await,
        StatusCode::BAD_REQUEST,
        json!({"ticket": ["This field may not be blank."], "code": ["This field is required."]}),
    )
    .await;
    expect(
        app.post("/api/auth/otp/", json!({"ticket": 12, "code": [1]}))
            .await,
        StatusCode::BAD_REQUEST,
        json!({"code": ["Not a valid string."]}),
    )
    .await;
    let ticket = app.api_ticket("ann").await;
    app.clock.advance(301);
    expect(
        app.post(
            "/api/auth/otp/",
            json!({"ticket": ticket, "code": app.totp(&secret)}),
        )
        .await,
        StatusCode::BAD_REQUEST,
        json!({"ticket": ["Invalid or expired ticket. Log in again."]}),
    )
    .await;
    app.stop().await;
}
