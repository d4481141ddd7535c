//! A fresh database per test: a SQLite file in a temporary directory, or a new PostgreSQL
//! database on the server named by TEST_DATABASE_URL; dropped when the test ends, even by a
//! panic.

use sqlx::Connection;
use sqlx::postgres::PgConnection;
use sqlx::sqlite::SqliteConnection;
use std::path::PathBuf;

pub struct TestDb {
    pub url: String,
    admin_url: Option<String>,
    name: String,
    dir: Option<PathBuf>,
}

impl TestDb {
    pub async fn create() -> Self {
        let name = format!("tessera_t_{}", uuid::Uuid::new_v4().simple());
        match std::env::var("TEST_DATABASE_URL") {
            Ok(admin_url) if !admin_url.is_empty() => {
                let mut conn = PgConnection::connect(&admin_url)
                    .await
                    .expect("TEST_DATABASE_URL is set but PostgreSQL does not answer");
                sqlx::raw_sql(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
                    .execute(&mut conn)
                    .await
                    .unwrap();
                let base = admin_url
                    .rsplit_once('/')
                    .map(|(b, _)| b)
                    .unwrap_or(&admin_url);
                Self {
                    url: format!("{base}/{name}"),
                    admin_url: Some(admin_url),
                    name,
                    dir: None,
                }
            }
            _ => {
                let dir = std::env::temp_dir().join(&name);
                std::fs::create_dir_all(&dir).unwrap();
                let url = format!("sqlite://{}", dir.join("tessera.db").display());
                Self {
                    url,
                    admin_url: None,
                    name,
                    dir: Some(dir),
                }
            }
        }
    }

    /// `host[:port]` of the PostgreSQL server as the URL writes it; `None` on SQLite.
    pub fn postgres_authority(&self) -> Option<String> {
        self.admin_url.as_ref()?;
        let rest = self.url.split_once("://")?.1;
        let authority = rest.split('/').next()?;
        Some(
            authority
                .rsplit_once('@')
                .map_or(authority, |(_, a)| a)
                .to_owned(),
        )
    }

    /// Replace an account's stored password hash (to plant a legacy Django hash).
    pub async fn set_password_hash(&self, email: &str, hash: &str) {
        let key = email.to_lowercase();
        if self.admin_url.is_some() {
            let mut c = PgConnection::connect(&self.url).await.unwrap();
            sqlx::query("UPDATE users SET password_hash = $1 WHERE email_key = $2")
                .bind(hash)
                .bind(key)
                .execute(&mut c)
                .await
                .unwrap();
        } else {
            let mut c = SqliteConnection::connect(&self.url).await.unwrap();
            sqlx::query("UPDATE users SET password_hash = ? WHERE email_key = ?")
                .bind(hash)
                .bind(key)
                .execute(&mut c)
                .await
                .unwrap();
        }
    }

    pub async fn password_hash(&self, email: &str) -> String {
        let key = email.to_lowercase();
        if self.admin_url.is_some() {
            let mut c = PgConnection::connect(&self.url).await.unwrap();
            sqlx::query_scalar("SELECT password_hash FROM users WHERE email_key = $1")
                .bind(key)
                .fetch_one(&mut c)
                .await
                .unwrap()
        } else {
            let mut c = SqliteConnection::connect(&self.url).await.unwrap();
            sqlx::query_scalar("SELECT password_hash FROM users WHERE email_key = ?")
                .bind(key)
                .fetch_one(&mut c)
                .await
                .unwrap()
        }
    }

    /// `(status, attempts, last_error)` of every outbox row, oldest first.
    pub async fn outbox(&self) -> Vec<(String, i64, Option<String>)> {
        self.rows(
            "SELECT status, attempts, last_error FROM mail_outbox WHERE channel = 'mail'
             ORDER BY id",
        )
        .await
    }

    /// The outbox's webhook rows: (kind, status, attempts, last error, body).
    pub async fn webhooks(&self) -> Vec<(String, String, i64, Option<String>, String)> {
        self.rows(
            "SELECT kind, status, attempts, last_error, context FROM mail_outbox
             WHERE channel = 'webhook' ORDER BY id",
        )
        .await
    }

    /// The webhook rows once none is pending any more (a delivery is recorded just after the
    /// receiver answered), waiting up to 10 s.
    pub async fn webhooks_settled(&self) -> Vec<(String, String, i64, Option<String>, String)> {
        let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(10);
        loop {
            let rows = self.webhooks().await;
            if rows.iter().all(|r| r.1 != "pending") || tokio::time::Instant::now() > deadline {
                return rows;
            }
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        }
    }

    /// Every row `sql` (no parameters) selects, on either database.
    async fn rows<T>(&self, sql: &'static str) -> Vec<T>
    where
        T: for<'r> sqlx::FromRow<'r, sqlx::postgres::PgRow>
            + for<'r> sqlx::FromRow<'r, sqlx::sqlite::SqliteRow>
            + Send
            + Unpin,
    {
        if self.admin_url.is_some() {
            let mut c = PgConnection::connect(&self.url).await.unwrap();
            sqlx::query_as(sql).fetch_all(&mut c).await.unwrap()
        } else {
            let mut c = SqliteConnection::connect(&self.url).await.unwrap();
            sqlx::query_as(sql).fetch_all(&mut c).await.unwrap()
        }
    }

    /// The outbox once no row is pending any more (a delivery is recorded just after the
    /// mail reached the sink), waiting up to 10 s.
    pub async fn outbox_settled(&self) -> Vec<(String, i64, Option<String>)> {
        let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(10);
        loop {
            let rows = self.outbox().await;
            if rows.iter().all(|(status, _, _)| status != "pending")
                || tokio::time::Instant::now() > deadline
            {
                return rows;
            }
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        }
    }

    /// Mails queued for `to` (mail is queued in the transaction of the request that causes it,
    /// so this tells at once, with no waiting for a delivery that may never come).
    pub async fn queued_to(&self, to: &str) -> usize {
        let recipients = self.texts("SELECT recipient FROM mail_outbox").await;
        recipients
            .iter()
            .filter(|r| r.eq_ignore_ascii_case(to))
            .count()
    }

    /// The one text column of every row `sql` (no parameters) selects.
    pub async fn texts(&self, sql: &str) -> Vec<String> {
        let sql = sqlx::AssertSqlSafe(sql.to_owned());
        if self.admin_url.is_some() {
            let mut c = PgConnection::connect(&self.url).await.unwrap();
            sqlx::query_scalar(sql).fetch_all(&mut c).await.unwrap()
        } else {
            let mut c = SqliteConnection::connect(&self.url).await.unwrap();
            sqlx::query_scalar(sql).fetch_all(&mut c).await.unwrap()
        }
    }

    pub async fn drop_db(&mut self) {
        drop_database(self.admin_url.take(), &self.name).await;
        if let Some(dir) = self.dir.take() {
            let _ = std::fs::remove_dir_all(dir);
        }
    }
}

async fn drop_database(admin_url: Option<String>, name: &str) {
    if let Some(admin_url) = admin_url
        && let Ok(mut conn) = PgConnection::connect(&admin_url).await
    {
        let drop = format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)");
        let _ = sqlx::raw_sql(sqlx::AssertSqlSafe(drop))
            .execute(&mut conn)
            .await;
    }
}

/// A test that failed before `stop` leaks no database: dropped on a thread of its own (the
/// test's runtime may be the one unwinding).
impl Drop for TestDb {
    fn drop(&mut self) {
        if let Some(dir) = self.dir.take() {
            let _ = std::fs::remove_dir_all(dir);
        }
        if let Some(admin_url) = self.admin_url.take() {
            drop_on_a_thread(admin_url, self.name.clone());
        }
    }
}

/// Drop a PostgreSQL database from a thread of its own (the caller's runtime may be the one
/// unwinding).
pub(super) fn drop_on_a_thread(admin_url: String, name: String) {
    let _ = std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build();
        if let Ok(runtime) = runtime {
            runtime.block_on(drop_database(Some(admin_url), &name));
        }
    })
    .join();
}
