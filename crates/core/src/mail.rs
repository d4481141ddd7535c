//! Outgoing mail as the domain queues it: a kind, a recipient and the template context; and
//! the outbox's other channel, webhook POSTs.

use crate::domain::EmailAddress;
use serde::{Deserialize, Serialize};

/// Every mail Tessera sends; each has subject, text and HTML templates in the mailer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MailKind {
    Activation,
    Confirmation,
    PasswordReset,
    PasswordChanged,
    EmailReset,
    EmailVerification,
    DataExport,
    /// To the old address: the login address changed, with a link to undo the change.
    EmailChanged,
    /// A six-digit code to finish a login with two-factor authentication on.
    LoginCode,
    /// A six-digit code that proves the second factor while logged in (turning 2FA off…).
    SecurityCode,
    TwoFactorEnabled,
    TwoFactorDisabled,
    /// A new authenticator app replaced the old one.
    AuthenticatorReplaced,
    RecoveryCodeUsed,
    /// Too many wrong passwords: logins are refused for a while.
    AccountLocked,
}

impl MailKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Activation => "activation",
            Self::Confirmation => "confirmation",
            Self::PasswordReset => "password_reset",
            Self::PasswordChanged => "password_changed",
            Self::EmailReset => "email_reset",
            Self::EmailVerification => "email_verification",
            Self::DataExport => "data_export",
            Self::EmailChanged => "email_changed",
            Self::LoginCode => "login_code",
            Self::SecurityCode => "security_code",
            Self::TwoFactorEnabled => "two_factor_enabled",
            Self::TwoFactorDisabled => "two_factor_disabled",
            Self::AuthenticatorReplaced => "authenticator_replaced",
            Self::RecoveryCodeUsed => "recovery_code_used",
            Self::AccountLocked => "account_locked",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        serde_json::from_value(serde_json::Value::String(s.to_owned())).ok()
    }
}

/// The values a template may use. Links carry tokens, so a context is never logged.
#[derive(Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MailContext {
    pub site_name: String,
    pub username: String,
    pub email: String,
    /// The action link (activation, reset), when the mail has one.
    #[serde(default)]
    pub url: Option<String>,
    #[serde(default)]
    pub uid: Option<String>,
    /// A one-time code the mail carries (login code, e-mail verification code).
    #[serde(default)]
    pub code: Option<String>,
    /// The address that replaced this one (the notice to the old address).
    #[serde(default)]
    pub new_email: Option<String>,
    /// How many recovery codes are left (the mail that tells one was used).
    #[serde(default)]
    pub codes_left: Option<i64>,
    /// A file sent with the mail (the data export).
    #[serde(default)]
    pub attachment: Option<Attachment>,
    /// What the account logs in with in the dialect whose link the mail carries.
    #[serde(default)]
    pub login_by: Option<LoginBy>,
    /// The language the mail is written in: the account's.
    #[serde(default)]
    pub lang: crate::domain::Lang,
    /// The `Message-ID` every delivery of the row carries (a receiver can tell a mail sent
    /// twice after a cut-off delivery); made when the row is written. Rows queued before it
    /// existed get one per delivery.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message_id: Option<String>,
}

/// The name a dialect's user logs in with: the Djoser dialect's is the e-mail address, the
/// Auth API's the username.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LoginBy {
    Email,
    Username,
}

/// A file attached to a mail.
#[derive(Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Attachment {
    pub filename: String,
    pub content_type: String,
    pub content: String,
}

impl std::fmt::Debug for MailContext {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MailContext")
            .field("site_name", &self.site_name)
            .field("username", &self.username)
            .finish_non_exhaustive()
    }
}

/// A mail to be written to the outbox in the same transaction as its cause.
#[derive(Debug, Clone)]
pub struct NewMail {
    pub kind: MailKind,
    /// The account the mail is about; its queued mail goes when the account is deleted.
    pub user_id: Option<crate::domain::UserId>,
    pub to: EmailAddress,
    pub context: MailContext,
}

impl NewMail {
    /// The context as the outbox row stores it, with the row's own message id.
    pub fn stored_context(&self) -> serde_json::Result<String> {
        let message_id = Some(uuid::Uuid::new_v4().simple().to_string());
        serde_json::to_string(&MailContext {
            message_id,
            ..self.context.clone()
        })
    }
}

/// A mail waiting in the outbox.
#[derive(Debug, Clone)]
pub struct QueuedMail {
    pub id: i64,
    pub kind: MailKind,
    pub to: String,
    pub context: MailContext,
    pub attempts: i32,
}

/// The outbox's channels: each has its own worker, claiming only its own rows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Channel {
    Mail,
    Webhook,
}

impl Channel {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Mail => "mail",
            Self::Webhook => "webhook",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [Self::Mail, Self::Webhook]
            .into_iter()
            .find(|c| c.as_str() == s)
    }
}

/// What a failed row of the outbox is queued again as.
#[derive(Debug, Clone)]
pub enum Requeue {
    /// A mail made again (its recipient and context replace the row's).
    Mail(Box<NewMail>),
    /// A webhook, as it was.
    Webhook,
}

/// A webhook POST to be written to the outbox in the same transaction as its event. It
/// names no account, so an account's deletion does not take its own notice away.
#[derive(Debug, Clone)]
pub struct NewWebhook {
    /// The event's name (`account.deleted`).
    pub kind: &'static str,
    pub url: String,
    /// The JSON body, signed when it is sent.
    pub body: String,
}

/// Where a row of the outbox stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OutboxState {
    Pending,
    Failed,
    Sent,
}

impl OutboxState {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Failed => "failed",
            Self::Sent => "sent",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [Self::Pending, Self::Failed, Self::Sent]
            .into_iter()
            .find(|state| state.as_str() == s)
    }
}

/// A row of the outbox as an operator sees it: never its context (links and codes).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OutboxRow {
    pub id: i64,
    pub channel: String,
    pub kind: String,
    /// The address, or the receiver's URL.
    pub recipient: String,
    pub user_id: Option<i64>,
    pub status: String,
    pub attempts: i64,
    pub last_error: Option<String>,
    pub created_at: i64,
    /// When a pending row is due.
    pub next_attempt_at: i64,
    pub sent_at: Option<i64>,
}

/// Which rows of the outbox a listing wants, newest first.
#[derive(Debug, Clone)]
pub struct OutboxQuery {
    pub state: OutboxState,
    /// Only this channel's rows (all when `None`).
    pub channel: Option<Channel>,
    /// Only rows queued (or, when sent, sent) since then.
    pub since: Option<crate::Timestamp>,
    pub limit: i64,
}
