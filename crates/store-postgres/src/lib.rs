//! `PgStore`: Tessera's `Store` on PostgreSQL.

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

use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::{Connection, PgConnection, PgPool};
use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;
use tessera_core::availability::Availability;
use tessera_core::ports::{StoreError, Tx, UniqueField};

/// The store the shared `Store` implementation (`store-sql/store.rs`) is for.
type Backend = PgStore;

/// The database this crate's queries (its own and the shared ones) are checked against.
type Db = sqlx::Postgres;

static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations");

#[derive(Debug, Clone)]
pub struct PgStore {
    pool: PgPool,
    availability: Arc<Availability>,
}

impl PgStore {
    /// Connect to the database at `url` (`postgres://…`): one connection first, so that a
    /// server that does not answer within `timeout` or refuses is `StoreError::Open` saying
    /// which. A request then waits at most `timeout` for a connection; past it the database
    /// counts as unavailable.
    pub async fn connect(url: &str, timeout: Duration) -> Result<Self, StoreError> {
        let options = PgConnectOptions::from_str(url)
            .map_err(|e| StoreError::Open(format!("TESSERA_DATABASE_URL: {e}")))?;
        let place = format!(
            "PostgreSQL at {}:{}",
            options.get_host(),
            options.get_port()
        );
        match tokio::time::timeout(timeout, PgConnection::connect_with(&options)).await {
            Err(_) => {
                return Err(StoreError::Open(format!(
                    "{place} did not answer within {} s (TESSERA_DATABASE_ACQUIRE_TIMEOUT)",
                    timeout.as_secs()
                )));
            }
            Ok(Err(e)) => return Err(StoreError::Open(why_not(&place, &options, &e))),
            Ok(Ok(first)) => {
                let _ = first.close().await;
            }
        }
        let availability = Arc::new(Availability::default());
        // A connection handed out (new, or idle and still answering) means it answers again.
        let (on_connect, on_acquire) = (availability.clone(), availability.clone());
        let pool = PgPoolOptions::new()
            .max_connections(16)
            .acquire_timeout(timeout)
            .after_connect(move |_, _| {
                on_connect.regained();
                Box::pin(async { Ok(()) })
            })
            .before_acquire(move |_, _| {
                on_acquire.regained();
                Box::pin(async { Ok(true) })
            })
            .connect_with(options)
            .await
            .map_err(backend)?;
        Ok(Self { pool, availability })
    }

    /// Create or upgrade the schema; the migrations this call applied (none when it was
    /// up to date), as `version description`.
    pub async fn migrate(&self) -> Result<Vec<String>, StoreError> {
        migrations::apply(&self.pool).await
    }

    /// Start a write transaction (the `Store` port's `begin`).
    async fn begin_write(&self) -> Result<Box<dyn Tx>, StoreError> {
        let tx = self.pool.begin().await.map_err(backend)?;
        Ok(Box::new(tx::StoreTx::new(tx)))
    }

    pub async fn close(&self) {
        self.pool.close().await;
    }
}

/// Why the first connection failed, naming the server, the role or the database.
fn why_not(place: &str, options: &PgConnectOptions, e: &sqlx::Error) -> String {
    let user = options.get_username();
    let database = options.get_database().unwrap_or(user);
    match e {
        sqlx::Error::Io(io) if io.kind() == std::io::ErrorKind::ConnectionRefused => {
            format!("{place} refused the connection: is PostgreSQL running there?")
        }
        sqlx::Error::Database(db) => match db.code().as_deref() {
            Some("28000" | "28P01") => {
                format!("{place} refused role {user:?}: {}", db.message())
            }
            Some("3D000") => format!(
                "{place} has no database {database:?}: create it (createdb -h {} -p {} -U {user} {database})",
                options.get_host(),
                options.get_port()
            ),
            _ => format!("{place}: {}", db.message()),
        },
        other => format!("{place}: {other}"),
    }
}

pub(crate) fn backend(e: impl std::error::Error + Send + Sync + 'static) -> StoreError {
    let e: Box<dyn std::error::Error + Send + Sync> = Box::new(e);
    let down = e.downcast_ref::<sqlx::Error>().is_some_and(unavailable);
    StoreError::from_backend(e, down)
}

/// PostgreSQL stopped, unreachable, refusing connections or shutting down: no connection
/// in time, the socket failed, or SQLSTATE class 08 (connection exception), 53300 (too
/// many connections) or 57P01–57P03 (shutting down, starting up).
fn unavailable(e: &sqlx::Error) -> bool {
    match e {
        sqlx::Error::PoolTimedOut
        | sqlx::Error::PoolClosed
        | sqlx::Error::Io(_)
        | sqlx::Error::Tls(_)
        | sqlx::Error::WorkerCrashed => true,
        sqlx::Error::Database(db) => db.code().is_some_and(|code| {
            code.starts_with("08") || matches!(&*code, "53300" | "57P01" | "57P02" | "57P03")
        }),
        _ => false,
    }
}

/// Map a unique-constraint violation to the field it guards, by the constraint PostgreSQL
/// names (the defaults of the `UNIQUE` and `PRIMARY KEY` columns in `migrations/`).
pub(crate) fn write_error(e: sqlx::Error) -> StoreError {
    if let Some(db) = e.as_database_error()
        && db.is_unique_violation()
    {
        match db.constraint() {
            Some("users_email_key_key") => return StoreError::Conflict(UniqueField::Email),
            Some("users_username_key") => return StoreError::Conflict(UniqueField::Username),
            Some("services_pkey" | "services_name_key") => {
                return StoreError::Conflict(UniqueField::ServiceName);
            }
            _ => {}
        }
    }
    backend(e)
}
