//! `TESSERA_TEMPLATE_DIR`: the operator's templates and sentences replace the built-in ones
//! without a rebuild; a broken or misnamed one stops start-up, naming its file.

use crate::support::{Browser, PASSWORD, TestApp, csrf_input};
use base64::Engine;
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use tessera_core::domain::Lang;

/// A fresh directory holding `files` (path under it, content).
fn template_dir(files: &[(&str, &str)]) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("tessera-tpl-{}", uuid::Uuid::new_v4().simple()));
    for (path, content) in files {
        let path = dir.join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, content).unwrap();
    }
    dir
}

#[tokio::test]
async fn an_override_is_what_a_delivered_mail_says() {
    let dir = template_dir(&[
        (
            "mail/activation.subject.txt",
            "Welcome to {{ site_name }}, {{ username }}",
        ),
        (
            "mail/activation.body.html",
            "<h1>{{ t(\"activation.action\") }}</h1><p><a href=\"{{ url }}\">Go</a></p>",
        ),
        ("lang/en.txt", "activation.action = Click below, please:\n"),
    ]);
    let app = TestApp::spawn_with(|c| c.template_dir = Some(dir.clone())).await;
    app.register("ann@x.io", "ann").await;
    let mail = app.mail.wait_for("ann@x.io", 1).await.pop().unwrap();
    assert_eq!(mail.subject, "Welcome to Tessera, ann");
    assert!(
        mail.html.starts_with("<h1>Click below, please:</h1>"),
        "{}",
        mail.html
    );
    assert!(
        mail.text.contains("Click below, please:"),
        "the sentence serves the text too"
    );
    let (uid, token) = mail.link_parts("/activate/");
    app.activate(&uid, &token).await;
    app.login("ann@x.io", PASSWORD).await;
    app.stop().await;
    let _ = std::fs::remove_dir_all(dir);
}

#[tokio::test]
async fn page_sentences_and_page_templates_are_overridden_too() {
    let dir = template_dir(&[
        (
            "lang/es.txt",
            "page.password_reset.title = ¿Sin contraseña?\n\
             page.password_reset.intro = Escribe tu correo y te ayudamos.\n\
             page.error.invalid_email = Eso no es un correo.\n",
        ),
        (
            "pages/password_reset_done.html",
            "<html lang=\"{{ lang }}\"><p>{{ t(\"page.password_reset_done.spam\") }}</p></html>",
        ),
    ]);
    let app = TestApp::spawn_with(|c| {
        c.template_dir = Some(dir.clone());
        c.default_lang = Lang::Es;
    })
    .await;
    let mut browser = Browser::new();
    let url = app.url("/api/auth/password_reset/");
    let form = browser.page(&url).await;
    let title = "<title>¿Sin contraseña? | Tessera</title>";
    assert!(form.contains(title), "{form}");
    assert!(
        form.contains("<p>Escribe tu correo y te ayudamos.</p>"),
        "{form}"
    );
    let csrf = csrf_input(&form);
    let bad = [("csrfmiddlewaretoken", csrf.as_str()), ("email", "bad")];
    let page = browser.post_page(&url, &bad).await;
    assert!(page.contains("<li>Eso no es un correo.</li>"), "{page}");
    let done = browser
        .page(&app.url("/api/auth/password_reset/done/"))
        .await;
    let overridden = "<html lang=\"es\"><p>Si no recibes ningún correo";
    assert!(done.starts_with(overridden), "{done}");
    let english = browser
        .page(&app.url("/api/auth/password_reset/?lang=en"))
        .await;
    let title = "<title>Password reset | Tessera</title>";
    assert!(english.contains(title), "{english}");
    app.stop().await;
    let _ = std::fs::remove_dir_all(dir);
}

/// The pages' Content-Security-Policy allows an overridden layout's own style, which the
/// built-in one's hash would refuse (the page would show unstyled).
#[tokio::test]
async fn an_overridden_page_style_is_allowed_by_the_pages_policy() {
    let css = "body { background: #fde8e8; }";
    let base = format!(
        "<!doctype html><html lang=\"{{{{ lang }}}}\"><head><title>{{{{ title }}}}</title>\
         <style>{css}</style></head><body>{{% block content %}}{{% endblock %}}</body></html>"
    );
    let dir = template_dir(&[("pages/base.html", &base)]);
    let app = TestApp::spawn_with(|c| c.template_dir = Some(dir.clone())).await;
    let r = app.get("/api/auth/password_reset/").await;
    let policy = r.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .to_owned();
    let page = r.text().await.unwrap();
    assert!(page.contains(&format!("<style>{css}</style>")), "{page}");
    let hash = base64::engine::general_purpose::STANDARD.encode(Sha256::digest(css.as_bytes()));
    assert!(
        policy.contains(&format!("style-src 'sha256-{hash}'")),
        "{policy}"
    );
    app.stop().await;
    let _ = std::fs::remove_dir_all(dir);
}

/// `tessera serve` with this template directory: it must refuse to start; its error output.
fn refused_start(dir: &Path) -> String {
    let db = std::env::temp_dir().join(format!("tessera-tpl-{}.db", uuid::Uuid::new_v4().simple()));
    let out = Command::new(env!("CARGO_BIN_EXE_tessera"))
        .arg("serve")
        .env("TESSERA_BIND", "127.0.0.1:0")
        .env("TESSERA_DATABASE_URL", format!("sqlite://{}", db.display()))
        .env(
            "TESSERA_SECRET_KEY",
            "template-test-secret-key-0123456789-abcdefg",
        )
        .env("TESSERA_TEMPLATE_DIR", dir)
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert!(!out.status.success(), "it started");
    let _ = std::fs::remove_file(db);
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn a_broken_override_stops_start_up_naming_the_file() {
    let cases: [(&str, &str, &str); 7] = [
        (
            "mail/password_reset.body.html",
            "<p>{% if url %}{{ url }}</p>",
            "syntax",
        ),
        ("mail/login_code.body.txt", "Your code: {{ cod }}", "`cod`"),
        (
            "pages/base.html",
            "{{ t(\"no.such.text\") }}",
            "`no.such.text`",
        ),
        (
            "mail/activaton.body.txt",
            "{{ url }}",
            "not the name of a template",
        ),
        (
            "lang/es.txt",
            "activation.subject = Activa tu cuenta en {sitio}\n",
            "site_name",
        ),
        (
            "lang/fr.txt",
            "page.error.password_too_short = Trop court : {min_length, plural, one {# caractère}}\n",
            "`other",
        ),
        (
            "pages/email_undo.html",
            "<form action=\"{{ lang_querry }}\"></form>",
            "`lang_querry`",
        ),
    ];
    for (path, content, why) in cases {
        let dir = template_dir(&[(path, content)]);
        let err = refused_start(&dir);
        let file = dir.join(path).display().to_string();
        assert!(err.contains(&file), "{path}: {err}");
        assert!(err.contains(why), "{path}: {err}");
        let _ = std::fs::remove_dir_all(dir);
    }
    let missing = std::env::temp_dir().join("tessera-no-such-template-dir");
    let err = refused_start(&missing);
    assert!(err.contains(&missing.display().to_string()), "{err}");
}
