//! The admin API under `/admin/api/`: staff bearer tokens only, each operation one use case
//! that is recorded as an event naming the staff account.

use crate::support::admin::{call, last_event, staff};
use crate::support::{PASSWORD, TestApp, expect};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

/// Ann, logged in (her refresh token), and a staff account (its access token).
async fn ann_logged_in_and_boss(app: &TestApp) -> (String, String) {
    app.api_create("ann", "ann@x.io").await;
    let login = app.api_login("ann", PASSWORD).await;
    let refresh = login["refresh"].as_str().unwrap().to_owned();
    (refresh, staff(app).await)
}

/// A POST of `body` to `path` is refused as unauthenticated.
async fn assert_refused(app: &TestApp, path: &str, body: Value) {
    let r = app.post(path, body).await;
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED, "{path}");
}

#[tokio::test]
async fn only_staff_tokens_reach_the_admin_api() {
    let app = TestApp::spawn().await;
    app.api_create("ann", "ann@x.io").await;
    let ann = app.api_access("ann").await;
    expect(
        app.get("/admin/api/users/").await,
        StatusCode::UNAUTHORIZED,
        json!({"detail": "Authentication credentials were not provided."}),
    )
    .await;
    for (method, path) in [
        (Method::GET, "/admin/api/users/"),
        (Method::GET, "/admin/api/users/ann/"),
        (Method::POST, "/admin/api/users/ann/deactivate/"),
        (Method::DELETE, "/admin/api/users/ann/"),
        (Method::GET, "/admin/api/events/"),
    ] {
        let (status, body) = call(&app, method, path, &ann).await;
        assert_eq!(
            (status, body),
            (
                StatusCode::FORBIDDEN,
                json!({"detail": "You do not have permission to perform this action.", "code": "permission_denied"})
            ),
            "{path}"
        );
    }
    let boss = staff(&app).await;
    let (status, body) = call(&app, Method::GET, "/admin/api/users/", &boss).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["count"], 2);
    app.stop().await;
}

#[tokio::test]
async fn accounts_are_searched_filtered_paged_and_shown() {
    let app = TestApp::spawn().await;
    for (name, email) in [
        ("ann", "Ann@X.io"),
        ("bob", "bob@y.io"),
        ("annika", "k@z.io"),
    ] {
        app.api_create(name, email).await;
    }
    let boss = staff(&app).await;
    let list = |query: &'static str| {
        let boss = boss.clone();
        let app = &app;
        async move {
            let path = format!("/admin/api/users/?{query}");
            let (status, body) = call(app, Method::GET, &path, &boss).await;
            assert_eq!(status, StatusCode::OK, "{query}: {body}");
            let names: Vec<String> = body["results"]
                .as_array()
                .unwrap()
                .iter()
                .map(|u| u["username"].as_str().unwrap().to_owned())
                .collect();
            (body["count"].as_i64().unwrap(), names)
        }
    };
    assert_eq!(
        list("search=ANN").await,
        (2, vec!["ann".into(), "annika".into()])
    );
    assert_eq!(list("search=ann@x").await, (1, vec!["ann".into()]));
    assert_eq!(list("search=%25").await, (0, vec![]));
    assert_eq!(list("staff=true").await, (1, vec!["boss".into()]));
    assert_eq!(
        list("limit=2&offset=1").await,
        (4, vec!["bob".into(), "annika".into()])
    );
    let (status, body) = call(&app, Method::GET, "/admin/api/users/?active=maybe", &boss).await;
    assert_eq!(
        (status, body),
        (
            StatusCode::BAD_REQUEST,
            json!({"active": ["Must be true or false."]})
        )
    );

    app.api_login("ann", PASSWORD).await;
    for which in ["ann", "1", "ann@x.io"] {
        let path = format!("/admin/api/users/{which}/");
        let (status, shown) = call(&app, Method::GET, &path, &boss).await;
        assert_eq!(status, StatusCode::OK, "{which}");
        assert_eq!(shown["id"], 1);
        assert_eq!(
            shown["email"], "Ann@x.io",
            "the domain in lower case, as Django keeps it"
        );
        assert_eq!(shown["sessions"].as_array().map(Vec::len), Some(1));
        assert!(shown["last_seen"].as_str().unwrap().ends_with('Z'));
        assert_eq!(
            shown["last_login"],
            Value::Null,
            "last_login keeps Django's meaning"
        );
        assert_eq!(shown["two_factor"]["enabled"], false);
        let kinds: Vec<&str> = shown["recent_events"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["kind"].as_str().unwrap())
            .collect();
        assert_eq!(kinds, ["login.succeeded", "account.created"]);
    }
    expect(
        app.get_auth("/admin/api/users/nobody/", &boss).await,
        StatusCode::NOT_FOUND,
        json!({"detail": "Not found.", "code": "not_found"}),
    )
    .await;
    app.stop().await;
}

#[tokio::test]
async fn deactivating_ends_every_session_at_once_and_is_recorded() {
    let app = TestApp::spawn().await;
    app.api_create("ann", "ann@x.io").await;
    let login = app.api_login("ann", PASSWORD).await;
    let (access, refresh) = (
        login["access"].as_str().unwrap(),
        login["refresh"].as_str().unwrap(),
    );
    let boss = staff(&app).await;
    let (status, shown) = call(
        &app,
        Method::POST,
        "/admin/api/users/ann/deactivate/",
        &boss,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{shown}");
    assert_eq!(
        (shown["is_active"].clone(), shown["sessions"].clone()),
        (json!(false), json!([]))
    );
    let r = app.get_auth("/api/auth/ann/", access).await;
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    assert_refused(&app, "/api/auth/refresh/", json!({"refresh": refresh})).await;
    assert_refused(
        &app,
        "/api/auth/login/",
        json!({"username": "ann", "password": PASSWORD}),
    )
    .await;

    let event = last_event(&app, &boss, "account.deactivated").await;
    assert_eq!(event["user_id"], 1);
    assert_eq!(event["actor_id"], 2, "the staff account did it");
    assert_eq!(event["detail"], json!({"via": "admin_api"}));
    let failed = last_event(&app, &boss, "login.failed").await;
    assert_eq!(failed["detail"], json!({"reason": "inactive"}));

    let (status, shown) = call(
        &app,
        Method::POST,
        "/admin/api/users/ann/reactivate/",
        &boss,
    )
    .await;
    assert_eq!(
        (status, &shown["is_active"]),
        (StatusCode::OK, &json!(true))
    );
    app.api_login("ann", PASSWORD).await;
    app.stop().await;
}

#[tokio::test]
async fn a_forced_reset_stops_the_password_ends_sessions_and_mails_a_link() {
    let app = TestApp::spawn().await;
    let (refresh, boss) = ann_logged_in_and_boss(&app).await;
    let (status, _) = call(
        &app,
        Method::POST,
        "/admin/api/users/ann/reset-password/",
        &boss,
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let mail = app.mail.wait_for("ann@x.io", 1).await.remove(0);
    assert_eq!(mail.subject, "Password reset on Tessera");
    assert!(mail.link().contains("/reset/"), "{}", mail.link());
    assert_refused(&app, "/api/auth/refresh/", json!({"refresh": refresh})).await;
    assert_refused(
        &app,
        "/api/auth/login/",
        json!({"username": "ann", "password": PASSWORD}),
    )
    .await;
    let event = last_event(&app, &boss, "password.reset_forced").await;
    assert_eq!(
        (&event["user_id"], &event["actor_id"]),
        (&json!(1), &json!(2))
    );
    app.stop().await;
}

#[tokio::test]
async fn a_lost_phone_s_second_factor_is_reset_and_the_owner_told() {
    let app = TestApp::spawn().await;
    app.api_two_fa_user("ann", "ann@x.io").await;
    let boss = staff(&app).await;
    let seen = app.mail.received_by("ann@x.io");
    let (status, shown) = call(&app, Method::POST, "/admin/api/users/ann/reset-2fa/", &boss).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(shown["two_fa_enabled"], false);
    assert_eq!(shown["two_factor"]["recovery_codes_left"], 0);
    app.mail
        .wait_for_subject("ann@x.io", seen, "Two-factor authentication is off")
        .await;
    app.api_login("ann", PASSWORD).await;
    let event = last_event(&app, &boss, "two_factor.reset").await;
    assert_eq!(event["actor_id"], 2);
    expect(
        app.send_auth(Method::POST, "/admin/api/users/ann/reset-2fa/", &boss, json!({}))
            .await,
        StatusCode::CONFLICT,
        json!({"detail": "Two-factor authentication is off for this account.", "code": "two_factor_off"}),
    )
    .await;
    app.stop().await;
}

#[tokio::test]
async fn sessions_end_the_first_mail_goes_again_and_staff_changes_hands() {
    let app = TestApp::spawn().await;
    let (refresh, boss) = ann_logged_in_and_boss(&app).await;
    let (status, shown) = call(
        &app,
        Method::POST,
        "/admin/api/users/ann/end-sessions/",
        &boss,
    )
    .await;
    assert_eq!(
        (status, shown["sessions"].clone()),
        (StatusCode::OK, json!([]))
    );
    assert_refused(&app, "/api/auth/refresh/", json!({"refresh": refresh})).await;

    let seen = app.mail.received_by("ann@x.io");
    let (status, body) = call(&app, Method::POST, "/admin/api/users/ann/resend/", &boss).await;
    assert_eq!(
        (status, body),
        (
            StatusCode::OK,
            json!({"resent": "verification", "to": "ann@x.io"})
        )
    );
    app.mail
        .wait_for_subject("ann@x.io", seen, "Verify your email")
        .await;
    expect(
        app.send_auth(Method::POST, "/admin/api/users/boss/resend/", &boss, json!({}))
            .await,
        StatusCode::CONFLICT,
        json!({"detail": "The account is active and its address verified: there is nothing to resend.", "code": "nothing_to_resend"}),
    )
    .await;

    let (status, shown) = call(&app, Method::POST, "/admin/api/users/ann/staff/", &boss).await;
    assert_eq!((status, &shown["is_staff"]), (StatusCode::OK, &json!(true)));
    let ann = app.api_access("ann").await;
    let (status, shown) = call(&app, Method::DELETE, "/admin/api/users/boss/staff/", &ann).await;
    assert_eq!(
        (status, &shown["is_staff"]),
        (StatusCode::OK, &json!(false))
    );
    expect(
        app.send_auth(Method::DELETE, "/admin/api/users/ann/staff/", &ann, json!({}))
            .await,
        StatusCode::CONFLICT,
        json!({"detail": "An operator cannot do this to their own account.", "code": "own_account"}),
    )
    .await;
    let event = last_event(&app, &ann, "account.staff_revoked").await;
    assert_eq!(
        (&event["user_id"], &event["actor_id"]),
        (&json!(2), &json!(1))
    );
    app.stop().await;
}

#[tokio::test]
async fn a_deleted_account_is_gone_but_its_deletion_is_recorded() {
    let app = TestApp::spawn().await;
    app.api_create("ann", "ann@x.io").await;
    let boss = staff(&app).await;
    let r = app
        .send_auth(Method::DELETE, "/admin/api/users/ann/", &boss, json!({}))
        .await;
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    let r = app.get_auth("/admin/api/users/ann/", &boss).await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    let event = last_event(&app, &boss, "account.deleted").await;
    assert_eq!(
        event["detail"],
        json!({"username": "ann", "via": "admin_api"})
    );
    assert_eq!(event["user_id"], 1);
    let (status, body) = call(&app, Method::GET, "/admin/api/events/?kind=nope", &boss).await;
    assert_eq!(
        (status, body),
        (
            StatusCode::BAD_REQUEST,
            json!({"kind": ["Not a kind of event."]})
        )
    );
    app.stop().await;
}

#[tokio::test]
async fn the_admin_api_is_rate_limited_per_staff_account() {
    let app = TestApp::spawn_with(|c| {
        c.rate_limits = "admin_account=2/1m".parse().unwrap();
    })
    .await;
    let boss = staff(&app).await;
    for _ in 0..2 {
        let r = app.get_auth("/admin/api/users/", &boss).await;
        assert_eq!(r.status(), StatusCode::OK);
    }
    let r = app.get_auth("/admin/api/users/", &boss).await;
    assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS);
    app.stop().await;
}
