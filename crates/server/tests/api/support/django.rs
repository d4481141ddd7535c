//! The Django databases `tessera import django` is tested against (made by real Django, see
//! `data/django/README.md`): their recorded facts, a Tessera app keyed and clocked as that
//! Django was, and the databases as SQLite files or loaded into a scratch PostgreSQL.

use super::TestApp;
use serde_json::Value;
use sqlx::Connection;
use sqlx::postgres::PgConnection;
use std::path::PathBuf;

fn data_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/api/data/django")
}

/// `django_facts.json`'s entry for `shape` (`djoser` or `authapi`).
pub fn django_facts(shape: &str) -> Value {
    let text = std::fs::read_to_string(data_dir().join("django_facts.json")).unwrap();
    let all: Value = serde_json::from_str(&text).unwrap();
    all[shape].clone()
}

/// A Tessera app with Django's SECRET_KEY, its clock stopped 20 s after the moment the
/// Django data was made (inside the TOTP step of the last code used there).
pub async fn django_app(shape: &str) -> TestApp {
    let facts = django_facts(shape);
    let secret = facts["secret_key"].as_str().unwrap().to_owned();
    let app = TestApp::spawn_with(|c| c.secret_key = Some(tessera_core::Secret::new(secret))).await;
    app.clock.freeze_at(facts["now"].as_i64().unwrap() + 20);
    app
}

/// A Django database to import from.
pub struct DjangoSource {
    pub url: String,
    /// The scratch PostgreSQL database's name and admin URL, dropped with the source.
    postgres: Option<(String, String)>,
}

impl DjangoSource {
    /// The committed SQLite file of `shape`.
    pub fn sqlite(shape: &str) -> Self {
        let path = data_dir().join(format!("{shape}.sqlite3"));
        Self {
            url: format!("sqlite://{}", path.display()),
            postgres: None,
        }
    }

    /// The same rows loaded into a new PostgreSQL database (from `shape.sql`, a pg_dump);
    /// `None` when TEST_DATABASE_URL names no PostgreSQL server.
    pub async fn postgres(shape: &str) -> Option<Self> {
        let admin = std::env::var("TEST_DATABASE_URL")
            .ok()
            .filter(|u| !u.is_empty())?;
        let name = format!("django_src_{}", uuid::Uuid::new_v4().simple());
        let mut conn = PgConnection::connect(&admin).await.unwrap();
        let create = format!("CREATE DATABASE {name}");
        sqlx::raw_sql(sqlx::AssertSqlSafe(create))
            .execute(&mut conn)
            .await
            .unwrap();
        let base = admin.rsplit_once('/').map_or(admin.as_str(), |(b, _)| b);
        let url = format!("{base}/{name}");
        let dump = std::fs::read_to_string(data_dir().join(format!("{shape}.sql"))).unwrap();
        let mut db = PgConnection::connect(&url).await.unwrap();
        sqlx::raw_sql(sqlx::AssertSqlSafe(dump))
            .execute(&mut db)
            .await
            .unwrap();
        Some(Self {
            url,
            postgres: Some((name, admin)),
        })
    }
}

impl Drop for DjangoSource {
    fn drop(&mut self) {
        if let Some((name, admin)) = self.postgres.take() {
            super::db::drop_on_a_thread(admin, name);
        }
    }
}

impl TestApp {
    /// `tessera import django SOURCE ARGS…` against this app's database: (success, stdout).
    pub fn import_django(&self, source: &DjangoSource, args: &[&str]) -> (bool, String) {
        let mut all = vec!["import", "django", source.url.as_str()];
        all.extend_from_slice(args);
        let (ok, out, err) = self.cli(&all, "");
        assert!(!err.contains("panicked"), "{err}");
        (ok, format!("{out}{err}"))
    }
}
