//! A stolen access token is not enough to take the account: a new login address takes the
//! current password and waits for its verification while the account keeps its verified
//! address for login, resets and notices; a reset link never goes to an unverified address;
//! the old address is told of every change, with a link that undoes it for a week.

use crate::support::{Browser, PASSWORD, TestApp, csrf_input, status_json};
use reqwest::{Method, StatusCode};
use serde_json::json;

impl TestApp {
    async fn ask_reset(&self, email: &str) {
        let r = self
            .post("/auth/users/reset_password/", json!({"email": email}))
            .await;
        assert_eq!(r.status(), StatusCode::NO_CONTENT);
    }

    /// No mail to `email` was queued (mail is queued in the request's own transaction, so
    /// the outbox tells as soon as the answer came).
    async fn assert_no_mail_to(&self, email: &str) {
        assert_eq!(self.db.queued_to(email).await, 0, "mail to {email}");
    }
}

#[tokio::test]
async fn the_takeover_chain_is_refused_at_each_step() {
    let app = TestApp::spawn().await;
    let stolen = app.api_verified("ann", "ann@x.io").await;
    let update = |body: serde_json::Value| {
        app.send_auth(Method::PATCH, "/api/auth/update/ann/", &stolen, body)
    };

    // 1. The bearer token alone cannot change the address.
    let (status, body) = status_json(update(json!({"email": "thief@x.io"})).await).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert_eq!(body["Error"], "Invalid data");
    assert!(
        body["password"][0]
            .as_str()
            .unwrap()
            .contains("current password")
    );
    let (status, body) =
        status_json(update(json!({"email": "thief@x.io", "password": "guess-1234"})).await).await;
    assert_eq!(
        (status, &body["password"]),
        (
            StatusCode::BAD_REQUEST,
            &json!(["Current password is incorrect."])
        )
    );

    // 2. A reset for the thief's address mails nobody.
    app.ask_reset("thief@x.io").await;
    app.assert_no_mail_to("thief@x.io").await;

    // 3. With the password, the new address waits: login, resets and notices keep the old.
    let (status, body) =
        status_json(update(json!({"email": "new@x.io", "password": PASSWORD})).await).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(
        (&body["email"], &body["pending_email"]),
        (&json!("ann@x.io"), &json!("new@x.io"))
    );
    let verification = app.mail.wait_for("new@x.io", 1).await.pop().unwrap();
    app.ask_reset("new@x.io").await;
    let (status, _) = status_json(
        app.post(
            "/auth/jwt/create/",
            json!({"email": "new@x.io", "password": PASSWORD}),
        )
        .await,
    )
    .await;
    assert_eq!(
        status,
        StatusCode::UNAUTHORIZED,
        "no login by a pending address"
    );
    let seen = app.mail.received_by("ann@x.io");
    app.ask_reset("ann@x.io").await;
    app.mail
        .wait_for_subject("ann@x.io", seen, "Password reset")
        .await;
    assert_eq!(
        app.mail.received_by("new@x.io"),
        1,
        "only the verification mail went to the pending address"
    );

    // 4. Verified, the new address takes over; the old one is told, with an undo link.
    let seen = app.mail.received_by("ann@x.io");
    let (uid, token) = verification.link_parts("/api/auth/verify_email/");
    let (status, body) = status_json(
        app.post(
            "/api/auth/verify_email/confirm/",
            json!({"uid": uid, "token": token}),
        )
        .await,
    )
    .await;
    assert_eq!(
        (status, &body),
        (
            StatusCode::OK,
            &json!({"email": "new@x.io", "email_verified": true})
        )
    );
    let notice = app
        .mail
        .wait_for_subject("ann@x.io", seen, "login e-mail address was changed")
        .await;
    assert!(notice.text.contains("new@x.io"), "{}", notice.text);
    let undo = app.own_link(&notice.link());
    assert!(undo.contains("/api/auth/email/undo/"), "{undo}");
    app.api_login("ann", PASSWORD).await;

    // 5. The undo link: a page with a form (a mail scanner's GET changes nothing), then the
    // old address is back and every session ends.
    let mut browser = Browser::new();
    let page = browser.get(&undo).await;
    assert_eq!(page.status(), StatusCode::OK);
    let html = page.text().await.unwrap();
    assert!(
        html.contains("ann@x.io") && html.contains("new@x.io"),
        "{html}"
    );
    let (_, me) = status_json(app.get_auth("/api/auth/ann/", &stolen).await).await;
    assert_eq!(me["email"], "new@x.io", "a GET undoes nothing");
    let r = browser.post_form(&undo, &[]).await;
    assert_eq!(
        r.status(),
        StatusCode::FORBIDDEN,
        "the form needs its CSRF token"
    );
    let r = browser
        .post_form(&undo, &[("csrfmiddlewaretoken", &csrf_input(&html))])
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    assert!(r.text().await.unwrap().contains("ann@x.io"));
    let r = app.get_auth("/api/auth/ann/", &stolen).await;
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED, "every session ended");
    let access = app.api_access("ann").await;
    let (_, me) = status_json(app.get_auth("/api/auth/ann/", &access).await).await;
    assert_eq!(
        (&me["email"], &me["email_verified"]),
        (&json!("ann@x.io"), &json!(true))
    );
    // Once only.
    let again = browser.get(&undo).await.text().await.unwrap();
    assert!(again.contains("invalid or has expired"), "{again}");
    app.stop().await;
}

#[tokio::test]
async fn no_reset_link_goes_to_an_address_nobody_proved() {
    let app = TestApp::spawn().await;
    app.api_create("ann", "ann@x.io").await;
    app.ask_reset("ann@x.io").await;
    let r = app
        .post("/api/auth/password_reset/", json!({"email": "ann@x.io"}))
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    app.assert_no_mail_to("ann@x.io").await;
    app.stop().await;
}

#[tokio::test]
async fn an_undo_link_works_for_a_week_and_djosers_set_email_tells_the_old_address() {
    let app = TestApp::spawn().await;
    let (_, access, _) = app.logged_in("ann@x.io", "ann").await;
    let seen = app.mail.received_by("ann@x.io");
    let r = app
        .post_auth(
            "/auth/users/set_email/",
            &access,
            json!({"current_password": PASSWORD, "new_email": "ann2@x.io"}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    let notice = app
        .mail
        .wait_for_subject("ann@x.io", seen, "login e-mail address was changed")
        .await;
    let undo = app.own_link(&notice.link());
    app.clock.advance(7 * 86_400 + 1);
    let page = Browser::new().get(&undo).await.text().await.unwrap();
    assert!(page.contains("invalid or has expired"), "{page}");
    app.stop().await;
}

#[tokio::test]
async fn the_old_address_is_told_of_password_changes_and_resets() {
    let app = TestApp::spawn().await;
    app.logged_in("ann@x.io", "ann").await;
    app.reset_password("ann@x.io", "brand-new-pass-7").await;
    app.mail
        .wait_for_subject("ann@x.io", 0, "Your password has been successfully changed")
        .await;
    app.stop().await;
}
