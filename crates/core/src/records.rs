//! Flat records: the column-for-column shapes both stores read and write, and their
//! conversions to and from the domain types.

use crate::Timestamp;
use crate::domain::{EmailAddress, Lang, Profile, User, UserId, Username};
use crate::mail::{MailContext, MailKind, QueuedMail};
use crate::passwords::StoredHash;

/// One row of `users`.
#[derive(Debug, Clone)]
pub struct UserRecord {
    pub id: i64,
    pub email: String,
    pub username: String,
    pub password_hash: String,
    pub is_active: bool,
    pub is_staff: bool,
    pub is_superuser: bool,
    pub last_login: Option<i64>,
    pub date_joined: i64,
    pub first_name: String,
    pub last_name: String,
    pub phone: String,
    pub address_line_1: String,
    pub address_line_2: String,
    pub city: String,
    pub state: String,
    pub postcode: String,
    pub country: String,
    pub lang: String,
    pub two_fa_enabled: bool,
    pub email_verified: bool,
}

impl From<UserRecord> for User {
    fn from(r: UserRecord) -> Self {
        User {
            id: UserId(r.id),
            email: EmailAddress::from_trusted(r.email),
            username: Username::from_trusted(r.username),
            password_hash: StoredHash::from_stored(r.password_hash),
            is_active: r.is_active,
            is_staff: r.is_staff,
            is_superuser: r.is_superuser,
            last_login: r.last_login.map(Timestamp),
            date_joined: Timestamp(r.date_joined),
            profile: Profile {
                first_name: r.first_name,
                last_name: r.last_name,
                phone: r.phone,
                address_line_1: r.address_line_1,
                address_line_2: r.address_line_2,
                city: r.city,
                state: r.state,
                postcode: r.postcode,
                country: r.country,
            },
            lang: Lang::parse(&r.lang).unwrap_or_default(),
            two_fa_enabled: r.two_fa_enabled,
            email_verified: r.email_verified,
        }
    }
}

/// An account as a bearer check reads it, with what decides whether an access token of it
/// still stands, in one query: the account's cutoff and kept session, and whether the
/// token's session has ended.
#[derive(Debug, Clone)]
pub struct BearerRecord {
    pub user: UserRecord,
    /// Access tokens issued before this (Unix seconds) are void...
    pub tokens_valid_after: i64,
    /// ...but those of this session (the one a password change kept).
    pub tokens_kept_session: Option<String>,
    /// The session the token names has ended.
    pub session_ended: bool,
}

impl BearerRecord {
    /// Whether an access token issued at `iat` in `session` still stands.
    pub fn admits(&self, iat: i64, session: Option<&str>) -> bool {
        if self.session_ended {
            return false;
        }
        iat >= self.tokens_valid_after
            || session.is_some_and(|s| self.tokens_kept_session.as_deref() == Some(s))
    }
}

/// One row of `email_undo_tokens`: an e-mail change its old address may undo until
/// `expires_at` (the token itself is only ever mailed; the row holds its keyed hash).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EmailUndoRecord {
    pub token_hash: String,
    pub user_id: i64,
    pub old_email: String,
    pub new_email: String,
    pub created_at: i64,
    pub expires_at: i64,
}

/// One row of `mail_outbox` as the worker reads it.
#[derive(Debug, Clone)]
pub struct MailRecord {
    pub id: i64,
    pub kind: String,
    pub recipient: String,
    pub context: String,
    pub attempts: i64,
}

impl MailRecord {
    /// The queued mail, or the row id and why the row cannot be understood.
    pub fn into_queued(self) -> Result<QueuedMail, (i64, String)> {
        let kind = MailKind::parse(&self.kind)
            .ok_or_else(|| (self.id, format!("unknown mail kind {:?}", self.kind)))?;
        let context: MailContext = serde_json::from_str(&self.context)
            .map_err(|e| (self.id, format!("unreadable mail context: {e}")))?;
        Ok(QueuedMail {
            id: self.id,
            kind,
            to: self.recipient,
            context,
            attempts: i32::try_from(self.attempts).unwrap_or(i32::MAX),
        })
    }
}

/// One row of `totp_factors`. `secret` is sealed (see `two_factor::SecretBox`).
#[derive(Clone)]
pub struct TotpFactorRecord {
    pub user_id: i64,
    pub secret: String,
    /// `None` while enrolment waits for its first valid code.
    pub confirmed_at: Option<i64>,
    /// The last TOTP time step accepted (a code is accepted once).
    pub last_step: i64,
    pub created_at: i64,
}

impl std::fmt::Debug for TotpFactorRecord {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TotpFactorRecord")
            .field("user_id", &self.user_id)
            .field("confirmed_at", &self.confirmed_at)
            .finish_non_exhaustive()
    }
}

/// One row of `login_challenges`: a password-checked login waiting for its second factor.
#[derive(Debug, Clone)]
pub struct ChallengeRecord {
    pub ticket_hash: String,
    pub user_id: i64,
    pub created_at: i64,
    pub expires_at: i64,
    pub failures: i64,
}

/// One row of `sessions`: a login and the refresh tokens rotated from it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct SessionRecord {
    pub id: String,
    pub user_id: i64,
    pub created_at: i64,
    pub last_used_at: i64,
    pub expires_at: i64,
    pub user_agent: String,
    pub ip: String,
    pub revoked_at: Option<i64>,
}

/// What the store knows of an issued refresh token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutstandingRecord {
    pub jti: String,
    pub user_id: i64,
    pub session_id: Option<String>,
    /// When it was exchanged for its successor (rotation).
    pub rotated_at: Option<i64>,
    pub blacklisted: bool,
}

/// A refresh token another system issued (SimpleJWT's outstanding token), taken in by jti,
/// with when it was blacklisted there, if it was.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportedTokenRecord {
    pub jti: String,
    pub user_id: i64,
    pub created_at: i64,
    pub expires_at: i64,
    pub blacklisted_at: Option<i64>,
}
