//! The ports the adapters implement: `Store` (pool-level reads, the outbox) and `Tx` (one
//! transaction: every state change and the mail it causes commit or roll back together).

use crate::Timestamp;
use crate::domain::{EmailAddress, NewUser, User, UserId};
use crate::mail::NewMail;
use crate::records::MailRecord;
use crate::tokens::Claims;
use async_trait::async_trait;

/// Which unique constraint a write ran into.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UniqueField {
    Email,
    Username,
    ServiceName,
}

/// A refresh token issued to an account, as its owner may see it (never the token).
#[derive(Debug, Clone, serde::Serialize)]
pub struct IssuedToken {
    pub jti: String,
    pub created_at: i64,
    pub expires_at: i64,
    pub revoked: bool,
}

/// One row of `services`.
#[derive(Clone)]
pub struct ServiceRecord {
    pub name: String,
    pub secret_hash: String,
    pub created_at: i64,
    pub rotated_at: Option<i64>,
}

impl std::fmt::Debug for ServiceRecord {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ServiceRecord")
            .field("name", &self.name)
            .finish_non_exhaustive()
    }
}

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("unique constraint violated on {0:?}")]
    Conflict(UniqueField),
    #[error("storage failure")]
    Backend(#[source] Box<dyn std::error::Error + Send + Sync>),
}

/// What the outbox worker records after a failed delivery.
#[derive(Debug, Clone)]
pub struct MailFailure {
    pub attempts: i32,
    /// When to try again; `None` means give up (the mail is marked failed).
    pub retry_at: Option<Timestamp>,
    pub error: String,
}

#[async_trait]
pub trait Store: Send + Sync + 'static {
    /// Start a write transaction.
    async fn begin(&self) -> Result<Box<dyn Tx>, StoreError>;
    async fn ping(&self) -> Result<(), StoreError>;

    async fn user_by_id(&self, id: UserId) -> Result<Option<User>, StoreError>;
    async fn user_by_email(&self, email: &EmailAddress) -> Result<Option<User>, StoreError>;
    async fn user_by_username(&self, username: &str) -> Result<Option<User>, StoreError>;
    async fn username_taken(
        &self,
        username: &str,
        except: Option<UserId>,
    ) -> Result<bool, StoreError>;
    async fn list_users(&self) -> Result<Vec<User>, StoreError>;
    async fn is_blacklisted(&self, jti: &str) -> Result<bool, StoreError>;

    /// The refresh tokens issued to `user`, oldest first.
    async fn issued_tokens(&self, user: UserId) -> Result<Vec<IssuedToken>, StoreError>;
    async fn service(&self, name: &str) -> Result<Option<ServiceRecord>, StoreError>;
    async fn services(&self) -> Result<Vec<ServiceRecord>, StoreError>;
    async fn add_service(
        &self,
        name: &str,
        secret_hash: &str,
        now: Timestamp,
    ) -> Result<(), StoreError>;
    /// `false` when no service has that name.
    async fn set_service_secret(
        &self,
        name: &str,
        secret_hash: &str,
        now: Timestamp,
    ) -> Result<bool, StoreError>;
    /// `false` when no service has that name.
    async fn remove_service(&self, name: &str) -> Result<bool, StoreError>;

    /// Pending mail due at `now`, oldest first.
    async fn due_mail(&self, now: Timestamp, limit: i64) -> Result<Vec<MailRecord>, StoreError>;
    async fn mail_sent(&self, id: i64, now: Timestamp) -> Result<(), StoreError>;
    async fn mail_failed(&self, id: i64, failure: &MailFailure) -> Result<(), StoreError>;
}

/// One open transaction. Dropping it without `commit` rolls everything back.
#[async_trait]
pub trait Tx: Send {
    async fn user_by_id(&mut self, id: UserId) -> Result<Option<User>, StoreError>;
    async fn user_by_email(&mut self, email: &EmailAddress) -> Result<Option<User>, StoreError>;
    async fn insert_user(&mut self, user: &NewUser) -> Result<User, StoreError>;
    /// Write every mutable column of `user`.
    async fn update_user(&mut self, user: &User) -> Result<(), StoreError>;
    async fn delete_user(&mut self, id: UserId) -> Result<(), StoreError>;

    async fn enqueue_mail(&mut self, mail: &NewMail, now: Timestamp) -> Result<(), StoreError>;

    /// Record an issued refresh token by its jti (never the token itself).
    async fn add_outstanding(&mut self, claims: &Claims) -> Result<(), StoreError>;
    /// Blacklist every unexpired refresh token issued to `user`.
    async fn blacklist_all(&mut self, user: UserId, now: Timestamp) -> Result<(), StoreError>;
    /// Blacklist a refresh token; `false` when it already was.
    async fn blacklist(&mut self, claims: &Claims, now: Timestamp) -> Result<bool, StoreError>;

    async fn commit(self: Box<Self>) -> Result<(), StoreError>;
}
