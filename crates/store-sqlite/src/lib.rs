//! `SqliteStore`: Tessera's `Store` on SQLite (WAL, foreign keys, IMMEDIATE write transactions).

mod admin;
mod claim;
mod emails;
mod events;
mod ids;
mod import;
mod migrations;
mod outbox;
mod outbox_admin;
mod services;
mod sessions;
mod store;
mod two_factor;
mod tx;
mod users;

use sqlx::SqlitePool;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions};
use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;
use tessera_core::availability::Availability;
use tessera_core::ports::{StoreError, Tx, UniqueField};

/// The store the shared `Store` implementation (`store-sql/store.rs`) is for.
type Backend = SqliteStore;

/// The database this crate's queries (its own and the shared ones) are checked against.
type Db = sqlx::Sqlite;

static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations");

#[derive(Debug, Clone)]
pub struct SqliteStore {
    pool: SqlitePool,
    availability: Arc<Availability>,
}

impl SqliteStore {
    /// Open (creating the file when missing) the database at `url` (`sqlite://path`). A
    /// request waits at most `timeout` for a connection, and a writer as long for the write
    /// lock another holds; past it the database counts as unavailable.
    pub async fn connect(url: &str, timeout: Duration) -> Result<Self, StoreError> {
        let options = SqliteConnectOptions::from_str(url)
            .map_err(|e| StoreError::Open(format!("TESSERA_DATABASE_URL: {e}")))?
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .foreign_keys(true)
            .busy_timeout(timeout);
        let file = options.get_filename().to_owned();
        let pool = SqlitePoolOptions::new()
            .max_connections(8)
            .acquire_timeout(timeout)
            .connect_with(options)
            .await
            .map_err(|e| StoreError::Open(why_not(&file, &e)))?;
        Ok(Self {
            pool,
            availability: Arc::default(),
        })
    }

    /// Create or upgrade the schema; the migrations this call applied (none when it was
    /// up to date), as `version description`.
    pub async fn migrate(&self) -> Result<Vec<String>, StoreError> {
        migrations::apply(&self.pool).await
    }

    /// Start a write transaction (the `Store` port's `begin`).
    async fn begin_write(&self) -> Result<Box<dyn Tx>, StoreError> {
        let tx = self
            .pool
            .begin_with("BEGIN IMMEDIATE")
            .await
            .map_err(backend)?;
        // The write lock was had: SQLite answers writers again (readers never stopped).
        self.availability.regained();
        Ok(Box::new(tx::StoreTx::new(tx)))
    }

    pub async fn close(&self) {
        self.pool.close().await;
    }
}

/// Why the database file could not be opened, naming it (and its directory when that is
/// what is wrong).
fn why_not(file: &std::path::Path, e: &sqlx::Error) -> String {
    let shown = std::path::absolute(file).unwrap_or_else(|_| file.to_owned());
    let dir = shown
        .parent()
        .map_or_else(|| ".".into(), |d| d.display().to_string());
    let cant_open = e
        .as_database_error()
        .and_then(|db| db.code())
        .is_some_and(|code| code.parse::<i32>().is_ok_and(|c| c & 0xff == 14));
    match cant_open {
        true if !std::path::Path::new(&dir).is_dir() => format!(
            "cannot open the SQLite database {}: the directory {dir} does not exist",
            shown.display()
        ),
        true => format!(
            "cannot open the SQLite database {}: is the directory {dir} writable?",
            shown.display()
        ),
        false => format!("cannot open the SQLite database {}: {e}", shown.display()),
    }
}

pub(crate) fn backend(e: impl std::error::Error + Send + Sync + 'static) -> StoreError {
    let e: Box<dyn std::error::Error + Send + Sync> = Box::new(e);
    let down = e.downcast_ref::<sqlx::Error>().is_some_and(unavailable);
    StoreError::from_backend(e, down)
}

/// Another connection held the write lock past the busy timeout (SQLITE_BUSY, SQLITE_LOCKED
/// and their extended codes), or no pooled connection came free in time.
fn unavailable(e: &sqlx::Error) -> bool {
    match e {
        sqlx::Error::PoolTimedOut | sqlx::Error::PoolClosed => true,
        sqlx::Error::Database(db) => db
            .code()
            .and_then(|code| code.parse::<i32>().ok())
            .is_some_and(|code| matches!(code & 0xff, 5 | 6)),
        _ => false,
    }
}

/// Map a unique-constraint violation to the field it guards.
pub(crate) fn write_error(e: sqlx::Error) -> StoreError {
    if let Some(db) = e.as_database_error()
        && db.is_unique_violation()
    {
        let message = db.message();
        if message.contains("email") {
            return StoreError::Conflict(UniqueField::Email);
        }
        if message.contains("username") {
            return StoreError::Conflict(UniqueField::Username);
        }
        if message.contains("services") || message.contains("name") {
            return StoreError::Conflict(UniqueField::ServiceName);
        }
    }
    backend(e)
}
