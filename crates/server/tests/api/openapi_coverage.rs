//! The API described covers the router: every path the router serves is in `/openapi.json`
//! and every path there is served, each allowing exactly the documented methods; with
//! `/metrics` on a listener of its own, the main document leaves it out. `/docs` serves
//! Swagger UI under a policy of its own, leaving the pages' strict one as it is.

use crate::support::TestApp;
use reqwest::{Method, StatusCode};
use serde_json::Value;
use std::collections::BTreeSet;
use tessera_http::MetricsAt;

/// The path templates the app's router holds, read from its `Debug` form (axum lists its
/// route table there as `RouteId(n): "/path"`; axum offers no other way to list it).
fn served_paths(at: MetricsAt) -> BTreeSet<String> {
    let text = format!("{:?}", tessera_http::routes(at));
    // The routes', not the fallback's (`fallback_router` follows `path_router`).
    let (routes, _) = text
        .split_once("fallback_router")
        .expect("axum's Router Debug");
    let mut paths = BTreeSet::new();
    let mut rest = routes;
    while let Some(start) = rest.find("RouteId(") {
        rest = &rest[start + "RouteId(".len()..];
        let digits = rest.len() - rest.trim_start_matches(|c: char| c.is_ascii_digit()).len();
        if let Some(quoted) = rest[digits..].strip_prefix("): \"") {
            let end = quoted.find('"').expect("a closing quote");
            paths.insert(quoted[..end].to_owned());
        }
    }
    assert!(
        paths.len() > 50,
        "axum's Debug form no longer lists the routes as read here: {paths:?}"
    );
    paths
}

fn documented_paths(doc: &Value) -> BTreeSet<String> {
    doc["paths"].as_object().unwrap().keys().cloned().collect()
}

async fn document(app: &TestApp) -> Value {
    let r = app.get("/openapi.json").await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.headers()["content-type"], "application/json");
    r.json().await.unwrap()
}

fn assert_same(served: &BTreeSet<String>, documented: &BTreeSet<String>) {
    let undocumented: Vec<_> = served.difference(documented).collect();
    let unserved: Vec<_> = documented.difference(served).collect();
    assert!(
        undocumented.is_empty() && unserved.is_empty(),
        "served but not in the document: {undocumented:#?}\nin the document but not served: {unserved:#?}"
    );
}

#[tokio::test]
async fn the_document_names_every_route_the_router_serves() {
    let app = TestApp::spawn().await;
    let doc = document(&app).await;
    assert_same(
        &served_paths(MetricsAt::ThisListener),
        &documented_paths(&doc),
    );
    app.stop().await;
    let own = tessera_http::openapi::document(MetricsAt::OwnListener);
    let own: Value = serde_json::from_str(&own.to_json().unwrap()).unwrap();
    assert!(own["paths"].get("/metrics").is_none());
    assert_same(
        &served_paths(MetricsAt::OwnListener),
        &documented_paths(&own),
    );
}

/// A sample value for a path parameter, so that the path is served.
fn sample(parameter: &str) -> &'static str {
    match parameter {
        "id" => "1",
        "username" => "ann",
        "email" => "a@x.io",
        "uid" => "MQ",
        "file" => "index.css",
        _ => "x",
    }
}

fn concrete(template: &str) -> String {
    let mut path = String::new();
    for segment in template.split_inclusive('/') {
        let (name, slash) = match segment.strip_suffix('/') {
            Some(s) => (s, "/"),
            None => (segment, ""),
        };
        match name.strip_prefix('{').and_then(|n| n.strip_suffix('}')) {
            Some(parameter) => path.push_str(sample(parameter)),
            None => path.push_str(name),
        }
        path.push_str(slash);
    }
    path
}

const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

#[tokio::test]
async fn every_documented_path_allows_exactly_its_documented_methods() {
    let app = TestApp::spawn().await;
    let doc = document(&app).await;
    // Views that need a login authenticate before the method check.
    app.api_create("ann", "ann@x.io").await;
    let access = app.api_access("ann").await;
    let mut wrong = Vec::new();
    for (template, item) in doc["paths"].as_object().unwrap() {
        let mut expected: BTreeSet<String> = METHODS
            .iter()
            .filter(|m| item.get(**m).is_some())
            .map(|m| m.to_uppercase())
            .collect();
        if expected.contains("GET") {
            expected.insert("HEAD".into());
        }
        let path = concrete(template);
        let r = app
            .client
            .request(Method::TRACE, app.url(&path))
            .bearer_auth(&access)
            .send()
            .await
            .unwrap();
        let allowed: BTreeSet<String> = match r.headers().get("allow") {
            Some(allow) => allow
                .to_str()
                .unwrap()
                .split(',')
                .map(|m| m.trim().to_owned())
                .collect(),
            None => BTreeSet::new(),
        };
        if r.status() != StatusCode::METHOD_NOT_ALLOWED || allowed != expected {
            wrong.push(format!(
                "{path}: {} allows {allowed:?}, documented {expected:?}",
                r.status()
            ));
        }
    }
    assert!(wrong.is_empty(), "{wrong:#?}");
    app.stop().await;
}

#[tokio::test]
async fn docs_serves_swagger_ui_under_its_own_policy() {
    let app = TestApp::spawn().await;
    let plain = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let r = plain.get(app.url("/docs")).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::PERMANENT_REDIRECT);
    assert_eq!(r.headers()["location"], "/docs/");

    let r = app.get("/docs/").await;
    assert_eq!(r.status(), StatusCode::OK);
    let policy = r.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .to_owned();
    let page = r.text().await.unwrap();
    assert!(page.contains("swagger-ui-bundle.js"), "{page}");
    for part in [
        "default-src 'none'",
        "script-src 'self'",
        "connect-src 'self'",
        "frame-ancestors 'none'",
    ] {
        assert!(policy.contains(part), "{policy}");
    }
    assert!(!policy.contains("unsafe"), "{policy}");
    // Every script and stylesheet the page names is served from here.
    for file in [
        "swagger-ui-bundle.js",
        "swagger-ui-standalone-preset.js",
        "swagger-ui.css",
        "index.css",
    ] {
        assert!(page.contains(file), "{file}");
        let r = app.get(&format!("/docs/{file}")).await;
        assert_eq!(r.status(), StatusCode::OK, "{file}");
    }
    let init = app
        .get("/docs/swagger-initializer.js")
        .await
        .text()
        .await
        .unwrap();
    assert!(init.contains("\"/openapi.json\""), "{init}");
    assert!(!init.contains("petstore"), "{init}");
    let r = app.get("/docs/no-such-file.js").await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    assert_eq!(r.json::<Value>().await.unwrap()["detail"], "Not found.");

    // The pages keep their own, script-free policy.
    let r = app.get("/api/auth/password_reset/").await;
    let policy = r.headers()["content-security-policy"].to_str().unwrap();
    assert!(!policy.contains("script-src"), "{policy}");
    app.stop().await;
}
