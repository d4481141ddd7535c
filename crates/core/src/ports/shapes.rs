//! The plain shapes the ports speak in: store errors, listings, searches, outbox figures.

use crate::Timestamp;
use crate::domain::User;

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

/// Which accounts an operator looks for (every filter optional), a page at a time.
#[derive(Debug, Clone, Default)]
pub struct UserSearch {
    /// Part of the username or the e-mail address, in any case.
    pub text: Option<String>,
    pub active: Option<bool>,
    pub staff: Option<bool>,
    pub two_fa: Option<bool>,
    pub limit: i64,
    pub offset: i64,
}

/// An account as an operator's list shows it: with when it was last seen.
#[derive(Debug, Clone)]
pub struct UserListing {
    pub user: User,
    /// The latest login or refresh of any of its sessions (`last_login` keeps Django's
    /// meaning).
    pub last_seen: Option<i64>,
}

/// What a stored one-time code is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CodePurpose {
    /// The ten single-use recovery codes of an account with 2FA on (no expiry).
    Recovery,
    /// A six-digit code mailed during a login challenge.
    LoginEmail,
    /// A six-digit code in the e-mail verification mail.
    VerifyEmail,
}

impl CodePurpose {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Recovery => "recovery",
            Self::LoginEmail => "login_email",
            Self::VerifyEmail => "verify_email",
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("unique constraint violated on {0:?}")]
    Conflict(UniqueField),
    #[error("storage failure")]
    Backend(#[source] Box<dyn std::error::Error + Send + Sync>),
    /// The database could not be opened: what went wrong, in words that name where (host
    /// and port, or the file).
    #[error("{0}")]
    Open(String),
    /// The database did not answer in time (stopped, unreachable, or a write lock held past
    /// the timeout): worth trying again shortly.
    #[error("database unavailable")]
    Unavailable(#[source] Box<dyn std::error::Error + Send + Sync>),
}

impl StoreError {
    /// A backend's failure: `Unavailable` when the database did not answer, else `Backend`.
    pub fn from_backend(e: Box<dyn std::error::Error + Send + Sync>, unavailable: bool) -> Self {
        if unavailable {
            Self::Unavailable(e)
        } else {
            Self::Backend(e)
        }
    }
}

/// The store's connection pool at one moment.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Connections {
    pub open: u32,
    pub idle: u32,
}

impl Connections {
    pub fn in_use(self) -> u32 {
        self.open.saturating_sub(self.idle)
    }
}

/// The pending mails of the outbox.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct OutboxDepth {
    pub pending: i64,
    /// When the oldest pending mail was queued; `None` when none is.
    pub oldest: Option<Timestamp>,
}

/// What one transaction queued in the outbox.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Queued {
    pub mails: u64,
    pub webhooks: u64,
}

/// What the outbox worker records after a failed delivery.
#[derive(Debug, Clone)]
pub struct MailFailure {
    pub attempts: i32,
    /// When to try again; `None` means give up (the mail is marked failed).
    pub retry_at: Option<Timestamp>,
    pub error: String,
}
