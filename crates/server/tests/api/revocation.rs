//! Revocation reaches access tokens: ending a session (logout, `DELETE sessions/<id>/`,
//! refresh-token replay) voids the access tokens carrying its `sid`; a password change voids
//! those of the other sessions, a reset and "log out everywhere" all of them; on every
//! instance, since the state is in the database. `jwt/verify/` stays SimpleJWT's check.

use crate::support::{PASSWORD, TestApp, claims, expect, status_json};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

fn text(v: &Value, key: &str) -> String {
    v[key].as_str().unwrap().to_owned()
}

/// SimpleJWT's 401 for an access token that no longer stands.
fn revoked() -> Value {
    json!({
        "detail": "Given token not valid for any token type",
        "code": "token_not_valid",
        "messages": [{"token_class": "AccessToken", "token_type": "access",
                      "message": "Token is blacklisted"}]
    })
}

async fn me_status(app: &TestApp, base: &str, access: &str) -> StatusCode {
    app.client
        .get(format!("{base}/auth/users/me/"))
        .bearer_auth(access)
        .send()
        .await
        .unwrap()
        .status()
}

#[tokio::test]
async fn a_logout_voids_its_sessions_access_token_on_every_instance() {
    let app = TestApp::spawn().await;
    app.api_create("ann", "ann@x.io").await;
    let mine = app.api_login("ann", PASSWORD).await;
    let other = app.api_login("ann", PASSWORD).await;
    let second = app.another_instance().await;
    assert_eq!(
        me_status(&app, &second.base, &text(&mine, "access")).await,
        StatusCode::OK
    );
    let r = app
        .post("/api/auth/logout/", json!({"refresh": mine["refresh"]}))
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    expect(
        app.get_auth("/auth/users/me/", &text(&mine, "access"))
            .await,
        StatusCode::UNAUTHORIZED,
        revoked(),
    )
    .await;
    assert_eq!(
        me_status(&app, &second.base, &text(&mine, "access")).await,
        StatusCode::UNAUTHORIZED,
        "the other instance sees it too"
    );
    assert_eq!(
        me_status(&app, &app.base, &text(&other, "access")).await,
        StatusCode::OK,
        "another session is untouched"
    );
    // SimpleJWT's verify checks the signature, the expiry and the blacklist only: services
    // that verify tokens themselves see revocation at expiry.
    let r = app
        .post("/auth/jwt/verify/", json!({"token": mine["access"]}))
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    second.stop().await;
    app.stop().await;
}

#[tokio::test]
async fn ending_one_session_or_a_replay_voids_that_sessions_access_tokens() {
    let app = TestApp::spawn().await;
    app.api_create("ann", "ann@x.io").await;
    let phone = app.api_login("ann", PASSWORD).await;
    let laptop = app.api_login("ann", PASSWORD).await;
    let sid = claims(&text(&phone, "access"))["sid"]
        .as_str()
        .unwrap()
        .to_owned();
    let r = app
        .send_auth(
            Method::DELETE,
            &format!("/api/auth/sessions/{sid}/"),
            &text(&laptop, "access"),
            json!({}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    assert_eq!(
        me_status(&app, &app.base, &text(&phone, "access")).await,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        me_status(&app, &app.base, &text(&laptop, "access")).await,
        StatusCode::OK
    );

    // A rotated-out refresh token replayed after the grace window ends its session: the
    // access token its successor got dies with it.
    let (_, rotated) = status_json(
        app.post("/api/auth/refresh/", json!({"refresh": laptop["refresh"]}))
            .await,
    )
    .await;
    assert_eq!(
        me_status(&app, &app.base, &text(&rotated, "access")).await,
        StatusCode::OK
    );
    app.clock.advance(60);
    let (status, _) = status_json(
        app.post("/api/auth/refresh/", json!({"refresh": laptop["refresh"]}))
            .await,
    )
    .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(
        me_status(&app, &app.base, &text(&rotated, "access")).await,
        StatusCode::UNAUTHORIZED
    );
    app.stop().await;
}

#[tokio::test]
async fn a_password_change_voids_the_other_sessions_tokens_and_keeps_the_callers() {
    let app = TestApp::spawn().await;
    let (_, access, _) = app.logged_in("ann@x.io", "ann").await;
    let (other, _) = app.login("ann@x.io", PASSWORD).await;
    let r = app
        .post_auth(
            "/auth/users/set_password/",
            &access,
            json!({"current_password": PASSWORD, "new_password": "another-pass-42"}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    assert_eq!(me_status(&app, &app.base, &access).await, StatusCode::OK);
    assert_eq!(
        me_status(&app, &app.base, &other).await,
        StatusCode::UNAUTHORIZED
    );
    app.stop().await;
}

#[tokio::test]
async fn a_reset_and_log_out_everywhere_void_every_access_token() {
    let app = TestApp::spawn().await;
    let (_, access, _) = app.logged_in("ann@x.io", "ann").await;
    app.reset_password("ann@x.io", "brand-new-pass-7").await;
    assert_eq!(
        me_status(&app, &app.base, &access).await,
        StatusCode::UNAUTHORIZED
    );

    let (access, _) = app.login("ann@x.io", "brand-new-pass-7").await;
    let (other, _) = app.login("ann@x.io", "brand-new-pass-7").await;
    let r = app
        .send_auth(
            Method::DELETE,
            "/auth/users/me/sessions/",
            &access,
            json!({}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    for token in [&access, &other] {
        assert_eq!(
            me_status(&app, &app.base, token).await,
            StatusCode::UNAUTHORIZED
        );
    }
    let (fresh, _) = app.login("ann@x.io", "brand-new-pass-7").await;
    assert_eq!(me_status(&app, &app.base, &fresh).await, StatusCode::OK);
    app.stop().await;
}
