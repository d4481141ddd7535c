//! `tessera import django` with a Djoser deployment's database (made by real Django): every
//! account logs in with its old password in both dialects, the links Django mailed still
//! work, conflicts are reported by row, a dry run writes nothing, a second run changes nothing.

use crate::support::{DjangoSource, TestApp, django_app, django_facts, status_json};
use reqwest::StatusCode;
use serde_json::{Value, json};
use tessera_core::passwords::KNOWN_HASHERS;

/// The users of `facts` that were imported, active, with a usable password.
fn can_log_in(facts: &Value) -> Vec<(String, Value)> {
    let users = facts["users"].as_object().unwrap();
    users
        .iter()
        .filter(|(_, u)| u.get("skipped").is_none() && u["is_active"] == true)
        .filter(|(_, u)| KNOWN_HASHERS.contains(&u["hasher"].as_str().unwrap()))
        .map(|(name, u)| (name.clone(), u.clone()))
        .collect()
}

async fn login_status(app: &TestApp, path: &str, body: Value) -> StatusCode {
    app.post(path, body).await.status()
}

#[tokio::test]
async fn every_old_password_logs_in_in_both_dialects_and_skips_are_reported() {
    let app = django_app("djoser").await;
    let facts = django_facts("djoser");
    let password = facts["password"].as_str().unwrap();
    let (ok, out) = app.import_django(&DjangoSource::sqlite("djoser"), &[]);
    assert!(!ok, "rows were skipped, so the exit status says so: {out}");
    assert!(
        out.contains("users: read 13, imported 10, already present 0, skipped 3"),
        "{out}"
    );
    for line in [
        "skipped user 11 (jo2): the address jo@example.com differs from user 10's Jo@Example.com only by case",
        "skipped user 12 (kim): unknown password hasher \"md5\"",
        "skipped user 13 (lou): the e-mail address \"not-an-address\" does not parse",
        "--allow-skips",
    ] {
        assert!(out.contains(line), "{line} in {out}");
    }
    let users = can_log_in(&facts);
    assert_eq!(users.len(), 8, "one account per hasher and more: {users:?}");
    for (name, user) in &users {
        let email = user["email"].as_str().unwrap();
        let djoser = json!({"email": email, "password": password});
        assert_eq!(
            login_status(&app, "/auth/jwt/create/", djoser).await,
            StatusCode::OK,
            "{name}"
        );
        let authapi = json!({"username": name, "password": password});
        assert_eq!(
            login_status(&app, "/api/auth/login/", authapi).await,
            StatusCode::OK,
            "{name}"
        );
        let wrong = json!({"email": email, "password": "not it"});
        assert_eq!(
            login_status(&app, "/auth/jwt/create/", wrong).await,
            StatusCode::UNAUTHORIZED
        );
    }
    // Upgraded to Argon2id at the first login, as every Django hash is.
    assert!(
        app.db
            .password_hash("ben@example.com")
            .await
            .starts_with("$argon2id$")
    );
    // The inactive account and the unusable password stay shut.
    for email in ["gus@example.com", "ivy@example.com"] {
        let body = json!({"email": email, "password": password});
        assert_eq!(
            login_status(&app, "/auth/jwt/create/", body).await,
            StatusCode::UNAUTHORIZED
        );
    }
    app.stop().await;
}

#[tokio::test]
async fn profile_flags_and_ids_are_kept() {
    let app = django_app("djoser").await;
    let facts = django_facts("djoser");
    let password = facts["password"].as_str().unwrap();
    app.import_django(&DjangoSource::sqlite("djoser"), &["--allow-skips"]);
    let (access, _) = app.login("ana@example.com", password).await;
    let (status, me) = status_json(app.get_auth("/auth/users/me/", &access).await).await;
    assert_eq!(status, StatusCode::OK, "{me}");
    assert_eq!(me["id"], 1);
    for (field, value) in facts["users"]["ana"]["profile"].as_object().unwrap() {
        assert_eq!(&me[field], value, "{field}");
    }
    // hal is staff: the user list shows him every account.
    let (staff, _) = app.login("hal@example.com", password).await;
    let (_, all) = status_json(app.get_auth("/auth/users/", &staff).await).await;
    assert_eq!(all.as_array().map(Vec::len), Some(10), "{all}");
    // A new account takes the next id after the imported ones.
    let id = app.register("new@example.com", "newcomer").await;
    assert_eq!(id, 14, "ids continue after Django's highest");
    app.stop().await;
}

#[tokio::test]
async fn activation_and_reset_links_django_mailed_still_work() {
    let app = django_app("djoser").await;
    let facts = django_facts("djoser");
    app.import_django(&DjangoSource::sqlite("djoser"), &["--allow-skips"]);
    let activation = &facts["users"]["gus"]["activation"];
    let body = json!({"uid": activation["uid"], "token": activation["token"]});
    let r = app.post("/auth/users/activation/", body).await;
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    app.login("gus@example.com", facts["password"].as_str().unwrap())
        .await;

    let reset = &facts["users"]["ana"]["reset"];
    let new_password = "a brand new pass 2";
    let body = json!({"uid": reset["uid"], "token": reset["token"], "new_password": new_password});
    let r = app.post("/auth/users/reset_password_confirm/", body).await;
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    app.login("ana@example.com", new_password).await;
    app.stop().await;
}

#[tokio::test]
async fn a_dry_run_writes_nothing_and_a_second_import_changes_nothing() {
    let app = django_app("djoser").await;
    let source = DjangoSource::sqlite("djoser");
    let (ok, out) = app.import_django(&source, &["--dry-run"]);
    assert!(!ok, "{out}");
    assert!(
        out.contains("users: read 13, to import 10, already present 0, skipped 3"),
        "{out}"
    );
    assert!(out.contains("skipped user 11 (jo2)"), "{out}");
    assert!(app.db.texts("SELECT email FROM users").await.is_empty());
    assert!(
        app.db
            .texts("SELECT jti FROM outstanding_tokens")
            .await
            .is_empty()
    );

    let (ok, out) = app.import_django(&source, &["--allow-skips"]);
    assert!(ok, "{out}");
    // A password changed since the first import is never overwritten.
    let password = django_facts("djoser")["password"]
        .as_str()
        .unwrap()
        .to_owned();
    app.login("cleo@example.com", &password).await;
    let snapshot = "SELECT email || ' ' || password_hash || ' ' || username FROM users ORDER BY id";
    let before = app.db.texts(snapshot).await;
    let (ok, out) = app.import_django(&source, &["--allow-skips"]);
    assert!(ok, "{out}");
    assert!(
        out.contains("users: read 13, imported 0, already present 10, skipped 3"),
        "{out}"
    );
    assert!(
        out.contains("refresh tokens: read 2, imported 0, already present 2"),
        "{out}"
    );
    assert_eq!(app.db.texts(snapshot).await, before);
    assert!(
        app.db
            .password_hash("cleo@example.com")
            .await
            .starts_with("$argon2id$")
    );
    app.stop().await;
}
