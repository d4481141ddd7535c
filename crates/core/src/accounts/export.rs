//! The data export: everything Tessera holds about an account, as one JSON document, either
//! returned or mailed to the account's address as an attachment.

use super::{Accounts, Internal};
use crate::domain::{Profile, User};
use crate::events::{EventQuery, EventRecord};
use crate::mail::{Attachment, MailKind, NewMail};
use crate::ports::IssuedToken;
use crate::records::SessionRecord;
use serde::Serialize;

/// The export document (never secrets, hashes, codes or tokens).
#[derive(Debug, Clone, Serialize)]
pub struct Export {
    pub generated_at: i64,
    pub account: ExportedAccount,
    pub two_factor: ExportedTwoFactor,
    pub profile: Profile,
    pub sessions: Vec<SessionRecord>,
    /// The metadata of the refresh tokens issued to the account.
    pub refresh_tokens: Vec<IssuedToken>,
    /// What happened to the account lately (logins, changes), newest first.
    pub events: Vec<EventRecord>,
}

/// The most events an export carries.
const EXPORTED_EVENTS: i64 = 1000;

#[derive(Debug, Clone, Serialize)]
pub struct ExportedAccount {
    pub id: i64,
    pub username: String,
    pub email: String,
    pub email_verified: bool,
    /// The new address waiting for its verification.
    pub pending_email: Option<String>,
    pub is_active: bool,
    pub is_staff: bool,
    pub date_joined: i64,
    pub last_login: Option<i64>,
    pub lang: String,
    pub two_fa_enabled: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct ExportedTwoFactor {
    pub enabled: bool,
    pub methods: Vec<&'static str>,
    pub enrolment_pending: bool,
    pub recovery_codes_left: i64,
}

impl Accounts {
    /// Everything Tessera holds about the account: account, profile, verification and 2FA
    /// state, sessions, the metadata of the refresh tokens issued to it, and its events.
    pub async fn export(&self, user: &User) -> Result<Export, Internal> {
        let two_factor = self.two_factor_status(user).await?;
        let pending_email = self.store.pending_email(user.id).await?;
        Ok(Export {
            generated_at: self.now().0,
            account: ExportedAccount {
                id: user.id.0,
                username: user.username.as_str().to_owned(),
                email: user.email.as_str().to_owned(),
                email_verified: user.email_verified,
                pending_email: pending_email.map(|e| e.as_str().to_owned()),
                is_active: user.is_active,
                is_staff: user.is_staff,
                date_joined: user.date_joined.0,
                last_login: user.last_login.map(|t| t.0),
                lang: user.lang.as_str().to_owned(),
                two_fa_enabled: user.two_fa_enabled,
            },
            two_factor: ExportedTwoFactor {
                enabled: two_factor.enabled,
                methods: two_factor.methods,
                enrolment_pending: two_factor.pending,
                recovery_codes_left: two_factor.recovery_codes_left,
            },
            profile: user.profile.clone(),
            sessions: self.store.sessions(user.id, self.now()).await?,
            refresh_tokens: self.store.issued_tokens(user.id).await?,
            events: self
                .store
                .events(&EventQuery {
                    user: Some(user.id),
                    limit: EXPORTED_EVENTS,
                    ..EventQuery::default()
                })
                .await?,
        })
    }

    /// Queue the document as a JSON attachment to the account's address.
    #[tracing::instrument(skip_all, fields(user_id = user.id.0))]
    pub async fn mail_export(&self, user: &User) -> Result<(), Internal> {
        let document = self.export(user).await?;
        let mut context = self.context_for(user);
        context.attachment = Some(Attachment {
            filename: export_filename(user),
            content_type: "application/json".to_owned(),
            content: serde_json::to_string_pretty(&document).unwrap_or_default(),
        });
        let mail = NewMail {
            kind: MailKind::DataExport,
            user_id: Some(user.id),
            to: user.email.clone(),
            context,
        };
        let mut tx = self.begin().await?;
        tx.enqueue_mail(&mail, self.now()).await?;
        self.commit(tx).await
    }
}

/// `tessera-data-<username>.json`
pub fn export_filename(user: &User) -> String {
    format!("tessera-data-{}.json", user.username.as_str())
}
