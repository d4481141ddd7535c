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
