//! Every error answers in DRF's JSON shape: no framework rejection escapes as `text/plain`.
//! Every route of both dialects is called with each of its path segments made undecodable
//! (`%FF` is not UTF-8). (Query strings are read leniently, undecodable bytes replaced: the
//! `drf::Query` rejection is covered by its unit test.)

use crate::support::TestApp;
use reqwest::{Method, StatusCode};
use serde_json::json;

const SNAPSHOTS: [&str; 2] = [
    include_str!("snapshots/djoser_routes.txt"),
    include_str!("snapshots/authapi_routes.txt"),
];

#[tokio::test]
async fn no_rejection_answers_text_plain() {
    let app = TestApp::spawn_with(|c| c.rate_limiting = false).await;
    let (_, access, _) = app.logged_in("ann@x.io", "ann").await;
    let lines = SNAPSHOTS.iter().flat_map(|s| s.lines());
    let mut calls = 0;
    for line in lines.filter(|l| !l.starts_with('#') && !l.trim().is_empty()) {
        let (path, methods) = line.split_once(char::is_whitespace).unwrap();
        let segments: Vec<&str> = path.split('/').collect();
        for i in (0..segments.len()).filter(|&i| !segments[i].is_empty()) {
            let mut broken = segments.clone();
            broken[i] = "%FF";
            let broken = broken.join("/");
            for method in methods.trim().split(',').filter(|m| *m != "HEAD") {
                let method = Method::from_bytes(method.as_bytes()).unwrap();
                let r = app
                    .client
                    .request(method.clone(), app.url(&broken))
                    .bearer_auth(&access)
                    .json(&json!({}))
                    .send()
                    .await
                    .unwrap();
                calls += 1;
                let status = r.status();
                let kind = r
                    .headers()
                    .get("content-type")
                    .map(|v| v.to_str().unwrap().to_owned())
                    .unwrap_or_default();
                assert!(!status.is_server_error(), "{method} {broken}: {status}");
                assert!(
                    kind.starts_with("application/json") || kind.starts_with("text/html"),
                    "{method} {broken}: {status} {kind:?} {}",
                    r.text().await.unwrap()
                );
            }
        }
    }
    assert!(calls > 100, "{calls} calls");

    // A path parameter that is not UTF-8 names nothing.
    let r = app.get_auth("/api/auth/update/%FF/", &access).await;
    let r2 = app
        .client
        .patch(app.url("/api/auth/update/%FF/"))
        .bearer_auth(&access)
        .json(&json!({}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(r2.status(), StatusCode::NOT_FOUND);
    assert_eq!(
        r2.json::<serde_json::Value>().await.unwrap(),
        json!({"detail": "Not found."})
    );
    let r = app.get("/api/auth/reset/%FF/token/").await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    assert_eq!(r.headers()["content-type"], "application/json");

    app.stop().await;
}
