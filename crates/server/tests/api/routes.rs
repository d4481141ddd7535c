//! The route tables, pinned: every path in `snapshots/*_routes.txt` exists and allows exactly
//! the methods listed there.

use crate::support::TestApp;
use reqwest::{Method, StatusCode};
use std::collections::BTreeSet;

const SNAPSHOTS: [&str; 2] = [
    include_str!("snapshots/djoser_routes.txt"),
    include_str!("snapshots/authapi_routes.txt"),
];

#[tokio::test]
async fn the_route_tables_match_the_snapshots() {
    let app = TestApp::spawn().await;
    // Views that need a login authenticate before the method check (401 to an anonymous
    // caller), so the table is read as a logged-in user.
    app.api_create("ann", "ann@x.io").await;
    let access = app.api_access("ann").await;
    let lines = SNAPSHOTS.iter().flat_map(|s| s.lines());
    for line in lines.filter(|l| !l.starts_with('#') && !l.trim().is_empty()) {
        let (path, methods) = line.split_once(char::is_whitespace).unwrap();
        let expected: BTreeSet<&str> = methods.trim().split(',').collect();
        let r = app
            .client
            .request(Method::TRACE, app.url(path))
            .bearer_auth(&access)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::METHOD_NOT_ALLOWED, "{path}");
        let allow = r.headers()["allow"].to_str().unwrap().to_owned();
        let actual: BTreeSet<&str> = allow.split(',').map(str::trim).collect();
        assert_eq!(actual, expected, "{path}");
    }
    app.stop().await;
}
