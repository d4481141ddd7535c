//! The data export: everything Tessera holds about an account, as one JSON document, either
//! returned or mailed to the account's address as an attachment.

use super::{Accounts, Internal};
use crate::domain::{EmailAddress, ProfileField, User};
use crate::mail::{Attachment, MailKind, NewMail};
use serde_json::{Map, Value, json};

impl Accounts {
    /// The document: account, profile, verification and 2FA state (never secrets, hashes,
    /// codes or tokens), and the metadata of the refresh tokens issued to it.
    pub async fn export(&self, user: &User) -> Result<Value, Internal> {
        let tokens = self.store.issued_tokens(user.id).await?;
        let two_factor = self.two_factor_status(user).await?;
        let sessions = self.store.sessions(user.id, self.now()).await?;
        let pending_email = self.store.pending_email(user.id).await?;
        let mut profile = Map::new();
        for field in ProfileField::ALL {
            profile.insert(field.name().into(), json!(user.profile.get(field)));
        }
        Ok(json!({
            "generated_at": self.now().0,
            "account": {
                "id": user.id.0,
                "username": user.username.as_str(),
                "email": user.email.as_str(),
                "email_verified": user.email_verified,
                "pending_email": pending_email.as_ref().map(EmailAddress::as_str),
                "is_active": user.is_active,
                "is_staff": user.is_staff,
                "date_joined": user.date_joined.0,
                "last_login": user.last_login.map(|t| t.0),
                "lang": user.lang.as_str(),
                "two_fa_enabled": user.two_fa_enabled,
            },
            "two_factor": {
                "enabled": two_factor.enabled,
                "methods": two_factor.methods,
                "enrolment_pending": two_factor.pending,
                "recovery_codes_left": two_factor.recovery_codes_left,
            },
            "profile": profile,
            "sessions": sessions,
            "refresh_tokens": tokens,
        }))
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
        self.commit_with_mail(tx).await
    }
}

/// `tessera-data-<username>.json`
pub fn export_filename(user: &User) -> String {
    format!("tessera-data-{}.json", user.username.as_str())
}
