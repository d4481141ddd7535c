//! Sessions: token families with a grace window for concurrent refreshes, replay ending a
//! family, listing and ending sessions in both dialects, revocation on password changes and
//! resets, shared by two instances; client addresses through trusted proxies only.

use crate::support::{PASSWORD, TestApp, claims, expect, status_json};
use reqwest::StatusCode;
use serde_json::{Value, json};

async fn refresh(app: &TestApp, path: &str, token: &str) -> (StatusCode, Value) {
    status_json(app.post(path, json!({"refresh": token})).await).await
}

fn text(v: &Value, key: &str) -> String {
    v[key].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn a_concurrent_refresh_in_the_grace_window_succeeds_and_a_later_replay_ends_the_family() {
    let app = TestApp::spawn().await;
    app.api_create("ann", "ann@x.io").await;
    let first = text(&app.api_login("ann", PASSWORD).await, "refresh");
    let other = text(&app.api_login("ann", PASSWORD).await, "refresh");
    let path = "/api/auth/refresh/";
    // Two tabs refresh with the same token at once: both get a pair.
    let (status, a) = refresh(&app, path, &first).await;
    assert_eq!(status, StatusCode::OK, "{a}");
    app.clock.advance(5);
    let (status, b) = refresh(&app, path, &first).await;
    assert_eq!(status, StatusCode::OK, "{b}");
    assert_eq!(claims(&text(&a, "refresh"))["sid"], claims(&first)["sid"]);
    let (status, a2) = refresh(&app, path, &text(&a, "refresh")).await;
    assert_eq!(status, StatusCode::OK);

    // Later, the rotated-out token comes back: stolen. Its whole family ends.
    app.clock.advance(20);
    let blacklisted = json!({"detail": "Token is blacklisted", "code": "token_not_valid"});
    for token in [&first, &text(&b, "refresh"), &text(&a2, "refresh")] {
        let (status, body) = refresh(&app, path, token).await;
        assert_eq!((status, &body), (StatusCode::UNAUTHORIZED, &blacklisted));
    }
    // Another login's session is untouched.
    let (status, _) = refresh(&app, path, &other).await;
    assert_eq!(status, StatusCode::OK);
    app.stop().await;
}

#[tokio::test]
async fn sessions_are_listed_and_ended_one_or_all_in_the_auth_api() {
    let app = TestApp::spawn().await;
    app.api_create("ann", "ann@x.io").await;
    let login = |agent: &'static str| {
        app.client
            .post(app.url("/api/auth/login/"))
            .header("user-agent", agent)
            .json(&json!({"username": "ann", "password": PASSWORD}))
            .send()
    };
    let (_, phone) = status_json(login("Phone/1.0").await.unwrap()).await;
    let (_, laptop) = status_json(login("Laptop/2.0").await.unwrap()).await;
    let access = text(&laptop, "access");
    let (status, list) = status_json(app.get_auth("/api/auth/sessions/", &access).await).await;
    assert_eq!(status, StatusCode::OK);
    let list = list.as_array().unwrap();
    assert_eq!(list.len(), 2);
    let by_agent = |agent: &str| {
        list.iter()
            .find(|s| s["user_agent"] == agent)
            .unwrap()
            .clone()
    };
    let (p, l) = (by_agent("Phone/1.0"), by_agent("Laptop/2.0"));
    assert_eq!(
        (p["current"].as_bool(), l["current"].as_bool()),
        (Some(false), Some(true))
    );
    assert_eq!(l["ip"], "127.0.0.1");
    assert!(l["created_at"].is_i64() && l["last_used_at"].is_i64() && l["expires_at"].is_i64());
    assert_eq!(l["id"], claims(&access)["sid"]);

    let end = |id: String| {
        app.client
            .delete(app.url(&format!("/api/auth/sessions/{id}/")))
            .bearer_auth(&access)
            .send()
    };
    assert_eq!(
        end(text(&p, "id")).await.unwrap().status(),
        StatusCode::NO_CONTENT
    );
    let (status, _) = refresh(&app, "/api/auth/refresh/", &text(&phone, "refresh")).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "the phone is logged out");
    expect(
        end(text(&p, "id")).await.unwrap(),
        StatusCode::NOT_FOUND,
        json!({"detail": "Not found."}),
    )
    .await;
    expect(
        end("nope".into()).await.unwrap(),
        StatusCode::NOT_FOUND,
        json!({"detail": "Not found."}),
    )
    .await;

    // Someone else's session id is not found either.
    app.api_create("bob", "bob@x.io").await;
    let bob = app.api_login("bob", PASSWORD).await;
    let bob_sid = claims(&text(&bob, "access"))["sid"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(end(bob_sid).await.unwrap().status(), StatusCode::NOT_FOUND);

    // Log out everywhere.
    let r = app
        .client
        .delete(app.url("/api/auth/sessions/"))
        .bearer_auth(&access)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    let (status, _) = refresh(&app, "/api/auth/refresh/", &text(&laptop, "refresh")).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    // Every access token of the account is void too, the caller's included.
    let r = app.get_auth("/api/auth/sessions/", &access).await;
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    let again = text(&app.api_login("ann", PASSWORD).await, "access");
    let (_, list) = status_json(app.get_auth("/api/auth/sessions/", &again).await).await;
    assert_eq!(list.as_array().map(Vec::len), Some(1));
    let (status, _) = refresh(&app, "/api/auth/refresh/", &text(&bob, "refresh")).await;
    assert_eq!(status, StatusCode::OK, "bob is not logged out");
    app.stop().await;
}

#[tokio::test]
async fn djoser_sessions_and_password_changes_end_sessions() {
    let app = TestApp::spawn().await;
    let (_, access, refresh_token) = app.logged_in("ann@x.io", "ann").await;
    let (_, other_refresh) = app.login("ann@x.io", PASSWORD).await;
    let (status, list) = status_json(app.get_auth("/auth/users/me/sessions/", &access).await).await;
    assert_eq!(
        (status, list.as_array().map(Vec::len)),
        (StatusCode::OK, Some(2))
    );
    let path = "/auth/jwt/refresh/";
    let r = app
        .post_auth(
            "/auth/users/set_password/",
            &access,
            json!({"current_password": PASSWORD, "new_password": "another-pass-42"}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    let (status, _) = refresh(&app, path, &other_refresh).await;
    assert_eq!(
        status,
        StatusCode::UNAUTHORIZED,
        "a password change ends the other sessions"
    );
    // The caller's own session stays: a Djoser frontend keeps only its refresh token.
    let (status, body) = refresh(&app, path, &refresh_token).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let fresh = text(&body, "access");
    let (_, list) = status_json(app.get_auth("/auth/users/me/sessions/", &fresh).await).await;
    assert_eq!(list.as_array().map(Vec::len), Some(1));
    assert_eq!(list[0]["current"], true);

    let (access, refresh_token) = app.login("ann@x.io", "another-pass-42").await;
    let r = app
        .client
        .delete(app.url("/auth/users/me/sessions/"))
        .bearer_auth(&access)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    let (status, _) = refresh(&app, path, &refresh_token).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);

    let (_, refresh_token) = app.login("ann@x.io", "another-pass-42").await;
    app.reset_password("ann@x.io", "brand-new-pass-7").await;
    let (status, _) = refresh(&app, path, &refresh_token).await;
    assert_eq!(
        status,
        StatusCode::UNAUTHORIZED,
        "a password reset ends every session"
    );
    app.stop().await;
}

#[tokio::test]
async fn two_instances_on_one_database_share_revocations() {
    let app = TestApp::spawn().await;
    let other = app.another_instance().await;
    app.api_create("ann", "ann@x.io").await;
    let login = app.api_login("ann", PASSWORD).await;
    let r = app
        .client
        .delete(format!("{}/api/auth/sessions/", other.base))
        .bearer_auth(text(&login, "access"))
        .send()
        .await
        .unwrap();
    assert_eq!(
        r.status(),
        StatusCode::NO_CONTENT,
        "ended on the second instance"
    );
    let (status, _) = refresh(&app, "/api/auth/refresh/", &text(&login, "refresh")).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "refused on the first");
    other.stop().await;
    app.stop().await;
}

#[tokio::test]
async fn forwarded_addresses_count_only_from_trusted_proxies() {
    for (trusted, expected) in [("", "127.0.0.1"), ("127.0.0.1/32", "203.0.113.9")] {
        let app = TestApp::spawn_with(|c| c.trusted_proxies = trusted.parse().unwrap()).await;
        app.api_create("ann", "ann@x.io").await;
        let r = app
            .client
            .post(app.url("/api/auth/login/"))
            .header("x-forwarded-for", "203.0.113.9")
            .json(&json!({"username": "ann", "password": PASSWORD}))
            .send()
            .await
            .unwrap();
        let (_, login) = status_json(r).await;
        let (_, list) = status_json(
            app.get_auth("/api/auth/sessions/", &text(&login, "access"))
                .await,
        )
        .await;
        assert_eq!(list[0]["ip"], expected, "trusted proxies {trusted:?}");
        app.stop().await;
    }
}
