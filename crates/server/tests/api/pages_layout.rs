//! Tessera's own pages share one layout (site name, a viewport for phones, the one style),
//! and every final page leads back to the frontend.

use crate::support::{Browser, FRONTEND, TestApp, csrf_input};
use reqwest::StatusCode;
use serde_json::json;

/// The shared layout: the site's name, the viewport tag and the stylesheet.
fn assert_layout(html: &str) {
    assert!(
        html.contains(r#"<meta name="viewport" content="width=device-width, initial-scale=1">"#),
        "{html}"
    );
    assert!(html.contains(r#"<p class="site">Tessera</p>"#), "{html}");
    assert!(
        html.contains("<style>") && html.contains("<main>"),
        "{html}"
    );
}

fn back_link() -> String {
    format!(r#"<p class="back"><a href="{FRONTEND}">Continue to Tessera</a></p>"#)
}

#[tokio::test]
async fn the_verification_pages_look_like_the_reset_pages_and_lead_back() {
    let app = TestApp::spawn().await;
    app.api_create("ann", "ann@x.io").await;
    let access = app.api_access("ann").await;
    let r = app
        .post_auth("/api/auth/verify_email/", &access, json!({}))
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let link = app.own_link(&app.mail.wait_for("ann@x.io", 1).await[0].link());
    let broken = format!("{}x/", link.trim_end_matches('/'));
    let r = app.client.get(&broken).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    let html = r.text().await.unwrap();
    assert_layout(&html);
    assert!(
        html.contains("<title>Invalid link | Tessera</title>"),
        "{html}"
    );
    assert!(!html.contains(r#"class="back""#), "{html}");

    let r = app.client.get(&link).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let html = r.text().await.unwrap();
    assert_layout(&html);
    assert!(html.contains("<h1>E-mail address verified</h1>"), "{html}");
    assert!(html.contains(&back_link()), "{html}");
    app.stop().await;
}

#[tokio::test]
async fn the_reset_and_undo_final_pages_lead_back_to_the_frontend() {
    let app = TestApp::spawn().await;
    let html = app.get("/api/auth/reset/done/").await.text().await.unwrap();
    assert_layout(&html);
    assert!(html.contains(&back_link()), "{html}");

    let (_, access, _) = app.logged_in("ann@x.io", "ann").await;
    let changed = "login e-mail address was changed";
    let undo = app
        .djoser_undo_link(&access, "ann@x.io", "new@x.io", changed)
        .await;
    let mut browser = Browser::new();
    let form = browser.get(&undo).await.text().await.unwrap();
    assert_layout(&form);
    assert!(!form.contains(r#"class="back""#), "{form}");
    let r = browser
        .post_form(&undo, &[("csrfmiddlewaretoken", &csrf_input(&form))])
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let html = r.text().await.unwrap();
    assert_layout(&html);
    assert!(html.contains(&back_link()), "{html}");
    app.stop().await;
}
