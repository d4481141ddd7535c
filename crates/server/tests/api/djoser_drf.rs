//! What any DRF backend does: parse errors, media types, methods, bearer handling, ids.

use crate::support::{TestApp, expect};
use reqwest::StatusCode;
use serde_json::json;

#[tokio::test]
async fn malformed_json_is_400_with_detail() {
    let app = TestApp::spawn().await;
    let r = app
        .client
        .post(app.url("/auth/jwt/create/"))
        .header("content-type", "application/json")
        .body("{not json")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    let body: serde_json::Value = r.json().await.unwrap();
    assert!(
        body["detail"]
            .as_str()
            .unwrap()
            .starts_with("JSON parse error - "),
        "{body}"
    );
    app.stop().await;
}

#[tokio::test]
async fn unsupported_media_type_is_415() {
    let app = TestApp::spawn().await;
    let r = app
        .client
        .post(app.url("/auth/users/"))
        .header("content-type", "text/plain")
        .body("hi")
        .send()
        .await
        .unwrap();
    expect(
        r,
        StatusCode::UNSUPPORTED_MEDIA_TYPE,
        json!({"detail": "Unsupported media type \"text/plain\" in request."}),
    )
    .await;
    app.stop().await;
}

#[tokio::test]
async fn a_body_that_is_not_an_object_is_400() {
    let app = TestApp::spawn().await;
    expect(
        app.post("/auth/users/", json!([1, 2])).await,
        StatusCode::BAD_REQUEST,
        json!({"non_field_errors": ["Invalid data. Expected a dictionary, but got list."]}),
    )
    .await;
    app.stop().await;
}

#[tokio::test]
async fn wrong_method_is_405_with_allow() {
    let app = TestApp::spawn().await;
    let r = app.get("/auth/jwt/create/").await;
    assert_eq!(r.headers()["allow"], "POST");
    expect(
        r,
        StatusCode::METHOD_NOT_ALLOWED,
        json!({"detail": "Method \"GET\" not allowed."}),
    )
    .await;
    // Djoser's user views authenticate before they look at the method, as DRF does: an
    // anonymous caller gets 401, a logged-in one the 405.
    let r = app
        .client
        .delete(app.url("/auth/users/activation/"))
        .send()
        .await
        .unwrap();
    expect(
        r,
        StatusCode::UNAUTHORIZED,
        json!({"detail": "Authentication credentials were not provided."}),
    )
    .await;
    let (_, access, _) = app.logged_in("ann@x.io", "ann").await;
    let r = app
        .client
        .delete(app.url("/auth/users/activation/"))
        .bearer_auth(&access)
        .send()
        .await
        .unwrap();
    assert_eq!(r.headers()["allow"], "POST");
    expect(
        r,
        StatusCode::METHOD_NOT_ALLOWED,
        json!({"detail": "Method \"DELETE\" not allowed."}),
    )
    .await;
    app.stop().await;
}

#[tokio::test]
async fn bearer_errors_use_simplejwt_bodies() {
    let app = TestApp::spawn().await;
    let r = app.get("/auth/users/me/").await;
    assert_eq!(r.headers()["www-authenticate"], "Bearer realm=\"api\"");
    expect(
        r,
        StatusCode::UNAUTHORIZED,
        json!({"detail": "Authentication credentials were not provided."}),
    )
    .await;
    let r = app
        .client
        .get(app.url("/auth/users/me/"))
        .header("authorization", "Basic YTpi")
        .send()
        .await
        .unwrap();
    expect(
        r,
        StatusCode::UNAUTHORIZED,
        json!({"detail": "Authentication credentials were not provided."}),
    )
    .await;
    let r = app
        .client
        .get(app.url("/auth/users/me/"))
        .header("authorization", "Bearer")
        .send()
        .await
        .unwrap();
    expect(r, StatusCode::UNAUTHORIZED, json!({"detail": "Authorization header must contain two space-delimited values", "code": "bad_authorization_header"})).await;
    expect(app.get_auth("/auth/users/me/", "garbage").await, StatusCode::UNAUTHORIZED, json!({
        "detail": "Given token not valid for any token type",
        "code": "token_not_valid",
        "messages": [{"token_class": "AccessToken", "token_type": "access", "message": "Token is invalid"}]
    })).await;
    app.stop().await;
}

#[tokio::test]
async fn a_refresh_token_is_not_a_bearer_token() {
    let app = TestApp::spawn().await;
    let (_, _, refresh) = app.logged_in("ann@x.io", "ann").await;
    let (status, body) =
        crate::support::status_json(app.get_auth("/auth/users/me/", &refresh).await).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(body["messages"][0]["message"], "Token has wrong type");
    app.stop().await;
}

#[tokio::test]
async fn request_ids_are_set_or_echoed_and_unknown_paths_are_json_404() {
    let app = TestApp::spawn().await;
    let r = app.get("/healthz").await;
    assert_eq!(r.status(), StatusCode::OK);
    assert!(!r.headers()["x-request-id"].is_empty());
    let r = app
        .client
        .get(app.url("/nope"))
        .header("x-request-id", "abc-123")
        .send()
        .await
        .unwrap();
    assert_eq!(r.headers()["x-request-id"], "abc-123");
    expect(r, StatusCode::NOT_FOUND, json!({"detail": "Not found."})).await;
    app.stop().await;
}

#[tokio::test]
async fn user_paths_without_the_slash_redirect_like_django() {
    let app = TestApp::spawn().await;
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let r = client
        .post(app.url("/auth/users"))
        .json(&json!({}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::MOVED_PERMANENTLY);
    assert_eq!(r.headers()["location"], "/auth/users/");
    let r = client.get(app.url("/auth/users/me")).send().await.unwrap();
    assert_eq!(r.headers()["location"], "/auth/users/me/");
    // Only where the slashed path exists, as Django's APPEND_SLASH.
    let r = client.get(app.url("/auth/nope")).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    app.stop().await;
}

#[tokio::test]
async fn the_api_root_lists_users() {
    let app = TestApp::spawn().await;
    let r = app.get("/auth/").await;
    let host = app.base.trim_start_matches("http://").to_owned();
    expect(
        r,
        StatusCode::OK,
        json!({"users": format!("http://{host}/auth/users/")}),
    )
    .await;
    app.stop().await;
}

#[tokio::test]
async fn bodies_are_read_as_drf_reads_them() {
    let app = TestApp::spawn().await;
    let required = json!({"username": ["This field is required."], "email": ["This field is required."], "password": ["This field is required."]});
    let r = app
        .client
        .post(app.url("/auth/users/"))
        .header("content-type", "application/json")
        .send()
        .await
        .unwrap();
    expect(r, StatusCode::BAD_REQUEST, required).await;
    let r = app
        .client
        .post(app.url("/auth/users/"))
        .body("{\"a\":1}")
        .send()
        .await
        .unwrap();
    expect(
        r,
        StatusCode::UNSUPPORTED_MEDIA_TYPE,
        json!({"detail": "Unsupported media type \"\" in request."}),
    )
    .await;
    app.stop().await;
}

#[tokio::test]
async fn the_frontend_origin_may_call_cross_origin_and_others_may_not() {
    let app = TestApp::spawn().await;
    let preflight = |origin: &'static str| {
        app.client
            .request(reqwest::Method::OPTIONS, app.url("/auth/users/me/"))
            .header("origin", origin)
            .header("access-control-request-method", "PATCH")
            .header(
                "access-control-request-headers",
                "authorization, content-type",
            )
            .send()
    };
    let r = preflight(crate::support::FRONTEND).await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(
        r.headers()["access-control-allow-origin"],
        crate::support::FRONTEND
    );
    let allowed = r.headers()["access-control-allow-headers"]
        .to_str()
        .unwrap()
        .to_ascii_lowercase();
    assert!(
        allowed.contains("authorization") && allowed.contains("content-type"),
        "{allowed}"
    );
    let r = preflight("https://evil.example").await.unwrap();
    assert!(r.headers().get("access-control-allow-origin").is_none());
    let r = app
        .client
        .get(app.url("/auth/users/me/"))
        .header("origin", crate::support::FRONTEND)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(
        r.headers()["access-control-allow-origin"],
        crate::support::FRONTEND
    );
    app.stop().await;

    let app = TestApp::spawn_with(|c| {
        c.cors_allowed_origins = Some("https://a.example, https://b.example/".into())
    })
    .await;
    let r = app
        .client
        .get(app.url("/healthz"))
        .header("origin", "https://b.example")
        .send()
        .await
        .unwrap();
    assert_eq!(
        r.headers()["access-control-allow-origin"],
        "https://b.example"
    );
    let r = app
        .client
        .get(app.url("/healthz"))
        .header("origin", crate::support::FRONTEND)
        .send()
        .await
        .unwrap();
    assert!(r.headers().get("access-control-allow-origin").is_none());
    app.stop().await;
}
