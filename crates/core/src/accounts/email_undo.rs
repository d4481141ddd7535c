//! Undoing an e-mail change from the old address, within a week: the old address is back
//! (verified), the new one waits no more, and every session ends.

use super::email_change::UNDO;
use super::{Accounts, Internal};
use crate::domain::{EmailAddress, Lang, UserId};
use crate::events::{EventKind, NewEvent};
use crate::ports::{StoreError, UniqueField};
use crate::records::EmailUndoRecord;

/// An e-mail change an undo link names, as the page shows it.
#[derive(Debug, Clone)]
pub struct EmailChangeToUndo {
    pub old_email: String,
    pub new_email: String,
    /// The account's language, which the page speaks.
    pub lang: Lang,
}

#[derive(Debug, thiserror::Error)]
pub enum UndoEmailError {
    /// Unknown, expired, used, or the address changed again since.
    #[error("the link is invalid, expired or no longer applies")]
    InvalidLink,
    #[error("the old address belongs to another account now")]
    Taken,
    #[error(transparent)]
    Internal(#[from] Internal),
}

impl From<StoreError> for UndoEmailError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::Conflict(UniqueField::Email) => Self::Taken,
            other => Self::Internal(other.into()),
        }
    }
}

impl Accounts {
    /// The change an undo link would undo, while it still can.
    pub async fn email_change_to_undo(
        &self,
        token: &str,
    ) -> Result<Option<EmailChangeToUndo>, Internal> {
        let hash = self.two_factor.codes.hash(UNDO, token);
        let Some(undo) = self.store.email_undo(&hash).await? else {
            return Ok(None);
        };
        let current = self.store.user_by_id(UserId(undo.user_id)).await?;
        let current = current.filter(|u| self.still_applies(&undo, &u.email));
        Ok(current.map(|u| EmailChangeToUndo {
            old_email: undo.old_email,
            new_email: undo.new_email,
            lang: u.lang,
        }))
    }

    /// Put the old address back: verified, the account's other undo links and any address
    /// waiting for verification gone, every session ended (whoever made the change may hold
    /// one). Answers the address restored.
    #[tracing::instrument(skip_all)]
    pub async fn undo_email_change(&self, token: &str) -> Result<EmailAddress, UndoEmailError> {
        let hash = self.two_factor.codes.hash(UNDO, token);
        let mut tx = self.begin().await?;
        let undo = tx
            .email_undo(&hash)
            .await?
            .ok_or(UndoEmailError::InvalidLink)?;
        let user = tx
            .user_by_id(UserId(undo.user_id))
            .await?
            .filter(|u| self.still_applies(&undo, &u.email))
            .ok_or(UndoEmailError::InvalidLink)?;
        let old = EmailAddress::from_trusted(undo.old_email);
        tx.set_email(user.id, &old, true).await?;
        tx.clear_pending_email(user.id).await?;
        tx.clear_email_undo(user.id).await?;
        tx.blacklist_all(user.id, None, self.now()).await?;
        tx.clear_challenges(user.id).await?;
        let event = NewEvent::by(EventKind::EmailChangeUndone, Some(user.id), None)
            .with("from", user.email.as_str())
            .with("to", old.as_str());
        self.record(tx.as_mut(), event).await?;
        self.commit(tx).await?;
        tracing::warn!(
            user_id = user.id.0,
            "an e-mail change was undone from the old address"
        );
        Ok(old)
    }

    /// An undo link works for a week, and only while the change it undoes stands.
    fn still_applies(&self, undo: &EmailUndoRecord, current: &EmailAddress) -> bool {
        undo.expires_at > self.now().0
            && EmailAddress::from_trusted(undo.new_email.clone()).key() == current.key()
    }
}
