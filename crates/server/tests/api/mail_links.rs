//! What delivered mails say: links whole in `href` (escaped as an attribute needs, `/` left
//! alone), and the name the dialect's user logs in with.

use crate::support::{PASSWORD, TestApp};
use reqwest::StatusCode;
use serde_json::json;

#[tokio::test]
async fn an_html_link_is_the_text_link_escaped_for_an_attribute() {
    let app = TestApp::spawn().await;
    app.register("ann@x.io", "ann").await;
    let mail = app.mail.wait_for("ann@x.io", 1).await.pop().unwrap();
    let link = mail.link();
    assert!(
        mail.html
            .contains(&format!("<a href=\"{link}\">{link}</a>")),
        "{}",
        mail.html
    );
    assert!(!mail.html.contains("&#x2f;"), "{}", mail.html);
    app.stop().await;

    // A link with a query string: `&` is `&amp;` in HTML, and the link still works.
    let app =
        TestApp::spawn_with(|c| c.activation_url = "activate?uid={uid}&token={token}".into()).await;
    app.register("bob@x.io", "bob").await;
    let mail = app.mail.wait_for("bob@x.io", 1).await.pop().unwrap();
    let link = mail.link();
    let query = link.split_once("activate?uid=").expect("a query link").1;
    let (uid, token) = query.split_once("&token=").expect("uid and token");
    let escaped = link.replace('&', "&amp;");
    assert!(
        mail.html
            .contains(&format!("<a href=\"{escaped}\">{escaped}</a>")),
        "{}",
        mail.html
    );
    app.activate(uid, token).await;
    app.login("bob@x.io", PASSWORD).await;
    app.stop().await;
}

#[tokio::test]
async fn the_djoser_reset_mail_names_the_address_the_user_logs_in_with() {
    let app = TestApp::spawn().await;
    app.active_user("ann@x.io", "ann").await;
    let seen = app.mail.received_by("ann@x.io");
    let r = app
        .post("/auth/users/reset_password/", json!({"email": "ann@x.io"}))
        .await;
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    let mail = app
        .mail
        .wait_for_subject("ann@x.io", seen, "Password reset")
        .await;
    let line = "You log in with this e-mail address: ann@x.io";
    assert!(mail.text.contains(line), "{}", mail.text);
    assert!(mail.html.contains(line), "{}", mail.html);
    assert!(!mail.text.contains("username"), "{}", mail.text);
    app.stop().await;
}

#[tokio::test]
async fn the_auth_api_reset_mail_names_the_username() {
    let app = TestApp::spawn().await;
    app.api_verified("ann", "ann@x.io").await;
    let seen = app.mail.received_by("ann@x.io");
    let r = app
        .post("/api/auth/password_reset/", json!({"email": "ann@x.io"}))
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let mail = app
        .mail
        .wait_for_subject("ann@x.io", seen, "Password reset")
        .await;
    let line = "Your username, in case you’ve forgotten: ann";
    assert!(
        mail.text.lines().any(|l| l.trim_end() == line),
        "{}",
        mail.text
    );
    assert!(mail.html.contains(&format!("{line}</p>")), "{}", mail.html);
    assert!(!mail.text.contains("forgotten: ann@x.io"), "{}", mail.text);
    app.stop().await;
}
