//! Limits shared through a real Redis: two instances count together; an unreachable Redis
//! leaves the service serving, falling back per `TESSERA_REDIS_FAILURE`; and the limiter
//! reconnects by itself when Redis comes back.

use crate::support::{PASSWORD, RedisServer, TestApp};
use reqwest::StatusCode;
use serde_json::json;
use std::time::Duration;
use tessera_server::config::RedisFailure;

/// A key prefix no other test shares.
fn prefix() -> String {
    format!("tessera-test-{}", uuid::Uuid::new_v4().simple())
}

async fn login_status(base: &str, client: &reqwest::Client) -> StatusCode {
    client
        .post(format!("{base}/api/auth/login/"))
        .json(&json!({"username": "nobody", "password": "x"}))
        .send()
        .await
        .unwrap()
        .status()
}

#[tokio::test]
async fn two_instances_share_their_limits_and_failure_counts_through_redis() {
    let redis = RedisServer::start().await;
    let app = TestApp::spawn_with(|c| {
        c.redis_url = Some(redis.url.clone());
        c.redis_prefix = prefix();
        c.rate_limits = "login_ip=3/1m".parse().unwrap();
    })
    .await;
    let other = app.another_instance().await;
    assert_eq!(
        login_status(&app.base, &app.client).await,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        login_status(&other.base, &app.client).await,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        login_status(&app.base, &app.client).await,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        login_status(&other.base, &app.client).await,
        StatusCode::TOO_MANY_REQUESTS
    );
    assert_eq!(
        login_status(&app.base, &app.client).await,
        StatusCode::TOO_MANY_REQUESTS
    );
    other.stop().await;
    app.stop().await;

    // Wrong passwords count across instances too: five on one, five on the other, locked on both.
    let app = TestApp::spawn_with(|c| {
        c.redis_url = Some(redis.url.clone());
        c.redis_prefix = prefix();
        c.rate_limits = "login_ip=off".parse().unwrap();
    })
    .await;
    let other = app.another_instance().await;
    app.api_create("ann", "ann@x.io").await;
    let wrong = json!({"username": "ann", "password": "wrong-pass-1"});
    for base in [&app.base, &other.base] {
        for _ in 0..5 {
            let r = app
                .client
                .post(format!("{base}/api/auth/login/"))
                .json(&wrong)
                .send()
                .await
                .unwrap();
            assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
            app.clock.advance(20);
        }
    }
    let right = json!({"username": "ann", "password": PASSWORD});
    for base in [&app.base, &other.base] {
        let r = app
            .client
            .post(format!("{base}/api/auth/login/"))
            .json(&right)
            .send()
            .await
            .unwrap();
        assert_eq!(
            r.status(),
            StatusCode::TOO_MANY_REQUESTS,
            "locked at {base}"
        );
    }
    other.stop().await;
    app.stop().await;
}

#[tokio::test]
async fn an_unreachable_redis_falls_back_as_configured_and_the_service_keeps_serving() {
    for (policy, fourth) in [
        (RedisFailure::Memory, StatusCode::TOO_MANY_REQUESTS),
        (RedisFailure::Open, StatusCode::UNAUTHORIZED),
        (RedisFailure::Closed, StatusCode::TOO_MANY_REQUESTS),
    ] {
        let app = TestApp::spawn_with(|c| {
            c.redis_url = Some("redis://127.0.0.1:1".into());
            c.redis_failure = policy;
            c.rate_limits = "login_ip=3/1m".parse().unwrap();
        })
        .await;
        let first = login_status(&app.base, &app.client).await;
        let expected = match policy {
            RedisFailure::Closed => StatusCode::TOO_MANY_REQUESTS,
            _ => StatusCode::UNAUTHORIZED,
        };
        assert_eq!(first, expected, "{policy:?}");
        for _ in 0..2 {
            login_status(&app.base, &app.client).await;
        }
        assert_eq!(
            login_status(&app.base, &app.client).await,
            fourth,
            "{policy:?}"
        );
        let health = app.get("/healthz").await;
        assert_eq!(
            health.status(),
            StatusCode::OK,
            "still serving ({policy:?})"
        );
        app.stop().await;
    }
}

async fn keys(url: &str, pattern: &str) -> Vec<String> {
    let client = redis::Client::open(url).unwrap();
    let mut conn = client.get_multiplexed_async_connection().await.unwrap();
    redis::cmd("KEYS")
        .arg(pattern)
        .query_async(&mut conn)
        .await
        .unwrap()
}

#[tokio::test]
async fn the_limiter_reconnects_by_itself_when_redis_comes_back() {
    let mut server = RedisServer::start().await;
    let url = server.url.clone();
    let prefix = prefix();
    let pattern = format!("{prefix}:rl:*");
    let app = TestApp::spawn_with(|c| {
        c.redis_url = Some(url.clone());
        c.redis_prefix = prefix.clone();
    })
    .await;
    assert_eq!(
        login_status(&app.base, &app.client).await,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        keys(&url, &pattern).await.len(),
        1,
        "the limit is counted in Redis"
    );

    server.kill();
    for _ in 0..3 {
        assert_eq!(
            login_status(&app.base, &app.client).await,
            StatusCode::UNAUTHORIZED,
            "serving without Redis"
        );
    }

    server.restart().await;
    assert!(keys(&url, &pattern).await.is_empty(), "a fresh Redis");
    let mut shared = false;
    for _ in 0..40 {
        login_status(&app.base, &app.client).await;
        if !keys(&url, &pattern).await.is_empty() {
            shared = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    server.kill();
    assert!(shared, "counting in Redis again after it came back");
    app.stop().await;
}
