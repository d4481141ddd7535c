//! Activation: following the mailed link, asking for it again, and polling the state.

use super::{Accounts, Internal, Link};
use crate::domain::EmailAddress;
use crate::events::{EventKind, NewEvent};
use crate::mail::MailKind;

#[derive(Debug, thiserror::Error)]
pub enum ActivateError {
    #[error("the uid names no user")]
    InvalidUid,
    #[error("the token is not valid for this user")]
    InvalidToken,
    #[error("the account is already active")]
    Stale,
    #[error(transparent)]
    Internal(#[from] Internal),
}

#[derive(Debug, thiserror::Error)]
pub enum ResendError {
    #[error("no inactive account has this address")]
    NotFound,
    #[error(transparent)]
    Internal(#[from] Internal),
}

/// What the polling endpoint reports.
#[derive(Debug, Clone)]
pub struct ActivationStatus {
    pub email: EmailAddress,
    pub is_active: bool,
}

impl Accounts {
    #[tracing::instrument(skip_all)]
    pub async fn activate(&self, uid: &str, token: &str) -> Result<(), ActivateError> {
        let mut tx = self.begin().await?;
        let mut user = self
            .user_by_uid(tx.as_mut(), uid)
            .await?
            .ok_or(ActivateError::InvalidUid)?;
        if !self.reset_tokens.check(&user, token, self.now()) {
            return Err(ActivateError::InvalidToken);
        }
        if user.is_active {
            return Err(ActivateError::Stale);
        }
        user.is_active = true;
        user.email_verified = true;
        tx.set_active(user.id, true).await.map_err(Internal::from)?;
        tx.mark_email_verified(user.id)
            .await
            .map_err(Internal::from)?;
        if self.options.send_confirmation_email {
            let to = user.email.clone();
            self.queue_plain_mail(tx.as_mut(), MailKind::Confirmation, &user, &to)
                .await?;
        }
        let event = NewEvent::by_owner(EventKind::AccountActivated, user.id);
        self.record(tx.as_mut(), event).await?;
        self.commit(tx).await?;
        tracing::info!(user_id = user.id.0, "account activated");
        Ok(())
    }

    /// Queue a new activation mail; every token mailed stays valid until activation.
    #[tracing::instrument(skip_all)]
    pub async fn resend_activation(&self, email: &EmailAddress) -> Result<(), ResendError> {
        let mut tx = self.begin().await?;
        let user = tx.user_by_email(email).await.map_err(Internal::from)?;
        let user = user.filter(|u| !u.is_active).ok_or(ResendError::NotFound)?;
        self.queue_link_mail(tx.as_mut(), Link::Activation, &user)
            .await?;
        self.commit(tx).await?;
        Ok(())
    }

    pub async fn activation_status(
        &self,
        email: &EmailAddress,
    ) -> Result<Option<ActivationStatus>, Internal> {
        let user = self.store.user_by_email(email).await?;
        Ok(user.map(|u| ActivationStatus {
            email: u.email,
            is_active: u.is_active,
        }))
    }
}
