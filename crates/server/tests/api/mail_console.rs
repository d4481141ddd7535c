//! The console mail backend, through the real binary: each mail printed decoded, its links
//! whole on one line, so that following a link copied from the output works.

use crate::support::{PASSWORD, ServeProcess, TestDb};
use reqwest::StatusCode;
use serde_json::json;
use std::time::Duration;

const SECRET: &str = "console-mail-secret-key-0123456789-abcdefghij";
const FRONTEND: &str = "http://front.example";

/// The console's output once it holds a line starting with `prefix` (waiting up to 10 s).
async fn printed_line(server: &ServeProcess, prefix: &str) -> (String, String) {
    for _ in 0..200 {
        let out = server.stdout();
        if let Some(line) = out.lines().find(|l| l.starts_with(prefix)) {
            return (line.to_owned(), out.clone());
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!(
        "nothing starting with {prefix} printed: {}",
        server.stdout()
    );
}

#[tokio::test]
async fn the_console_prints_the_activation_link_whole_and_it_activates() {
    let mut db = TestDb::create().await;
    let settings = [
        ("TESSERA_EMAIL_BACKEND", "console".to_owned()),
        ("TESSERA_DATABASE_URL", db.url.clone()),
        ("TESSERA_FRONTEND_URL", FRONTEND.to_owned()),
        ("TESSERA_SITE_NAME", "Tessera Café".to_owned()),
        // A long token segment: quoted-printable would have cut this line.
        (
            "TESSERA_ACTIVATION_URL",
            "account/activate-your-account-now/{uid}/{token}".to_owned(),
        ),
    ];
    let server = ServeProcess::start_with(SECRET, &settings).await;
    let client = reqwest::Client::new();
    let body = json!({"email": "ana@x.io", "username": "ana", "password": PASSWORD});
    let r = client
        .post(format!("{}/auth/users/", server.base))
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::CREATED);
    let prefix = format!("{FRONTEND}/account/activate-your-account-now/");
    let (link, out) = printed_line(&server, &prefix).await;
    assert!(out.contains("To: ana@x.io\n"), "{out}");
    assert!(
        out.contains("Subject: Account activation on Tessera Café\n"),
        "{out}"
    );
    assert!(out.contains(&format!("<a href=\"{link}\">")), "{out}");
    assert!(!out.contains("=\n") && !out.contains("=3D"), "{out}");
    let (uid, token) = link
        .strip_prefix(&prefix)
        .and_then(|rest| rest.split_once('/'))
        .expect("uid/token");
    let r = client
        .post(format!("{}/auth/users/activation/", server.base))
        .json(&json!({"uid": uid, "token": token}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    let r = client
        .post(format!("{}/auth/jwt/create/", server.base))
        .json(&json!({"email": "ana@x.io", "password": PASSWORD}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    server.stop().await;
    db.drop_db().await;
}
