//! Rate limits: every limit trips with 429 and Retry-After in DRF's shape, does nothing else,
//! and recovers; the defaults let one client poll activation every second.

use crate::support::{TestApp, status_json};
use reqwest::{Response, StatusCode};
use serde_json::{Value, json};
use std::future::Future;

/// `limit` allows two requests: the third is refused until its Retry-After has passed.
async fn trips_and_recovers<F, Fut>(app: &TestApp, what: &str, request: F)
where
    F: Fn() -> Fut,
    Fut: Future<Output = Response>,
{
    for _ in 0..2 {
        let status = request().await.status();
        assert_ne!(
            status,
            StatusCode::TOO_MANY_REQUESTS,
            "{what}: within the limit"
        );
    }
    let r = request().await;
    assert_eq!(
        r.status(),
        StatusCode::TOO_MANY_REQUESTS,
        "{what}: over the limit"
    );
    let retry: i64 = r.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=60).contains(&retry), "{what}: Retry-After {retry}");
    let (_, body) = status_json(r).await;
    let detail = format!("Request was throttled. Expected available in {retry} seconds.");
    assert_eq!(body, json!({ "detail": detail }), "{what}");
    app.clock.advance(retry);
    let status = request().await.status();
    assert_ne!(status, StatusCode::TOO_MANY_REQUESTS, "{what}: recovered");
}

async fn spawn_limited(rule: &str) -> TestApp {
    let spec = format!("{rule}=2/1m");
    TestApp::spawn_with(move |c| c.rate_limits = spec.parse().unwrap()).await
}

fn post<'a>(
    app: &'a TestApp,
    path: &'a str,
    body: Value,
) -> impl Fn() -> std::pin::Pin<Box<dyn Future<Output = Response> + Send + 'a>> {
    move || {
        let body = body.clone();
        Box::pin(async move { app.post(path, body).await })
    }
}

fn post_auth<'a>(
    app: &'a TestApp,
    path: &'a str,
    token: &'a str,
    body: Value,
) -> impl Fn() -> std::pin::Pin<Box<dyn Future<Output = Response> + Send + 'a>> {
    move || {
        let body = body.clone();
        Box::pin(async move { app.post_auth(path, token, body).await })
    }
}

#[tokio::test]
async fn per_address_limits_trip_and_recover() {
    let login = json!({"username": "ann", "password": "wrong-pass-1"});
    for (rule, path, body) in [
        ("login_ip", "/api/auth/login/", login.clone()),
        (
            "login_ip",
            "/auth/jwt/create/",
            json!({"email": "a@x.io", "password": "x"}),
        ),
        (
            "login_ip",
            "/api/auth/otp/",
            json!({"username": "ann", "password": "x", "otp": "123456"}),
        ),
        (
            "two_factor_ip",
            "/api/auth/otp/",
            json!({"ticket": "t", "code": "123456"}),
        ),
        (
            "two_factor_ip",
            "/auth/jwt/2fa/",
            json!({"ticket": "t", "code": "123456"}),
        ),
        (
            "two_factor_ip",
            "/api/auth/otp/email/",
            json!({"ticket": "t"}),
        ),
        ("signup_ip", "/auth/users/", json!({"email": "bad"})),
        ("signup_ip", "/api/auth/", json!({})),
        (
            "resend_ip",
            "/auth/users/resend_activation/",
            json!({"email": "nobody@x.io"}),
        ),
        (
            "reset_ip",
            "/auth/users/reset_password/",
            json!({"email": "nobody@x.io"}),
        ),
        (
            "reset_ip",
            "/auth/users/reset_password_confirm/",
            json!({"uid": "MQ", "token": "1-a", "new_password": "x"}),
        ),
        (
            "reset_ip",
            "/auth/users/reset_email/",
            json!({"email": "nobody@x.io"}),
        ),
        (
            "reset_ip",
            "/api/auth/password_reset/",
            json!({"email": "nobody@x.io"}),
        ),
        (
            "verify_ip",
            "/api/auth/verify_email/confirm/",
            json!({"uid": "MQ", "token": "1-a"}),
        ),
        (
            "service_ip",
            "/api/auth/internal/auth/",
            json!({"serviceName": "x", "password": "y"}),
        ),
    ] {
        let app = spawn_limited(rule).await;
        trips_and_recovers(&app, &format!("{rule} at {path}"), post(&app, path, body)).await;
        app.stop().await;
    }
    let app = spawn_limited("poll_ip").await;
    let poll = || app.get("/auth/user/confirm-activation/nobody@x.io");
    trips_and_recovers(&app, "poll_ip", poll).await;
    app.stop().await;
}

#[tokio::test]
async fn per_account_and_per_address_limits_count_each_key_apart() {
    let app = TestApp::spawn_with(|c| {
        c.rate_limits = "reset_address=2/1m,resend_address=2/1m,service_name=2/1m"
            .parse()
            .unwrap();
    })
    .await;
    app.active_user("ann@x.io", "ann").await;
    let queued = app.db.queued_to("ann@x.io").await;
    let reset =
        |email: &'static str| post(&app, "/auth/users/reset_password/", json!({"email": email}));
    trips_and_recovers(&app, "reset_address", reset("ann@x.io")).await;
    // Over the limit nothing happened: three mails for the three requests let through.
    assert_eq!(app.db.queued_to("ann@x.io").await - queued, 3);
    let other = reset("bob@x.io")().await;
    assert_eq!(
        other.status(),
        StatusCode::NO_CONTENT,
        "another address is not limited"
    );

    app.register("bob@x.io", "bob").await;
    let resend = post(
        &app,
        "/auth/users/resend_activation/",
        json!({"email": "bob@x.io"}),
    );
    trips_and_recovers(&app, "resend_address", resend).await;
    let service = post(
        &app,
        "/api/auth/internal/auth/",
        json!({"serviceName": "game", "password": "y"}),
    );
    trips_and_recovers(&app, "service_name", service).await;
    app.stop().await;

    let app = TestApp::spawn_with(|c| {
        c.rate_limits = "verify_account=2/1m,password_account=2/1m".parse().unwrap()
    })
    .await;
    app.api_create("ann", "ann@x.io").await;
    let access = app.api_access("ann").await;
    trips_and_recovers(
        &app,
        "verify_account",
        post_auth(&app, "/api/auth/verify_email/", &access, json!({})),
    )
    .await;
    let change = json!({"password": "wrong-pass-1", "new_password": "n-pass-1234", "new_password2": "n-pass-1234"});
    let r = || {
        app.send_auth(
            reqwest::Method::PUT,
            "/api/auth/password/ann/",
            &access,
            change.clone(),
        )
    };
    trips_and_recovers(&app, "password_account", r).await;
    app.stop().await;

    let app = spawn_limited("password_ip").await;
    let (_, access, _) = app.logged_in("ann@x.io", "ann").await;
    let set = json!({"current_password": "wrong-pass-1", "new_password": "n-pass-1234"});
    trips_and_recovers(
        &app,
        "password_ip",
        post_auth(&app, "/auth/users/set_password/", &access, set),
    )
    .await;
    app.stop().await;
}

#[tokio::test]
async fn every_limit_can_be_switched_off_and_all_at_once() {
    let app = TestApp::spawn_with(|c| c.rate_limits = "login_ip=off".parse().unwrap()).await;
    for i in 0..40 {
        // A name of its own each time: wrong passwords for one name are throttled apart.
        let r = app
            .post(
                "/api/auth/login/",
                json!({"username": format!("nobody{i}"), "password": "x"}),
            )
            .await;
        assert_ne!(r.status(), StatusCode::TOO_MANY_REQUESTS);
    }
    app.stop().await;
    let app = TestApp::spawn_with(|c| c.rate_limiting = false).await;
    for _ in 0..25 {
        let r = app.post("/api/auth/", json!({})).await;
        assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    }
    app.stop().await;
    // A bad override stops the start, naming the setting.
    let dir = std::env::temp_dir().join(format!("tessera-limits-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("tessera.toml");
    for bad in ["nope=1/1m", "login_ip", "login_ip=3/1d", "login_ip=0/1m"] {
        std::fs::write(&file, format!("rate_limits = {bad:?}\n")).unwrap();
        let refused = tessera_server::Config::load(Some(&file)).unwrap_err();
        assert!(
            refused.to_string().contains("rate_limits"),
            "{bad}: {refused}"
        );
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test]
async fn the_defaults_let_one_client_poll_activation_every_second() {
    let app = TestApp::spawn().await;
    app.register("ann@x.io", "ann").await;
    for _ in 0..150 {
        let r = app.get("/auth/user/confirm-activation/ann@x.io").await;
        assert_eq!(r.status(), StatusCode::OK);
        app.clock.advance(1);
    }
    app.stop().await;
}
