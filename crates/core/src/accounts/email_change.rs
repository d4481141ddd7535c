//! The login address: Djoser's change with the password and its mailed reset pair (the new
//! address takes over at once, as in Djoser), the Auth API's change (the new address waits
//! for its verification), and the notice to the old address with its link to undo.

use super::{Accounts, Internal, Link};
use crate::Timestamp;
use crate::domain::{EmailAddress, Password, User};
use crate::events::{EventKind, NewEvent};
use crate::mail::MailKind;
use crate::ports::{StoreError, Tx, UniqueField};
use crate::records::EmailUndoRecord;
use crate::two_factor::new_ticket;

/// How long the old address may undo a change.
pub const EMAIL_UNDO_SECS: i64 = 7 * 86_400;
/// The purpose under which undo tokens are hashed.
pub(super) const UNDO: &str = "email_undo";

#[derive(Debug, thiserror::Error)]
pub enum SetEmailError {
    #[error("the current password is wrong")]
    WrongCurrent,
    #[error("the address is taken")]
    Taken,
    #[error(transparent)]
    Internal(#[from] Internal),
}

#[derive(Debug, thiserror::Error)]
pub enum EmailResetConfirmError {
    #[error("the uid names no user")]
    InvalidUid,
    #[error("the token is not valid for this user")]
    InvalidToken,
    #[error("the address is taken")]
    Taken,
    #[error(transparent)]
    Internal(#[from] Internal),
}

impl Accounts {
    #[tracing::instrument(skip_all, fields(user_id = user.id.0))]
    pub async fn set_email(
        &self,
        user: &User,
        current: &Password,
        new_email: EmailAddress,
    ) -> Result<(), SetEmailError> {
        if !self.password_matches(user, current).await? {
            return Err(SetEmailError::WrongCurrent);
        }
        self.store_email(user, new_email)
            .await
            .map_err(|e| match e {
                StoreEmailError::Taken => SetEmailError::Taken,
                StoreEmailError::Internal(i) => SetEmailError::Internal(i),
            })
    }

    /// Queue an e-mail reset link when `email` names an active account with that address
    /// verified; silent otherwise.
    #[tracing::instrument(skip_all)]
    pub async fn request_email_reset(&self, email: &EmailAddress) -> Result<(), Internal> {
        self.mail_link_to_active(email, Link::EmailReset).await
    }

    #[tracing::instrument(skip_all)]
    pub async fn confirm_email_reset(
        &self,
        uid: &str,
        token: &str,
        new_email: EmailAddress,
    ) -> Result<(), EmailResetConfirmError> {
        let mut tx = self.begin().await?;
        let user = self
            .user_by_uid(tx.as_mut(), uid)
            .await?
            .ok_or(EmailResetConfirmError::InvalidUid)?;
        drop(tx);
        if !self.reset_tokens.check(&user, token, self.now()) {
            return Err(EmailResetConfirmError::InvalidToken);
        }
        self.store_email(&user, new_email)
            .await
            .map_err(|e| match e {
                StoreEmailError::Taken => EmailResetConfirmError::Taken,
                StoreEmailError::Internal(i) => EmailResetConfirmError::Internal(i),
            })
    }

    /// Djoser's change: the new address at once (as verified as the old one was), and the
    /// old address told.
    async fn store_email(
        &self,
        user: &User,
        new_email: EmailAddress,
    ) -> Result<(), StoreEmailError> {
        if let Some(other) = self
            .store
            .user_by_email(&new_email)
            .await
            .map_err(Internal::from)?
            && other.id != user.id
        {
            return Err(StoreEmailError::Taken);
        }
        let mut tx = self.begin().await?;
        let Some(current) = tx.user_by_id(user.id).await.map_err(Internal::from)? else {
            return Ok(());
        };
        match tx
            .set_email(user.id, &new_email, current.email_verified)
            .await
        {
            Err(StoreError::Conflict(UniqueField::Email)) => return Err(StoreEmailError::Taken),
            other => other.map_err(Internal::from)?,
        }
        if new_email.key() != current.email.key() {
            self.tell_old_address(tx.as_mut(), &current, &new_email)
                .await?;
        }
        self.commit(tx).await?;
        tracing::info!(user_id = user.id.0, "login e-mail changed");
        Ok(())
    }

    /// The Auth API's change, inside the update's transaction: the new address waits for its
    /// verification (mailed to it), and until then the account keeps its address for login,
    /// resets and notices.
    pub(super) async fn request_email_change(
        &self,
        tx: &mut dyn Tx,
        user: &User,
        new_email: &EmailAddress,
    ) -> Result<(), Internal> {
        tx.put_pending_email(user.id, new_email, self.now()).await?;
        let target = super::verification::with_email(user, new_email.clone());
        self.queue_link_mail(tx, Link::VerifyEmail, &target).await?;
        tracing::info!(
            user_id = user.id.0,
            "new login e-mail waits for verification"
        );
        Ok(())
    }

    /// Tell `user`'s old address that `new` replaced it, with a link that undoes the change
    /// for a week; the change is recorded.
    pub(super) async fn tell_old_address(
        &self,
        tx: &mut dyn Tx,
        user: &User,
        new: &EmailAddress,
    ) -> Result<(), Internal> {
        let token = new_ticket();
        let now = self.now();
        let undo = EmailUndoRecord {
            token_hash: self.two_factor.codes.hash(UNDO, token.expose()),
            user_id: user.id.0,
            old_email: user.email.as_str().to_owned(),
            new_email: new.as_str().to_owned(),
            created_at: now.0,
            expires_at: Timestamp(now.0).plus_secs(EMAIL_UNDO_SECS).0,
        };
        tx.insert_email_undo(&undo).await?;
        let mut mail = self.mail_for(user, MailKind::EmailChanged);
        mail.context.url = Some(self.links.undo_url(token.expose()));
        mail.context.new_email = Some(new.as_str().to_owned());
        tx.enqueue_mail(&mail, now).await?;
        let event = NewEvent::by_owner(EventKind::EmailChanged, user.id)
            .with("from", user.email.as_str())
            .with("to", new.as_str());
        self.record(tx, event).await
    }
}

#[derive(Debug, thiserror::Error)]
enum StoreEmailError {
    #[error("taken")]
    Taken,
    #[error(transparent)]
    Internal(#[from] Internal),
}
