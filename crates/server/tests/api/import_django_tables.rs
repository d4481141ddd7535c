//! `tessera import django` on other Django projects (made by real Django): a plain
//! `django.contrib.auth` one (`auth_user`), one whose user table is named with `--user-table`
//! because two tables look like one, and the report past the fifty skipped rows it lists.

use crate::support::{DjangoSource, TestApp, django_app, django_facts, expect, status_json};
use reqwest::StatusCode;
use serde_json::json;

async fn login_status(app: &TestApp, path: &str, name: (&str, &str), password: &str) -> StatusCode {
    let body = json!({name.0: name.1, "password": password});
    app.post(path, body).await.status()
}

/// The accounts of the plain project that carried over work as they did in Django.
async fn plain_accounts_work(app: &TestApp) {
    let facts = django_facts("plain");
    let password = facts["password"].as_str().unwrap();
    for name in ["amy", "bob", "dee"] {
        let email = facts["users"][name]["email"].as_str().unwrap();
        let djoser = login_status(app, "/auth/jwt/create/", ("email", email), password).await;
        assert_eq!(djoser, StatusCode::OK, "{name}");
        let authapi = login_status(app, "/api/auth/login/", ("username", name), password).await;
        assert_eq!(authapi, StatusCode::OK, "{name}");
    }
    // cy is inactive until the activation link Django mailed is followed.
    let cy = ("email", "cy@example.com");
    let shut = login_status(app, "/auth/jwt/create/", cy, password).await;
    assert_eq!(shut, StatusCode::UNAUTHORIZED);
    let link = &facts["users"]["cy"]["activation"];
    app.activate(
        link["uid"].as_str().unwrap(),
        link["token"].as_str().unwrap(),
    )
    .await;
    app.login("cy@example.com", password).await;

    let tokens = &facts["users"]["amy"]["tokens"];
    let access = tokens["access"].as_str().unwrap();
    let (status, me) = status_json(app.get_auth("/auth/users/me/", access).await).await;
    assert_eq!(status, StatusCode::OK, "{me}");
    assert_eq!(
        (me["id"].as_i64(), me["first_name"].as_str()),
        (Some(1), Some("Amy"))
    );
    let r = app
        .post("/auth/jwt/refresh/", json!({"refresh": tokens["refresh"]}))
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let r = app
        .post(
            "/auth/jwt/refresh/",
            json!({"refresh": tokens["refresh_blacklisted"]}),
        )
        .await;
    let blacklisted = json!({"detail": "Token is blacklisted", "code": "token_not_valid"});
    expect(r, StatusCode::UNAUTHORIZED, blacklisted).await;

    // bob is staff: he sees every account taken in, and no skipped one.
    let (staff, _) = app.login("bob@example.com", password).await;
    let (_, all) = status_json(app.get_auth("/auth/users/", &staff).await).await;
    assert_eq!(all.as_array().map(Vec::len), Some(4), "{all}");
}

#[tokio::test]
async fn a_plain_auth_user_database_carries_over() {
    let app = django_app("plain").await;
    let (ok, out) = app.import_django(&DjangoSource::sqlite("plain"), &["--allow-skips"]);
    assert!(ok, "{out}");
    assert!(
        out.contains("SQLite database, user table auth_user"),
        "{out}"
    );
    assert!(
        !out.contains("not carried over:"),
        "auth_user has no column Tessera drops: {out}"
    );
    assert!(
        out.contains("users: read 64, imported 4, already present 0, skipped 60"),
        "{out}"
    );
    assert!(
        out.contains("refresh tokens: read 2, imported 2, already present 0, skipped 0"),
        "{out}"
    );
    plain_accounts_work(&app).await;
    // The reset link Django mailed dee lapsed when she logged in (the token hashes
    // last_login), in Tessera as in Django.
    let reset = &django_facts("plain")["users"]["dee"]["reset"];
    let body =
        json!({"uid": reset["uid"], "token": reset["token"], "new_password": "a new pass 22"});
    let r = app.post("/auth/users/reset_password_confirm/", body).await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    let id = app.register("new@example.com", "newcomer").await;
    assert_eq!(id, 65, "ids continue after every id read, skipped ones too");
    app.stop().await;
}

#[tokio::test]
async fn past_fifty_skipped_rows_are_counted_by_reason() {
    let app = django_app("plain").await;
    let (ok, out) = app.import_django(&DjangoSource::sqlite("plain"), &[]);
    assert!(!ok, "rows were skipped: {out}");
    let lines: Vec<&str> = out.lines().collect();
    let first = lines.iter().position(|l| l.starts_with("users: ")).unwrap();
    assert_eq!(
        lines[first],
        "users: read 64, imported 4, already present 0, skipped 60"
    );
    // The first fifty skipped rows one by one, in id order…
    let listed = &lines[first + 1..first + 51];
    assert!(
        listed.iter().all(|l| l.starts_with("  skipped user ")),
        "{out}"
    );
    assert_eq!(
        listed[0],
        "  skipped user 5 (nomail01): the e-mail address \"\" does not parse"
    );
    assert_eq!(
        listed[45],
        "  skipped user 50 (legacy01): unknown password hasher \"md5\""
    );
    assert_eq!(
        listed[49],
        "  skipped user 54 (legacy05): unknown password hasher \"md5\""
    );
    // …then no more rows, but every skip counted by its reason, those listed too.
    assert_eq!(
        lines[first + 51..first + 54],
        [
            "  skipped in all: 45 (address that does not parse)",
            "  skipped in all: 3 (address twice)",
            "  skipped in all: 12 (unknown password hasher)",
        ],
        "{out}"
    );
    for unlisted in ["skipped user 55 ", "(legacy12)", "(twin1)"] {
        assert!(!out.contains(unlisted), "{unlisted} in {out}");
    }
    assert!(out.contains("60 rows skipped"), "{out}");
    // Counted, not taken in: an account past the fiftieth skip stays out.
    let password = django_facts("plain")["password"]
        .as_str()
        .unwrap()
        .to_owned();
    let twin = login_status(&app, "/api/auth/login/", ("username", "twin3"), &password).await;
    assert_eq!(twin, StatusCode::UNAUTHORIZED);
    app.stop().await;
}

/// Import the members project with and without `--user-table`.
async fn members_import(app: &TestApp, source: &DjangoSource, kind: &str) {
    let (ok, out) = app.import_django(source, &[]);
    assert!(!ok, "{out}");
    assert!(
        out.contains("several tables look like Django's user table (former_members, members); name one with --user-table"),
        "{out}"
    );
    for (table, why) in [
        ("nope", "no such table"),
        (
            "token_blacklist_outstandingtoken",
            "no column password, last_login, email",
        ),
    ] {
        let (ok, out) = app.import_django(source, &["--user-table", table]);
        assert!(!ok, "{out}");
        assert!(
            out.contains(&format!("--user-table {table}: {why}")),
            "{out}"
        );
    }
    assert!(app.db.texts("SELECT email FROM users").await.is_empty());

    let (ok, out) = app.import_django(source, &["--user-table", "members"]);
    assert!(ok, "{out}");
    assert!(
        out.contains(&format!("{kind} database, user table members")),
        "{out}"
    );
    assert!(
        out.contains("users: read 2, imported 2, already present 0, skipped 0"),
        "{out}"
    );
    assert!(out.contains("refresh tokens: read 2, imported 2"), "{out}");
    let emails = "SELECT email FROM users ORDER BY id";
    assert_eq!(
        app.db.texts(emails).await,
        ["mia@example.com", "ned@example.com"]
    );
}

async fn members_work(app: &TestApp) {
    let facts = django_facts("members");
    let password = facts["password"].as_str().unwrap();
    app.login("mia@example.com", password).await;
    app.login("ned@example.com", password).await;
    for email in facts["former_members"].as_array().unwrap() {
        let email = ("email", email.as_str().unwrap());
        let r = login_status(app, "/auth/jwt/create/", email, password).await;
        assert_eq!(r, StatusCode::UNAUTHORIZED, "{email:?}");
    }
    let tokens = &facts["users"]["mia"]["tokens"];
    let r = app
        .post("/auth/jwt/refresh/", json!({"refresh": tokens["refresh"]}))
        .await;
    assert_eq!(r.status(), StatusCode::OK);
}

#[tokio::test]
async fn user_table_names_the_table_when_two_look_like_one() {
    let app = django_app("members").await;
    members_import(&app, &DjangoSource::sqlite("members"), "SQLite").await;
    members_work(&app).await;
    app.stop().await;
}

#[tokio::test]
async fn postgresql_plain_and_members_databases_import_the_same() {
    let Some(plain) = DjangoSource::postgres("plain").await else {
        eprintln!("skipped: TEST_DATABASE_URL names no PostgreSQL server");
        return;
    };
    let app = django_app("plain").await;
    let (ok, out) = app.import_django(&plain, &[]);
    assert!(!ok, "{out}");
    assert!(
        out.contains("PostgreSQL database, user table auth_user"),
        "{out}"
    );
    for line in [
        "users: read 64, imported 4, already present 0, skipped 60",
        "  skipped user 54 (legacy05): unknown password hasher \"md5\"",
        "  skipped in all: 12 (unknown password hasher)",
    ] {
        assert!(out.lines().any(|l| l == line), "{line} in {out}");
    }
    assert!(!out.contains("skipped user 55 "), "{out}");
    plain_accounts_work(&app).await;
    app.stop().await;

    let members = DjangoSource::postgres("members").await.unwrap();
    let app = django_app("members").await;
    members_import(&app, &members, "PostgreSQL").await;
    members_work(&app).await;
    app.stop().await;
}
