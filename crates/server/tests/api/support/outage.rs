//! `Outage`: a database that stops answering, the honest way for each kind. On PostgreSQL
//! the server "stops" behind a relay the test cuts; on SQLite the write lock is held by
//! another connection past the timeout (readers go on, as SQLite's do).

use super::{Forwarder, TestApp};
use sqlx::Connection;

/// What keeps the database from answering: a cut relay, or a held write lock.
pub enum Outage {
    Postgres(Forwarder),
    Sqlite(sqlx::SqliteConnection),
}

impl Outage {
    /// Route `app` through what can fail, and make it fail.
    pub async fn begin(app: &mut TestApp) -> Self {
        match app.db.postgres_authority() {
            Some(authority) => {
                let mut relay = Forwarder::start(&authority).await;
                let url = relay.route(app.config.database_url.as_str());
                app.restart(|c| c.database_url = url.parse().unwrap()).await;
                relay.cut().await;
                Self::Postgres(relay)
            }
            None => {
                let mut lock = sqlx::SqliteConnection::connect(&app.db.url).await.unwrap();
                sqlx::raw_sql("BEGIN IMMEDIATE")
                    .execute(&mut lock)
                    .await
                    .unwrap();
                Self::Sqlite(lock)
            }
        }
    }

    pub async fn end(self) -> Option<Forwarder> {
        match self {
            Self::Postgres(mut relay) => {
                relay.restore();
                Some(relay)
            }
            Self::Sqlite(mut lock) => {
                sqlx::raw_sql("ROLLBACK").execute(&mut lock).await.unwrap();
                None
            }
        }
    }
}
