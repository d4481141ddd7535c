//! Service tokens: `tessera service …` manages services, `internal/auth/` issues their tokens,
//! and a service token is no user token.

use crate::support::{TestApp, claims, expect, status_json};
use reqwest::StatusCode;
use serde_json::json;

#[tokio::test]
async fn a_registered_service_obtains_a_twelve_hour_token() {
    let app = TestApp::spawn().await;
    let (ok, out, err) = app.cli(
        &["service", "add", "matchmaking"],
        "matchmaking-secret-0001\n",
    );
    assert!(ok, "{out}{err}");
    assert!(
        !out.contains("matchmaking-secret-0001"),
        "a given secret is not echoed"
    );
    for path in ["/api/auth/internal/auth/", "/api/auth/internal/auth"] {
        let (status, body) = status_json(
            app.post(
                path,
                json!({"serviceName": "matchmaking", "password": "matchmaking-secret-0001"}),
            )
            .await,
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let c = claims(body["token"].as_str().unwrap());
        assert_eq!(
            (c["token_type"].as_str(), c["service_name"].as_str()),
            (Some("service"), Some("matchmaking"))
        );
        assert_eq!(
            c["exp"].as_i64().unwrap() - c["iat"].as_i64().unwrap(),
            43_200
        );
        assert_eq!(c["jti"].as_str().map(str::len), Some(32));
    }
    let form = app
        .client
        .post(app.url("/api/auth/internal/auth/"))
        .form(&[
            ("serviceName", "matchmaking"),
            ("password", "matchmaking-secret-0001"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(form.status(), StatusCode::OK);
    app.stop().await;
}

#[tokio::test]
async fn bad_service_credentials_are_400() {
    let app = TestApp::spawn().await;
    let (ok, _, err) = app.cli(&["service", "add", "history"], "history-secret-00001\n");
    assert!(ok, "{err}");
    let refused = json!({"detail": "Invalid service credentials.",
                         "non_field_errors": ["Invalid credentials"]});
    expect(
        app.post(
            "/api/auth/internal/auth/",
            json!({"serviceName": "history", "password": "wrong-secret-000000"}),
        )
        .await,
        StatusCode::BAD_REQUEST,
        refused.clone(),
    )
    .await;
    expect(
        app.post(
            "/api/auth/internal/auth/",
            json!({"serviceName": "nobody", "password": "history-secret-00001"}),
        )
        .await,
        StatusCode::BAD_REQUEST,
        refused,
    )
    .await;
    expect(app.post("/api/auth/internal/auth/", json!({})).await, StatusCode::BAD_REQUEST,
        json!({"serviceName": ["This field is required."], "password": ["This field is required."]})).await;
    app.stop().await;
}

#[tokio::test]
async fn a_service_token_is_refused_where_a_user_token_is_required() {
    let app = TestApp::spawn().await;
    app.cli(&["service", "add", "users"], "users-service-secret-1\n");
    let (_, body) = status_json(
        app.post(
            "/api/auth/internal/auth/",
            json!({"serviceName": "users", "password": "users-service-secret-1"}),
        )
        .await,
    )
    .await;
    let token = body["token"].as_str().unwrap();
    for path in ["/auth/users/me/", "/api/auth/users/"] {
        let (status, body) = status_json(app.get_auth(path, token).await).await;
        assert_eq!(
            (status, body["code"].as_str()),
            (StatusCode::UNAUTHORIZED, Some("token_not_valid")),
            "{path} {body}"
        );
    }
    expect(
        app.post("/api/auth/refresh/", json!({"refresh": token}))
            .await,
        StatusCode::UNAUTHORIZED,
        json!({"detail": "Token is invalid", "code": "token_not_valid"}),
    )
    .await;
    app.stop().await;
}

#[tokio::test]
async fn services_are_listed_rotated_and_removed_from_the_cli() {
    let app = TestApp::spawn().await;
    let (ok, out, _) = app.cli(&["service", "add", "chat"], "");
    assert!(ok);
    let generated = out
        .lines()
        .find_map(|l| l.strip_prefix("secret (shown once): "))
        .expect("a generated secret")
        .to_owned();
    let login = |secret: String| json!({"serviceName": "chat", "password": secret});
    assert_eq!(
        app.post("/api/auth/internal/auth/", login(generated.clone()))
            .await
            .status(),
        StatusCode::OK
    );
    let (ok, _, err) = app.cli(&["service", "add", "chat"], "another-secret-0000001\n");
    assert!(!ok && err.contains("exists"), "{err}");
    let (ok, _, err) = app.cli(&["service", "add", "weak"], "short\n");
    assert!(!ok && err.contains("16"), "{err}");
    let (ok, out, _) = app.cli(&["service", "list"], "");
    assert!(
        ok && out.contains("chat") && !out.contains(&generated),
        "{out}"
    );
    let (ok, _, _) = app.cli(&["service", "rotate", "chat"], "rotated-secret-000001\n");
    assert!(ok);
    assert_eq!(
        app.post("/api/auth/internal/auth/", login(generated))
            .await
            .status(),
        StatusCode::BAD_REQUEST
    );
    assert_eq!(
        app.post(
            "/api/auth/internal/auth/",
            login("rotated-secret-000001".into())
        )
        .await
        .status(),
        StatusCode::OK
    );
    let (ok, _, _) = app.cli(&["service", "remove", "chat"], "");
    assert!(ok);
    assert_eq!(
        app.post(
            "/api/auth/internal/auth/",
            login("rotated-secret-000001".into())
        )
        .await
        .status(),
        StatusCode::BAD_REQUEST
    );
    let (ok, _, err) = app.cli(&["service", "remove", "chat"], "");
    assert!(!ok && err.contains("no service"), "{err}");
    app.stop().await;
}
