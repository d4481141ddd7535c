//! The route table, pinned: every path in `snapshots/djoser_routes.txt` exists and allows
//! exactly the methods listed there.

use crate::support::TestApp;
use reqwest::{Method, StatusCode};
use std::collections::BTreeSet;

#[tokio::test]
async fn the_route_table_matches_the_snapshot() {
    let app = TestApp::spawn().await;
    let snapshot = include_str!("snapshots/djoser_routes.txt");
    for line in snapshot
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
    {
        let (path, methods) = line.split_once(char::is_whitespace).unwrap();
        let expected: BTreeSet<&str> = methods.trim().split(',').collect();
        let r = app
            .client
            .request(Method::TRACE, app.url(path))
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
