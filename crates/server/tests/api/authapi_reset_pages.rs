//! Django's HTML password-reset flow in the Auth API dialect, driven as a browser would:
//! cookies carried by hand, redirects followed one by one.

use crate::support::{Browser, PASSWORD, PUBLIC, TestApp, csrf_input, expect};
use reqwest::StatusCode;
use serde_json::json;

#[tokio::test]
async fn the_mailed_link_leads_through_the_form_to_a_new_password() {
    let app = TestApp::spawn().await;
    app.api_verified("ann", "ann@x.io").await;
    let seen = app.mail.received_by("ann@x.io");
    let mut browser = Browser::new();

    let form = browser.get(&app.url("/api/auth/password_reset/")).await;
    assert_eq!(form.status(), StatusCode::OK);
    let html = form.text().await.unwrap();
    assert!(
        html.contains("Tessera") && html.contains("<label for=\"id_email\">"),
        "{html}"
    );
    let csrf = csrf_input(&html);
    assert_eq!(browser.cookie("csrftoken").as_deref(), Some(csrf.as_str()));

    let r = browser
        .post_form(
            &app.url("/api/auth/password_reset/"),
            &[("csrfmiddlewaretoken", &csrf), ("email", "ann@x.io")],
        )
        .await;
    assert_eq!(
        (r.status(), r.headers()["location"].to_str().unwrap()),
        (StatusCode::FOUND, "/api/auth/password_reset/done/")
    );
    let done = browser
        .get(&app.url("/api/auth/password_reset/done/"))
        .await
        .text()
        .await
        .unwrap();
    assert!(done.contains("emailed you instructions"));

    let mail = app
        .mail
        .wait_for_subject("ann@x.io", seen, "Password reset")
        .await;
    let link = app.own_link(&mail.link());
    assert!(link.contains("/api/auth/reset/"), "{link}");
    let r = browser.get(&link).await;
    assert_eq!(r.status(), StatusCode::FOUND);
    let session = r.headers()["set-cookie"].to_str().unwrap().to_owned();
    assert!(
        session.contains("HttpOnly") && session.contains("Secure"),
        "served over https: {session}"
    );
    let set_password = r.headers()["location"].to_str().unwrap().to_owned();
    assert!(
        set_password.ends_with("/set-password/")
            && !set_password.contains(&link[link.len() - 20..]),
        "the token left the URL"
    );

    let page = browser
        .get(&app.url(&set_password))
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains("id_new_password1"), "{page}");
    let csrf = csrf_input(&page);
    let r = browser
        .post_form(
            &app.url(&set_password),
            &[
                ("csrfmiddlewaretoken", &csrf),
                ("new_password1", "a-new-password-9"),
                ("new_password2", "a-new-password-9"),
            ],
        )
        .await;
    assert_eq!(
        (r.status(), r.headers()["location"].to_str().unwrap()),
        (StatusCode::FOUND, "/api/auth/reset/done/")
    );
    let complete = browser
        .get(&app.url("/api/auth/reset/done/"))
        .await
        .text()
        .await
        .unwrap();
    assert!(complete.contains("Your password has been set"));

    app.api_login("ann", "a-new-password-9").await;
    let used = browser.get(&link).await.text().await.unwrap();
    assert!(
        used.contains("The password reset link was invalid"),
        "a used link is dead"
    );
    app.stop().await;
}

#[tokio::test]
async fn the_set_password_form_reports_mismatches_and_weak_passwords() {
    let app = TestApp::spawn().await;
    app.api_verified("ann", "ann@x.io").await;
    let seen = app.mail.received_by("ann@x.io");
    let r = app
        .client
        .post(app.url("/api/auth/password_reset/"))
        .json(&json!({"email": "ann@x.io"}))
        .send()
        .await
        .unwrap();
    expect(r, StatusCode::OK, json!({})).await;
    let mail = app
        .mail
        .wait_for_subject("ann@x.io", seen, "Password reset")
        .await;
    let mut browser = Browser::new();
    let r = browser.get(&app.own_link(&mail.link())).await;
    let set_password = app.url(r.headers()["location"].to_str().unwrap());
    let csrf = csrf_input(&browser.get(&set_password).await.text().await.unwrap());
    let page = browser
        .post_form(
            &set_password,
            &[
                ("csrfmiddlewaretoken", &csrf),
                ("new_password1", "a-new-password-9"),
                ("new_password2", "a-new-password-8"),
            ],
        )
        .await;
    assert_eq!(page.status(), StatusCode::OK);
    assert!(
        page.text()
            .await
            .unwrap()
            .contains("The two password fields didn’t match.")
    );
    let page = browser
        .post_form(
            &set_password,
            &[
                ("csrfmiddlewaretoken", &csrf),
                ("new_password1", "ann@x.io"),
                ("new_password2", "ann@x.io"),
            ],
        )
        .await;
    let html = page.text().await.unwrap();
    assert!(
        html.contains("The password is too similar to the email address."),
        "{html}"
    );
    // No CSRF token, no change.
    let forged = browser
        .post_form(
            &set_password,
            &[
                ("new_password1", "forged-pass-123"),
                ("new_password2", "forged-pass-123"),
            ],
        )
        .await;
    assert_eq!(forged.status(), StatusCode::FORBIDDEN);
    app.api_login("ann", PASSWORD).await;
    app.stop().await;
}

#[tokio::test]
async fn forms_need_their_csrf_token_and_unknown_addresses_look_the_same() {
    let app = TestApp::spawn().await;
    let mut browser = Browser::new();
    let r = browser
        .post_form(
            &app.url("/api/auth/password_reset/"),
            &[("email", "ann@x.io")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    assert!(r.text().await.unwrap().contains("CSRF verification failed"));
    let csrf = csrf_input(
        &browser
            .get(&app.url("/api/auth/password_reset"))
            .await
            .text()
            .await
            .unwrap(),
    );
    let r = browser
        .post_form(
            &app.url("/api/auth/password_reset/"),
            &[("csrfmiddlewaretoken", &csrf), ("email", "nobody@x.io")],
        )
        .await;
    assert_eq!(r.headers()["location"], "/api/auth/password_reset/done/");
    let r = app
        .client
        .post(app.url("/api/auth/password_reset/"))
        .json(&json!({"email": "bad"}))
        .send()
        .await
        .unwrap();
    expect(
        r,
        StatusCode::BAD_REQUEST,
        json!({"email": ["Enter a valid email address."]}),
    )
    .await;
    let invalid = browser.get(&app.url("/api/auth/reset/MQ/abc-123/")).await;
    assert_eq!(invalid.status(), StatusCode::OK);
    assert!(
        invalid
            .text()
            .await
            .unwrap()
            .contains("The password reset link was invalid")
    );
    let no_session = browser
        .get(&app.url("/api/auth/reset/MQ/set-password/"))
        .await
        .text()
        .await
        .unwrap();
    assert!(no_session.contains("The password reset link was invalid"));
    assert_eq!(app.db.queued_to("nobody@x.io").await, 0);
    app.stop().await;
}

#[tokio::test]
async fn a_form_post_from_another_site_is_refused_whatever_its_token() {
    let app = TestApp::spawn().await;
    app.api_verified("ann", "ann@x.io").await;
    let seen = app.mail.received_by("ann@x.io");
    let queued = app.db.outbox().await.len();
    let mut browser = Browser::new();
    let url = app.url("/api/auth/password_reset/");
    let csrf = csrf_input(&browser.get(&url).await.text().await.unwrap());
    let form = [
        ("csrfmiddlewaretoken", csrf.as_str()),
        ("email", "ann@x.io"),
    ];
    let foreign = [
        ("origin", "https://evil.example"),
        ("origin", "null"),
        ("referer", "https://evil.example/phish"),
    ];
    for header in foreign {
        let r = browser.post_form_with(&url, &form, &[header]).await;
        assert_eq!(r.status(), StatusCode::FORBIDDEN, "{header:?}");
        let page = r.text().await.unwrap();
        assert!(
            page.contains("CSRF verification failed")
                && page.contains("does not match any trusted origins"),
            "{page}"
        );
    }
    assert_eq!(app.db.outbox().await.len(), queued, "no mail was queued");

    // The site's own origin (the public URL's, or the host it was reached at) passes.
    let own_page = format!("{PUBLIC}/api/auth/password_reset/");
    let own = [
        ("origin", PUBLIC),
        ("referer", own_page.as_str()),
        ("origin", app.base.as_str()),
    ];
    for header in own {
        let r = browser.post_form_with(&url, &form, &[header]).await;
        assert_eq!(r.status(), StatusCode::FOUND, "{header:?}");
    }

    // The set-password form is guarded the same way.
    let mail = app
        .mail
        .wait_for_subject("ann@x.io", seen, "Password reset")
        .await;
    let r = browser.get(&app.own_link(&mail.link())).await;
    let set_password = app.url(r.headers()["location"].to_str().unwrap());
    let csrf = csrf_input(&browser.get(&set_password).await.text().await.unwrap());
    let form = [
        ("csrfmiddlewaretoken", csrf.as_str()),
        ("new_password1", "a-new-password-9"),
        ("new_password2", "a-new-password-9"),
    ];
    let r = browser
        .post_form_with(&set_password, &form, &[("origin", "https://evil.example")])
        .await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    app.api_login("ann", PASSWORD).await;
    app.stop().await;
}
