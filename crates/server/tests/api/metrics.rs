//! `GET /metrics` after scripted requests, to the exact count: requests by route template
//! (unknown paths in one series), logins and second steps by outcome, a 429 under its rule,
//! mail queued, sent, retried and given up with the outbox behind it, the hashing pool's
//! jobs, and the build; and `TESSERA_METRICS_BIND` moving it off the main port.

use crate::support::{PASSWORD, TestApp, free_port, status_json};
use reqwest::StatusCode;
use serde_json::json;
use std::time::{Duration, Instant};

async fn scrape(app: &TestApp) -> String {
    let r = app.client.get(app.metrics_url()).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let kind = r.headers()["content-type"].to_str().unwrap().to_owned();
    assert_eq!(kind, "text/plain; version=0.0.4; charset=utf-8");
    r.text().await.unwrap()
}

/// The value of one series, written as the exposition writes it (`name{label="v",…}`).
fn value(text: &str, series: &str) -> Option<f64> {
    text.lines().find_map(|line| {
        let rest = line.strip_prefix(series)?.strip_prefix(' ')?;
        rest.trim().parse().ok()
    })
}

/// Every `(series, value)` as expected, or a failure naming those that are not.
fn assert_series(text: &str, expected: &[(String, f64)]) {
    let wrong: Vec<String> = expected
        .iter()
        .filter(|(series, v)| value(text, series) != Some(*v))
        .map(|(series, v)| format!("{series}: {:?}, not {v}", value(text, series)))
        .collect();
    assert!(wrong.is_empty(), "{wrong:#?}\nin:\n{text}");
}

fn labelled(name: &str, label: &str, v: &str, n: f64) -> (String, f64) {
    (format!(r#"{name}{{{label}="{v}"}}"#), n)
}

/// `name{outcome="…"}` for each outcome and its count.
fn outcomes(name: &str, counts: &[(&str, f64)]) -> Vec<(String, f64)> {
    let each = counts.iter();
    each.map(|(v, n)| labelled(name, "outcome", v, *n))
        .collect()
}

fn request(route: &str, method: &str, status: u16, n: f64) -> (String, f64) {
    let labels = format!(r#"{{route="{route}",method="{method}",status="{status}"}}"#);
    (format!("tessera_http_requests_total{labels}"), n)
}

/// Scrape until `series` reads `v` (the mail worker counts after the SMTP server answered).
async fn until(app: &TestApp, series: &str, v: f64) -> String {
    let deadline = Instant::now() + Duration::from_secs(15);
    loop {
        let text = scrape(app).await;
        if value(&text, series) == Some(v) {
            return text;
        }
        assert!(
            Instant::now() < deadline,
            "{series} never read {v}:\n{text}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

async fn login(app: &TestApp, email: &str, password: &str) -> StatusCode {
    let body = json!({"email": email, "password": password});
    app.post("/auth/jwt/create/", body).await.status()
}

#[tokio::test]
async fn a_scripted_session_is_counted_exactly() {
    let app = TestApp::spawn_with(|c| c.rate_limits = "login_ip=4/1m".parse().unwrap()).await;
    app.active_user("ann@x.io", "ann").await;
    app.register("bob@x.io", "bob").await;
    assert_eq!(login(&app, "ann@x.io", PASSWORD).await, StatusCode::OK);
    assert_eq!(login(&app, "ann@x.io", PASSWORD).await, StatusCode::OK);
    let wrong = login(&app, "ann@x.io", "not-the-password").await;
    assert_eq!(wrong, StatusCode::UNAUTHORIZED);
    // Bob never activated: the right password, refused all the same.
    assert_eq!(
        login(&app, "bob@x.io", PASSWORD).await,
        StatusCode::UNAUTHORIZED
    );
    let refused = login(&app, "ann@x.io", PASSWORD).await;
    assert_eq!(refused, StatusCode::TOO_MANY_REQUESTS);
    for unknown in ["/nowhere/", "/no/where/at/all/"] {
        assert_eq!(app.get(unknown).await.status(), StatusCode::NOT_FOUND);
    }
    until(&app, "tessera_mails_sent_total", 2.0).await;
    let text = until(&app, "tessera_outbox_pending", 0.0).await;

    let logins = [
        ("success", 2.0),
        ("wrong_credentials", 1.0),
        ("inactive", 1.0),
        ("second_factor_required", 0.0),
        ("throttled", 0.0),
        ("locked", 0.0),
    ];
    assert_series(&text, &outcomes("tessera_logins_total", &logins));
    let hash = "tessera_password_hash_duration_seconds_count";
    let version = env!("CARGO_PKG_VERSION");
    assert_series(
        &text,
        &[
            labelled("tessera_rate_limited_total", "rule", "login_ip", 1.0),
            labelled("tessera_rate_limited_total", "rule", "signup_ip", 0.0),
            request("/auth/jwt/create/", "POST", 200, 2.0),
            request("/auth/jwt/create/", "POST", 401, 2.0),
            request("/auth/jwt/create/", "POST", 429, 1.0),
            request("/auth/users/", "POST", 201, 2.0),
            request("/auth/users/activation/", "POST", 204, 1.0),
            request("unmatched", "GET", 404, 2.0),
            (
                r#"tessera_http_request_duration_seconds_count{route="/auth/jwt/create/",method="POST",status="200"}"#.into(),
                2.0,
            ),
            ("tessera_mails_queued_total".into(), 2.0),
            ("tessera_mails_sent_total".into(), 2.0),
            ("tessera_mail_retries_total".into(), 0.0),
            ("tessera_mails_failed_total".into(), 0.0),
            ("tessera_outbox_pending".into(), 0.0),
            ("tessera_outbox_oldest_pending_age_seconds".into(), 0.0),
            // Two sign-ups hash a password; four logins check one (the fifth was refused first).
            labelled(hash, "job", "hash", 2.0),
            labelled(hash, "job", "verify", 4.0),
            ("tessera_password_hash_queue".into(), 0.0),
            ("tessera_password_hash_running".into(), 0.0),
            labelled("tessera_build_info", "version", version, 1.0),
        ],
    );
    for state in ["in_use", "idle"] {
        let series = format!(r#"tessera_database_connections{{state="{state}"}}"#);
        assert!(value(&text, &series).is_some(), "no {series} in\n{text}");
    }
    assert!(text.contains("# HELP tessera_logins_total password logins, by outcome"));
    assert!(text.contains("# TYPE tessera_http_request_duration_seconds histogram"));
    app.stop().await;
}

#[tokio::test]
async fn second_steps_are_counted_by_outcome() {
    let app = TestApp::spawn().await;
    let (_, access, _) = app.logged_in("ann@x.io", "ann").await;
    let (secret, _) = app.enable_totp("/auth/users/me/2fa/", &access).await;
    let body = json!({"email": "ann@x.io", "password": PASSWORD});
    let (status, challenge) = status_json(app.post("/auth/jwt/create/", body).await).await;
    assert_eq!(status, StatusCode::ACCEPTED, "{challenge}");
    let ticket = challenge["ticket"].as_str().unwrap();
    let code = app.next_totp(&secret);
    let wrong = if code == "000000" { "111111" } else { "000000" };
    let answers = [
        (
            json!({"ticket": ticket, "code": wrong}),
            StatusCode::BAD_REQUEST,
        ),
        (
            json!({"ticket": "no-such-ticket", "code": code}),
            StatusCode::BAD_REQUEST,
        ),
        (json!({"ticket": ticket, "code": code}), StatusCode::OK),
    ];
    for (body, expected) in answers {
        let (status, answer) = status_json(app.post("/auth/jwt/2fa/", body).await).await;
        assert_eq!(status, expected, "{answer}");
    }
    let text = scrape(&app).await;
    let logins = [("success", 1.0), ("second_factor_required", 1.0)];
    assert_series(&text, &outcomes("tessera_logins_total", &logins));
    let steps = [
        ("wrong_code", 1.0),
        ("invalid_ticket", 1.0),
        ("passed_totp", 1.0),
        ("confirmed_enrolment", 0.0),
        ("passed_recovery_code", 0.0),
        ("throttled", 0.0),
    ];
    assert_series(
        &text,
        &outcomes("tessera_two_factor_challenges_total", &steps),
    );
    app.stop().await;
}

#[tokio::test]
async fn undeliverable_mail_is_retried_then_given_up_and_the_outbox_shows_it_waiting() {
    let app = TestApp::spawn_with(|c| {
        // Nothing listens there: every attempt fails at once.
        c.smtp_port = free_port();
        c.mail_max_attempts = 2;
        c.mail_retry_delay = 3600;
    })
    .await;
    app.register("ann@x.io", "ann").await;
    let text = until(&app, "tessera_mail_retries_total", 1.0).await;
    assert_series(
        &text,
        &[
            ("tessera_mails_queued_total".into(), 1.0),
            ("tessera_mails_sent_total".into(), 0.0),
            ("tessera_mails_failed_total".into(), 0.0),
            ("tessera_outbox_pending".into(), 1.0),
        ],
    );
    app.clock.advance(120);
    let text = scrape(&app).await;
    let age = value(&text, "tessera_outbox_oldest_pending_age_seconds").unwrap();
    assert!((120.0..180.0).contains(&age), "{age}");
    // The retry falls due: it fails too, and the mail is given up.
    app.clock.advance(3600);
    until(&app, "tessera_mails_failed_total", 1.0).await;
    let text = until(&app, "tessera_outbox_pending", 0.0).await;
    assert_series(
        &text,
        &[
            ("tessera_mail_retries_total".into(), 1.0),
            ("tessera_mails_sent_total".into(), 0.0),
            ("tessera_outbox_oldest_pending_age_seconds".into(), 0.0),
        ],
    );
    app.stop().await;
}

#[tokio::test]
async fn a_metrics_bind_serves_them_on_their_own_port_and_not_on_the_main_one() {
    let app = TestApp::spawn_with(|c| c.metrics_bind = Some("127.0.0.1:0".parse().unwrap())).await;
    assert_ne!(app.metrics_url(), app.url("/metrics"));
    let (status, body) = status_json(app.get("/metrics").await).await;
    assert_eq!(
        (status, body),
        (StatusCode::NOT_FOUND, json!({"detail": "Not found."}))
    );
    assert_eq!(app.get("/healthz").await.status(), StatusCode::OK);
    let text = scrape(&app).await;
    // What the main port answered is counted; the refused /metrics as an unknown path.
    assert_series(
        &text,
        &[
            request("/healthz", "GET", 200, 1.0),
            request("unmatched", "GET", 404, 1.0),
        ],
    );
    let main_port = app.url("/");
    let metrics_root = app.metrics_url().replace("/metrics", "/healthz");
    assert_ne!(main_port, metrics_root);
    let r = app.client.get(&metrics_root).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    app.stop().await;
}
