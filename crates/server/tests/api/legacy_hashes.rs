//! Accounts carried over from Django keep their hashes; the next login upgrades them.

use crate::support::{PASSWORD, TestApp};

/// Made by Django 5.2.19's `make_password("passwordS.-")` (see crates/core/tests/data).
const DJANGO_PBKDF2: &str =
    "pbkdf2_sha256$1000000$DP3QXmbQK8T1gDzQJ4S4Bp$WuOWlUBIz0wFc5sSozfu+Y8DI4ome5i2XXRBKnsvOOI=";

#[tokio::test]
async fn a_django_hash_logs_in_and_is_rehashed_to_argon2id() {
    let app = TestApp::spawn().await;
    app.active_user("ann@x.io", "ann").await;
    app.db.set_password_hash("ann@x.io", DJANGO_PBKDF2).await;
    app.login("ann@x.io", PASSWORD).await;
    let upgraded = app.db.password_hash("ann@x.io").await;
    assert!(
        upgraded.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"),
        "{upgraded}"
    );
    app.login("ann@x.io", PASSWORD).await;
    app.stop().await;
}

/// A reset that commits while a login is still checking (and then upgrading) the old hash
/// keeps the new password: the upgrade of the old one loses.
#[tokio::test]
async fn a_reset_racing_a_logins_rehash_keeps_the_new_password() {
    let app = TestApp::spawn().await;
    app.active_user("ann@x.io", "ann").await;
    app.db.set_password_hash("ann@x.io", DJANGO_PBKDF2).await;
    let seen = app.mail.received_by("ann@x.io");
    let r = app
        .post(
            "/auth/users/reset_password/",
            serde_json::json!({"email": "ann@x.io"}),
        )
        .await;
    assert_eq!(r.status(), reqwest::StatusCode::NO_CONTENT);
    let mail = app
        .mail
        .wait_for_subject("ann@x.io", seen, "Password reset")
        .await;
    let (uid, token) = mail.link_parts("/password/reset/confirm/");
    // The login checks 1,000,000 rounds of PBKDF2 before it upgrades the hash: the reset,
    // sent just after it, commits meanwhile.
    let login = app.post(
        "/auth/jwt/create/",
        serde_json::json!({"email": "ann@x.io", "password": PASSWORD}),
    );
    let reset = async {
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        let body =
            serde_json::json!({"uid": uid, "token": token, "new_password": "brand-new-pass-7"});
        app.post("/auth/users/reset_password_confirm/", body).await
    };
    let (login, reset) = tokio::join!(login, reset);
    assert_eq!(reset.status(), reqwest::StatusCode::NO_CONTENT);
    assert_eq!(
        login.status(),
        reqwest::StatusCode::OK,
        "begun with the old password"
    );
    let stored = app.db.password_hash("ann@x.io").await;
    assert!(stored.starts_with("$argon2id$"), "{stored}");
    app.login("ann@x.io", "brand-new-pass-7").await;
    let r = app
        .post(
            "/auth/jwt/create/",
            serde_json::json!({"email": "ann@x.io", "password": PASSWORD}),
        )
        .await;
    assert_eq!(
        r.status(),
        reqwest::StatusCode::UNAUTHORIZED,
        "the old password is gone"
    );
    app.stop().await;
}

/// A stored Argon2 hash (imported, or written by hand) asking for more memory or passes than
/// Tessera can be configured to make is refused, not computed: it aborted the process
/// (terabytes of working memory) or would hold a hashing thread for good.
#[tokio::test]
async fn an_argon2_hash_asking_for_too_much_work_is_refused_not_computed() {
    let app = TestApp::spawn().await;
    app.active_user("ann@x.io", "ann").await;
    app.active_user("bob@x.io", "bob").await;
    let tail = "c2FsdHNhbHRzYWx0c2FsdA$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaA";
    for stored in [
        format!("$argon2id$v=19$m=4294967295,t=2,p=1${tail}"),
        format!("argon2$argon2id$v=19$m=4294967295,t=2,p=1${tail}"),
        format!("$argon2id$v=19$m=19456,t=4294967295,p=1${tail}"),
        format!("argon2$argon2i$v=19$m=19456,t=4294967295,p=1${tail}"),
    ] {
        app.db.set_password_hash("ann@x.io", &stored).await;
        let r = app
            .post(
                "/auth/jwt/create/",
                serde_json::json!({"email": "ann@x.io", "password": PASSWORD}),
            )
            .await;
        assert_eq!(r.status(), reqwest::StatusCode::UNAUTHORIZED, "{stored}");
        let body: serde_json::Value = r.json().await.unwrap();
        assert_eq!(
            body,
            serde_json::json!({"detail": "No active account found with the given credentials"}),
            "{stored}"
        );
    }
    // The service is still up and hashing.
    app.login("bob@x.io", PASSWORD).await;
    app.stop().await;
}
