//! The login e-mail: changing it with the password, and Djoser's mailed reset pair.

use super::{Accounts, Internal, Link};
use crate::domain::{EmailAddress, Password, User};
use crate::ports::{StoreError, UniqueField};

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
        if self.require_password(user, current).await.is_err() {
            return Err(SetEmailError::WrongCurrent);
        }
        self.store_email(user, new_email)
            .await
            .map_err(|e| match e {
                StoreEmailError::Taken => SetEmailError::Taken,
                StoreEmailError::Internal(i) => SetEmailError::Internal(i),
            })
    }

    /// Queue an e-mail reset link when `email` names an active account; silent otherwise.
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
        let Some(mut current) = tx.user_by_id(user.id).await.map_err(Internal::from)? else {
            return Ok(());
        };
        current.email = new_email;
        match tx.update_user(&current).await {
            Err(StoreError::Conflict(UniqueField::Email)) => return Err(StoreEmailError::Taken),
            other => other.map_err(Internal::from)?,
        }
        tx.commit().await.map_err(Internal::from)?;
        tracing::info!(user_id = user.id.0, "login e-mail changed");
        Ok(())
    }
}

#[derive(Debug, thiserror::Error)]
enum StoreEmailError {
    #[error("taken")]
    Taken,
    #[error(transparent)]
    Internal(#[from] Internal),
}
