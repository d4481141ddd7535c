//! `TESSERA_TEMPLATE_DIR`: the operator's templates and sentences replace the built-in ones
//! without a rebuild; a broken or misnamed one stops start-up, naming its file.

use crate::support::{PASSWORD, TestApp};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

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
    let cases: [(&str, &str, &str); 5] = [
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
