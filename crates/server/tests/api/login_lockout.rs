//! Login throttling per account name: progressive delays after five wrong passwords, a lock
//! after ten (mailed to the owner, ended by itself or by a password reset), a success
//! resetting the count, and the same answers for names nobody has.

use crate::support::{PASSWORD, TestApp, status_json};
use reqwest::StatusCode;
use serde_json::json;

async fn login(app: &TestApp, username: &str, password: &str) -> (StatusCode, Option<i64>) {
    let r = app
        .post(
            "/api/auth/login/",
            json!({"username": username, "password": password}),
        )
        .await;
    let retry = r
        .headers()
        .get("retry-after")
        .map(|v| v.to_str().unwrap().parse().unwrap());
    (r.status(), retry)
}

const WRONG: &str = "wrong-pass-1";

#[tokio::test]
async fn wrong_passwords_slow_then_lock_the_name_and_the_lock_ends_by_itself() {
    let app = TestApp::spawn().await;
    // Waits are asserted to the second: time moves only when the test moves it.
    app.clock.freeze();
    app.api_create("ann", "ann@x.io").await;
    for name in ["ann", "nobody"] {
        for _ in 0..5 {
            assert_eq!(
                login(&app, name, WRONG).await,
                (StatusCode::UNAUTHORIZED, None)
            );
        }
        // From the sixth attempt on, each waits: 1 s, 2 s, 4 s, 8 s, 16 s.
        for wait in [1, 2, 4, 8, 16] {
            assert_eq!(
                login(&app, name, WRONG).await,
                (StatusCode::TOO_MANY_REQUESTS, Some(wait)),
                "{name}"
            );
            app.clock.advance(wait);
            assert_eq!(login(&app, name, WRONG).await.0, StatusCode::UNAUTHORIZED);
        }
        // Ten in a row: locked for 15 minutes, even with the right password.
        let (status, retry) = login(&app, name, PASSWORD).await;
        assert_eq!(
            (status, retry),
            (StatusCode::TOO_MANY_REQUESTS, Some(900)),
            "{name}"
        );
    }
    let mail = app.mail.wait_for_subject("ann@x.io", 0, "locked").await;
    assert!(mail.text.contains("ann"));
    // The lock ends by itself.
    app.clock.advance(900);
    assert_eq!(login(&app, "ann", PASSWORD).await.0, StatusCode::OK);
    // The count starts afresh.
    assert_eq!(
        login(&app, "ann", WRONG).await,
        (StatusCode::UNAUTHORIZED, None)
    );
    app.stop().await;
}

#[tokio::test]
async fn a_success_resets_the_count_and_a_password_reset_lifts_a_lock() {
    let app = TestApp::spawn().await;
    app.active_user("ann@x.io", "ann").await;
    let create = |password: &'static str| {
        app.post(
            "/auth/jwt/create/",
            json!({"email": "Ann@x.io", "password": password}),
        )
    };
    for _ in 0..4 {
        assert_eq!(create(WRONG).await.status(), StatusCode::UNAUTHORIZED);
    }
    assert_eq!(create(PASSWORD).await.status(), StatusCode::OK);
    for _ in 0..5 {
        assert_eq!(
            create(WRONG).await.status(),
            StatusCode::UNAUTHORIZED,
            "the count restarted"
        );
    }
    for _ in 0..5 {
        app.clock.advance(16);
        assert_eq!(create(WRONG).await.status(), StatusCode::UNAUTHORIZED);
    }
    let r = create(PASSWORD).await;
    assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS, "locked");
    let (_, body) = status_json(r).await;
    assert!(
        body["detail"]
            .as_str()
            .unwrap()
            .starts_with("Request was throttled.")
    );

    app.reset_password("ann@x.io", "brand-new-pass-7").await;
    assert_eq!(
        create("brand-new-pass-7").await.status(),
        StatusCode::OK,
        "the reset lifted the lock"
    );
    app.stop().await;
}

#[tokio::test]
async fn lockout_is_configurable() {
    let app = TestApp::spawn_with(|c| {
        c.login_delay_after = 100;
        c.login_lockout_threshold = 3;
        c.login_lockout_duration = 60;
    })
    .await;
    app.clock.freeze();
    app.api_create("ann", "ann@x.io").await;
    for _ in 0..3 {
        assert_eq!(login(&app, "ann", WRONG).await.0, StatusCode::UNAUTHORIZED);
    }
    assert_eq!(
        login(&app, "ann", PASSWORD).await,
        (StatusCode::TOO_MANY_REQUESTS, Some(60))
    );
    app.clock.advance(60);
    assert_eq!(login(&app, "ann", PASSWORD).await.0, StatusCode::OK);
    app.stop().await;

    let app = TestApp::spawn_with(|c| c.login_lockout_threshold = 0).await;
    app.api_create("ann", "ann@x.io").await;
    for _ in 0..5 {
        login(&app, "ann", WRONG).await;
    }
    for _ in 0..30 {
        app.clock.advance(60);
        assert_eq!(
            login(&app, "ann", WRONG).await.0,
            StatusCode::UNAUTHORIZED,
            "never locks"
        );
    }
    app.stop().await;
}
