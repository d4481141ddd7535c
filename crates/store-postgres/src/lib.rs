//! `PgStore`: Tessera's `Store` on PostgreSQL.

mod emails;
mod outbox;
mod services;
mod sessions;
mod two_factor;
mod tx;
mod users;

use async_trait::async_trait;
use sqlx::PgPool;
use sqlx::postgres::PgPoolOptions;
use std::sync::Arc;
use std::time::Duration;
use tessera_core::Timestamp;
use tessera_core::availability::Availability;
use tessera_core::domain::{EmailAddress, User, UserId};
use tessera_core::ports::{
    CodePurpose, IssuedToken, MailFailure, ServiceRecord, Store, StoreError, Tx, UniqueField,
};
use tessera_core::records::{
    BearerRecord, ChallengeRecord, EmailUndoRecord, MailRecord, OutstandingRecord, SessionRecord,
    TotpFactorRecord,
};

/// The database this crate's queries (its own and the shared ones) are checked against.
type Db = sqlx::Postgres;

static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations");

#[derive(Debug, Clone)]
pub struct PgStore {
    pool: PgPool,
    availability: Arc<Availability>,
}

impl PgStore {
    /// Connect to the database at `url` (`postgres://…`). A request waits at most `timeout`
    /// for a connection; past it the database counts as unavailable.
    pub async fn connect(url: &str, timeout: Duration) -> Result<Self, StoreError> {
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
            .connect(url)
            .await
            .map_err(backend)?;
        Ok(Self { pool, availability })
    }

    pub async fn migrate(&self) -> Result<(), StoreError> {
        MIGRATOR.run(&self.pool).await.map_err(backend)
    }

    pub async fn close(&self) {
        self.pool.close().await;
    }
}

#[async_trait]
impl Store for PgStore {
    async fn begin(&self) -> Result<Box<dyn Tx>, StoreError> {
        let tx = self.pool.begin().await.map_err(backend)?;
        Ok(Box::new(tx::StoreTx::new(tx)))
    }

    fn availability(&self) -> &Availability {
        &self.availability
    }

    async fn ping(&self) -> Result<(), StoreError> {
        sqlx::query!("SELECT 1 AS one")
            .fetch_one(&self.pool)
            .await
            .map_err(backend)?;
        Ok(())
    }

    async fn user_by_id(&self, id: UserId) -> Result<Option<User>, StoreError> {
        users::by_id(&self.pool, id).await
    }

    async fn bearer(
        &self,
        id: UserId,
        session: Option<&str>,
    ) -> Result<Option<BearerRecord>, StoreError> {
        users::bearer(&self.pool, id, session).await
    }

    async fn user_by_email(&self, email: &EmailAddress) -> Result<Option<User>, StoreError> {
        users::by_email(&self.pool, email).await
    }

    async fn user_by_username(&self, username: &str) -> Result<Option<User>, StoreError> {
        users::by_username(&self.pool, username).await
    }

    async fn username_taken(
        &self,
        username: &str,
        except: Option<UserId>,
    ) -> Result<bool, StoreError> {
        users::username_taken(&self.pool, username, except).await
    }

    async fn list_users(&self) -> Result<Vec<User>, StoreError> {
        users::all(&self.pool).await
    }

    async fn is_blacklisted(&self, jti: &str) -> Result<bool, StoreError> {
        let row = sqlx::query!("SELECT jti FROM blacklisted_tokens WHERE jti = $1", jti)
            .fetch_optional(&self.pool)
            .await
            .map_err(backend)?;
        Ok(row.is_some())
    }

    async fn outstanding(&self, jti: &str) -> Result<Option<OutstandingRecord>, StoreError> {
        sessions::outstanding(&self.pool, jti).await
    }

    async fn session(&self, id: &str) -> Result<Option<SessionRecord>, StoreError> {
        sessions::by_id(&self.pool, id).await
    }

    async fn sessions(
        &self,
        user: UserId,
        now: Timestamp,
    ) -> Result<Vec<SessionRecord>, StoreError> {
        sessions::live(&self.pool, user, now).await
    }

    async fn issued_tokens(&self, user: UserId) -> Result<Vec<IssuedToken>, StoreError> {
        sqlx::query_as!(
            IssuedToken,
            r#"SELECT o.jti, o.created_at, o.expires_at,
                  (b.jti IS NOT NULL) AS "revoked!: bool"
               FROM outstanding_tokens o LEFT JOIN blacklisted_tokens b ON b.jti = o.jti
               WHERE o.user_id = $1 ORDER BY o.created_at, o.jti"#,
            user.0
        )
        .fetch_all(&self.pool)
        .await
        .map_err(backend)
    }

    async fn service(&self, name: &str) -> Result<Option<ServiceRecord>, StoreError> {
        services::by_name(&self.pool, name).await
    }

    async fn services(&self) -> Result<Vec<ServiceRecord>, StoreError> {
        services::all(&self.pool).await
    }

    async fn add_service(
        &self,
        name: &str,
        secret_hash: &str,
        now: Timestamp,
    ) -> Result<(), StoreError> {
        services::insert(&self.pool, name, secret_hash, now).await
    }

    async fn set_service_secret(
        &self,
        name: &str,
        secret_hash: &str,
        now: Timestamp,
    ) -> Result<bool, StoreError> {
        services::set_secret(&self.pool, name, secret_hash, now).await
    }

    async fn remove_service(&self, name: &str) -> Result<bool, StoreError> {
        services::delete(&self.pool, name).await
    }

    async fn totp_factor(&self, user: UserId) -> Result<Option<TotpFactorRecord>, StoreError> {
        two_factor::totp_factor(&self.pool, user).await
    }

    async fn challenge(&self, ticket_hash: &str) -> Result<Option<ChallengeRecord>, StoreError> {
        two_factor::challenge(&self.pool, ticket_hash).await
    }

    async fn code_failures_since(
        &self,
        user: UserId,
        since: Timestamp,
    ) -> Result<(i64, Option<Timestamp>), StoreError> {
        two_factor::failures_since(&self.pool, user, since).await
    }

    async fn live_codes(
        &self,
        user: UserId,
        purpose: CodePurpose,
        now: Timestamp,
    ) -> Result<i64, StoreError> {
        two_factor::live_codes(&self.pool, user, purpose, now).await
    }

    async fn pending_email(&self, user: UserId) -> Result<Option<EmailAddress>, StoreError> {
        emails::pending(&self.pool, user).await
    }

    async fn email_undo(&self, token_hash: &str) -> Result<Option<EmailUndoRecord>, StoreError> {
        emails::undo(&self.pool, token_hash).await
    }

    async fn due_mail(&self, now: Timestamp, limit: i64) -> Result<Vec<MailRecord>, StoreError> {
        outbox::due(&self.pool, now, limit).await
    }

    async fn mail_sent(&self, id: i64, now: Timestamp) -> Result<(), StoreError> {
        outbox::sent(&self.pool, id, now).await
    }

    async fn mail_failed(&self, id: i64, failure: &MailFailure) -> Result<(), StoreError> {
        outbox::failed(&self.pool, id, failure).await
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
