//! Audit events: what happened to an account, who did it and from where, in business words.
//! A use case records its event in the transaction of the change it records; the request's
//! origin (address, user agent, request id) comes from the task-local `Origin` the HTTP
//! layer sets, so no use case has to carry it.

use crate::Timestamp;
use crate::domain::{ClientInfo, UserId};
use serde::Serialize;

/// Every kind of event Tessera records.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EventKind {
    LoginSucceeded,
    LoginFailed,
    Logout,
    /// A rotated-out refresh token came back after its grace: its session was ended.
    RefreshReuseDetected,
    SessionEnded,
    /// Every session of the account ended at once.
    SessionsEnded,
    PasswordChanged,
    PasswordReset,
    /// Staff made the password unusable and mailed a reset link.
    PasswordResetForced,
    EmailChanged,
    EmailVerified,
    /// The old address undid a change of the login address.
    EmailChangeUndone,
    TwoFactorEnabled,
    TwoFactorDisabled,
    RecoveryCodeUsed,
    /// Staff removed the account's second factor.
    TwoFactorReset,
    AccountCreated,
    AccountActivated,
    AccountDeactivated,
    AccountReactivated,
    AccountDeleted,
    /// The username changed (other services that keep it learn of it).
    AccountRenamed,
    /// Too many wrong passwords: logins are refused for a while.
    Lockout,
    StaffGranted,
    StaffRevoked,
    /// Staff sent the activation or verification mail again.
    MailResent,
    /// Staff put failed mail back in the queue.
    MailRetried,
    /// Staff deleted delivered mail from the outbox.
    MailPurged,
}

impl EventKind {
    pub const ALL: [EventKind; 28] = [
        Self::LoginSucceeded,
        Self::LoginFailed,
        Self::Logout,
        Self::RefreshReuseDetected,
        Self::SessionEnded,
        Self::SessionsEnded,
        Self::PasswordChanged,
        Self::PasswordReset,
        Self::PasswordResetForced,
        Self::EmailChanged,
        Self::EmailVerified,
        Self::EmailChangeUndone,
        Self::TwoFactorEnabled,
        Self::TwoFactorDisabled,
        Self::RecoveryCodeUsed,
        Self::TwoFactorReset,
        Self::AccountCreated,
        Self::AccountActivated,
        Self::AccountDeactivated,
        Self::AccountReactivated,
        Self::AccountDeleted,
        Self::AccountRenamed,
        Self::Lockout,
        Self::StaffGranted,
        Self::StaffRevoked,
        Self::MailResent,
        Self::MailRetried,
        Self::MailPurged,
    ];

    /// The dotted name events are stored and sent under (`login.succeeded`).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::LoginSucceeded => "login.succeeded",
            Self::LoginFailed => "login.failed",
            Self::Logout => "logout",
            Self::RefreshReuseDetected => "refresh.reuse_detected",
            Self::SessionEnded => "session.ended",
            Self::SessionsEnded => "sessions.ended",
            Self::PasswordChanged => "password.changed",
            Self::PasswordReset => "password.reset",
            Self::PasswordResetForced => "password.reset_forced",
            Self::EmailChanged => "email.changed",
            Self::EmailVerified => "email.verified",
            Self::EmailChangeUndone => "email.change_undone",
            Self::TwoFactorEnabled => "two_factor.enabled",
            Self::TwoFactorDisabled => "two_factor.disabled",
            Self::RecoveryCodeUsed => "two_factor.recovery_code_used",
            Self::TwoFactorReset => "two_factor.reset",
            Self::AccountCreated => "account.created",
            Self::AccountActivated => "account.activated",
            Self::AccountDeactivated => "account.deactivated",
            Self::AccountReactivated => "account.reactivated",
            Self::AccountDeleted => "account.deleted",
            Self::AccountRenamed => "account.renamed",
            Self::Lockout => "account.locked",
            Self::StaffGranted => "account.staff_granted",
            Self::StaffRevoked => "account.staff_revoked",
            Self::MailResent => "mail.resent",
            Self::MailRetried => "mail.retried",
            Self::MailPurged => "mail.purged",
        }
    }

    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == name)
    }
}

/// Why a login failed, in business words (never the password or the name tried).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LoginFailure {
    UnknownAccount,
    WrongPassword,
    Inactive,
    Throttled,
    WrongCode,
}

impl LoginFailure {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::UnknownAccount => "unknown_account",
            Self::WrongPassword => "wrong_password",
            Self::Inactive => "inactive",
            Self::Throttled => "throttled",
            Self::WrongCode => "wrong_code",
        }
    }
}

/// Where the request that causes an event came from.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Origin {
    pub client: ClientInfo,
    pub request_id: String,
}

tokio::task_local! {
    static ORIGIN: Origin;
}

impl Origin {
    /// Run `f` with this origin as the one its events record.
    pub async fn scope<F: Future>(self, f: F) -> F::Output {
        ORIGIN.scope(self, f).await
    }

    /// The origin of the request being served; empty outside one (the CLI, the worker).
    pub fn current() -> Origin {
        ORIGIN.try_with(Clone::clone).unwrap_or_default()
    }
}

/// An event to be written in the transaction of the change it records.
#[derive(Debug, Clone)]
pub struct NewEvent {
    pub kind: EventKind,
    /// The account it happened to (none for a failed login that named no account).
    pub user: Option<UserId>,
    /// The account that did it: the owner, staff, or none (an anonymous caller, the CLI).
    pub actor: Option<UserId>,
    pub origin: Origin,
    /// Business details: a reason, what changed (a JSON object; never a secret).
    pub detail: serde_json::Map<String, serde_json::Value>,
}

impl NewEvent {
    /// `kind` done by the account's owner, from the current request.
    pub fn by_owner(kind: EventKind, user: UserId) -> Self {
        Self {
            kind,
            user: Some(user),
            actor: Some(user),
            origin: Origin::current(),
            detail: serde_json::Map::new(),
        }
    }

    /// `kind` done to `user` by `actor` (staff, or `None` for the command line).
    pub fn by(kind: EventKind, user: Option<UserId>, actor: Option<UserId>) -> Self {
        Self {
            kind,
            user,
            actor,
            origin: Origin::current(),
            detail: serde_json::Map::new(),
        }
    }

    /// A refused login of `user` (the account the name named, if any), by nobody known.
    pub fn login_failed(user: Option<UserId>, reason: LoginFailure) -> Self {
        Self::by(EventKind::LoginFailed, user, None).with("reason", reason.as_str())
    }

    /// With `key` set to `value` in the details.
    pub fn with(mut self, key: &str, value: impl Into<serde_json::Value>) -> Self {
        self.detail.insert(key.to_owned(), value.into());
        self
    }
}

/// One stored event, as the owner's export, the CLI and the admin API show it.
#[derive(Debug, Clone, Serialize)]
pub struct EventRecord {
    pub id: i64,
    pub at: i64,
    pub kind: String,
    pub user_id: Option<i64>,
    pub actor_id: Option<i64>,
    pub ip: String,
    pub user_agent: String,
    pub request_id: String,
    pub detail: serde_json::Value,
}

/// Which events a listing wants, newest first.
#[derive(Debug, Clone, Default)]
pub struct EventQuery {
    pub user: Option<UserId>,
    pub kind: Option<EventKind>,
    /// Only events older than this id (the next page).
    pub before: Option<i64>,
    pub limit: i64,
}

/// How long events are kept (the worker prunes older ones).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Retention {
    pub days: i64,
}

impl Retention {
    /// The time before which events are pruned at `now`.
    pub fn cutoff(self, now: Timestamp) -> Timestamp {
        Timestamp(now.0 - self.days * 86_400)
    }
}
