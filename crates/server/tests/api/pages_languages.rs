//! Tessera's pages in the account's language when their link names the account, else in
//! `TESSERA_DEFAULT_LANG` or the `?lang=` asked for; the language carried through the pages'
//! own forms and redirects; the JSON answers in Django's English whatever the language.

use crate::support::{Browser, PASSWORD, TestApp, csrf_input, expect};
use reqwest::StatusCode;
use serde_json::json;
use tessera_core::domain::Lang;

fn location(r: &reqwest::Response) -> String {
    r.headers()["location"].to_str().unwrap().to_owned()
}

/// The page is in `lang` and says `sentence`.
fn assert_says(html: &str, lang: &str, sentence: &str) {
    let tag = format!("<html lang=\"{lang}\">");
    assert!(html.contains(&tag), "{lang}: {html}");
    assert!(html.contains(sentence), "{sentence:?}: {html}");
}

/// Post the reset form at `url` for an address nobody has: where it redirects, and that page.
async fn ask_for_a_link(
    app: &TestApp,
    browser: &mut Browser,
    url: &str,
    csrf: &str,
) -> (String, String) {
    let form = [("csrfmiddlewaretoken", csrf), ("email", "nobody@x.io")];
    let r = browser.post_form(url, &form).await;
    assert_eq!(r.status(), StatusCode::FOUND);
    let to = location(&r);
    let page = browser.page(&app.url(&to)).await;
    (to, page)
}

#[tokio::test]
async fn a_spanish_account_is_led_through_its_reset_in_spanish() {
    let app = TestApp::spawn().await;
    let access = app.api_verified("ana", "ana@x.io").await;
    app.api_set_lang("ana", &access, "es").await;
    let seen = app.mail.received_by("ana@x.io");
    let r = app
        .post("/api/auth/password_reset/", json!({"email": "ana@x.io"}))
        .await;
    expect(r, StatusCode::OK, json!({})).await;
    let mail = app
        .mail
        .wait_for_subject("ana@x.io", seen, "Restablecer la contraseña")
        .await;

    let mut browser = Browser::new();
    let r = browser.get(&app.own_link(&mail.link())).await;
    assert_eq!(r.status(), StatusCode::FOUND);
    let url = app.url(&location(&r));
    assert!(url.ends_with("/set-password/?lang=es"), "{url}");
    let form = browser.page(&url).await;
    let title = "<title>Escribe la contraseña nueva | Tessera</title>";
    assert_says(&form, "es", title);
    assert!(form.contains("<label for=\"id_new_password1\">Contraseña nueva</label>"));
    assert!(form.contains("action=\"?lang=es\""), "{form}");
    let csrf = csrf_input(&form);
    let post = |one: &'static str, two: &'static str| {
        vec![
            ("csrfmiddlewaretoken", csrf.as_str()),
            ("new_password1", one),
            ("new_password2", two),
        ]
    };
    let similar = "La contraseña se parece demasiado a la dirección de correo.";
    let cases = [
        (
            post("a-new-password-9", "a-new-password-8"),
            "Las dos contraseñas no coinciden.",
        ),
        (post("ana@x.io", "ana@x.io"), similar),
        (
            post("4815162342", "4815162342"),
            "Esta contraseña solo tiene números.",
        ),
        (post("ab1", "ab1"), "Debe tener al menos 8 caracteres."),
    ];
    for (form, sentence) in cases {
        let page = browser.post_page(&url, &form).await;
        assert_says(&page, "es", sentence);
        assert!(!page.contains("The password"), "{page}");
    }
    let forged = browser
        .post_form(&url, &[("new_password1", "x"), ("new_password2", "x")])
        .await;
    assert_eq!(forged.status(), StatusCode::FORBIDDEN);
    let page = forged.text().await.unwrap();
    assert_says(&page, "es", "La verificación CSRF ha fallado.");

    let r = browser
        .post_form(&url, &post("a-new-password-9", "a-new-password-9"))
        .await;
    assert_eq!(
        (r.status(), location(&r).as_str()),
        (StatusCode::FOUND, "/api/auth/reset/done/?lang=es")
    );
    let done = browser.page(&app.url(&location(&r))).await;
    assert_says(&done, "es", "Ya tienes tu contraseña nueva.");
    assert!(done.contains(">Continuar a Tessera</a>"), "{done}");
    app.api_login("ana", "a-new-password-9").await;
    app.stop().await;
}

#[tokio::test]
async fn pages_that_know_no_account_speak_the_default_language_or_the_one_asked() {
    let app = TestApp::spawn_with(|c| c.default_lang = Lang::Fr).await;
    let mut browser = Browser::new();
    let url = app.url("/api/auth/password_reset/");
    let form = browser.page(&url).await;
    assert_says(&form, "fr", "Mot de passe oublié\u{202f}?");
    assert!(form.contains("action=\"\""), "the default adds nothing");
    let csrf = csrf_input(&form);
    let bad = [("csrfmiddlewaretoken", csrf.as_str()), ("email", "bad")];
    let page = browser.post_page(&url, &bad).await;
    assert_says(&page, "fr", "<li>Saisissez une adresse e-mail valide.</li>");
    let (to, done) = ask_for_a_link(&app, &mut browser, &url, &csrf).await;
    assert_eq!(to, "/api/auth/password_reset/done/");
    assert_says(&done, "fr", "Si un compte existe avec l’adresse saisie");
    let form = [("csrfmiddlewaretoken", csrf.as_str()), ("email", "x@x.io")];
    let foreign = [("origin", "https://evil.example")];
    let refused = browser.post_form_with(&url, &form, &foreign).await;
    assert_eq!(refused.status(), StatusCode::FORBIDDEN);
    let page = refused.text().await.unwrap();
    let reason = "La vérification de l’origine a échoué\u{a0}: https://evil.example";
    assert_says(&page, "fr", reason);

    // Asked in Spanish: the form, its POST and the page it redirects to stay Spanish.
    let asked = app.url("/api/auth/password_reset/?lang=es");
    let form = browser.page(&asked).await;
    assert_says(&form, "es", "¿Has olvidado tu contraseña?");
    assert!(form.contains("action=\"?lang=es\""), "{form}");
    let (to, done) = ask_for_a_link(&app, &mut browser, &asked, &csrf).await;
    assert_eq!(to, "/api/auth/password_reset/done/?lang=es");
    assert_says(&done, "es", "revisa la carpeta de spam");
    let english = browser
        .page(&app.url("/api/auth/reset/done/?lang=en"))
        .await;
    assert_says(&english, "en", "Your password has been set.");
    let unknown = browser
        .page(&app.url("/api/auth/reset/done/?lang=de"))
        .await;
    assert_says(&unknown, "fr", "Votre mot de passe a été défini.");
    let invalid = browser.page(&app.url("/api/auth/reset/MQ/abc-123/")).await;
    let sentence = "Le lien de réinitialisation du mot de passe n’est pas valide";
    assert_says(&invalid, "fr", sentence);

    // The JSON answers keep Django's English.
    let r = app
        .post("/api/auth/password_reset/", json!({"email": "bad"}))
        .await;
    let body = json!({"email": ["Enter a valid email address."]});
    expect(r, StatusCode::BAD_REQUEST, body).await;
    app.stop().await;
}

#[tokio::test]
async fn the_verification_and_undo_pages_speak_the_accounts_language() {
    let mut app = TestApp::spawn_with(|c| c.default_lang = Lang::Fr).await;
    // Made through the Djoser dialect while the default was French: the account is French.
    let (_, access, _) = app.logged_in("ann@x.io", "ann").await;
    app.restart(|c| c.default_lang = Lang::En).await;
    let changed = "Votre adresse e-mail de connexion a été modifiée";
    let undo = app
        .djoser_undo_link(&access, "ann@x.io", "new@x.io", changed)
        .await;
    let mut browser = Browser::new();
    let form = browser.page(&undo).await;
    let title = "<title>Annuler le changement d’adresse e-mail | Tessera</title>";
    assert_says(&form, "fr", title);
    assert!(form.contains("<dd>ann@x.io</dd>") && form.contains("<dd>new@x.io</dd>"));
    assert!(form.contains("action=\"?lang=fr\""), "{form}");
    let csrf = csrf_input(&form);
    let posted = format!("{undo}?lang=fr");
    let done = browser
        .post_page(&posted, &[("csrfmiddlewaretoken", &csrf)])
        .await;
    assert_says(
        &done,
        "fr",
        "L’adresse de connexion du compte est de nouveau",
    );
    let reset = "<a href=\"/api/auth/password_reset/?lang=fr\">";
    assert!(done.contains(reset), "{done}");
    let again = browser.page(&undo).await;
    assert_says(&again, "en", "This link is invalid or has expired");

    // An Auth API account in Spanish verifies its address on a Spanish page.
    let body = json!({"username": "ana", "email": "ana@x.io", "password": PASSWORD,
        "password2": PASSWORD, "lang": "es"});
    let r = app.post("/api/auth/", body).await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let access = app.api_access("ana").await;
    let r = app
        .post_auth("/api/auth/verify_email/", &access, json!({}))
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let mail = app.mail.wait_for("ana@x.io", 1).await.pop().unwrap();
    let link = app.own_link(&mail.link());
    let broken = format!("{}x/", link.trim_end_matches('/'));
    let page = browser.page(&broken).await;
    assert_says(
        &page,
        "en",
        "This verification link is invalid or has expired.",
    );
    let page = browser.page(&link).await;
    assert_says(&page, "es", "<h1>Dirección de correo verificada</h1>");
    app.stop().await;
}
