//! Mail in the account's language: the Auth API's `lang`, or `TESSERA_DEFAULT_LANG` for
//! accounts made through the Djoser dialect.

use crate::support::{PASSWORD, TestApp};
use reqwest::StatusCode;
use serde_json::json;
use tessera_core::domain::Lang;

#[tokio::test]
async fn an_auth_api_account_is_mailed_in_its_own_language() {
    let app = TestApp::spawn().await;
    let body = json!({"username": "ana", "email": "ana@x.io", "password": PASSWORD,
        "password2": PASSWORD, "lang": "es"});
    assert_eq!(
        app.post("/api/auth/", body).await.status(),
        StatusCode::CREATED
    );
    let access = app.api_access("ana").await;
    let r = app
        .post_auth("/api/auth/verify_email/", &access, json!({}))
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let mail = app
        .mail
        .wait_for_subject("ana@x.io", 0, "Verifica tu dirección de correo")
        .await;
    assert!(mail.text.contains("El equipo de Tessera"), "{}", mail.text);
    let code = mail.code();
    let r = app
        .post_auth(
            "/api/auth/verify_email/confirm/",
            &access,
            json!({"code": code}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);

    // The language changed to French: the next mail is French.
    app.api_set_lang("ana", &access, "fr").await;
    let seen = app.mail.received_by("ana@x.io");
    let r = app
        .post("/api/auth/password_reset/", json!({"email": "ana@x.io"}))
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let mail = app
        .mail
        .wait_for_subject(
            "ana@x.io",
            seen,
            "Réinitialisation du mot de passe sur Tessera",
        )
        .await;
    assert!(
        mail.text
            .contains("au cas où vous l’auriez oublié\u{a0}: ana"),
        "{}",
        mail.text
    );
    app.stop().await;
}

#[tokio::test]
async fn djoser_accounts_are_mailed_in_the_default_language() {
    let app = TestApp::spawn_with(|c| c.default_lang = Lang::Es).await;
    app.register("ana@x.io", "ana").await;
    let mail = app.mail.wait_for("ana@x.io", 1).await.pop().unwrap();
    assert_eq!(mail.subject, "Activación de tu cuenta en Tessera");
    assert!(
        mail.text.contains("¡Gracias por usar nuestro sitio!"),
        "{}",
        mail.text
    );
    let (uid, token) = mail.link_parts("/activate/");
    app.activate(&uid, &token).await;
    app.stop().await;

    let app = TestApp::spawn().await;
    app.register("bob@x.io", "bob").await;
    let mail = app.mail.wait_for("bob@x.io", 1).await.pop().unwrap();
    assert_eq!(
        mail.subject, "Account activation on Tessera",
        "English by default"
    );
    app.stop().await;
}
