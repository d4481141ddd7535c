//! E-mail verification for accounts that skip activation (the Auth API dialect): a mailed
//! link whose uid/token, followed or posted, marks the address verified.

use super::{Accounts, Internal, Link};
use crate::domain::User;

#[derive(Debug, thiserror::Error)]
pub enum VerifyEmailError {
    #[error("the uid names no user")]
    InvalidUid,
    #[error("the token is not valid for this user")]
    InvalidToken,
    #[error(transparent)]
    Internal(#[from] Internal),
}

impl Accounts {
    /// Queue a verification mail for the account's current address.
    #[tracing::instrument(skip_all, fields(user_id = user.id.0))]
    pub async fn send_verification(&self, user: &User) -> Result<(), Internal> {
        let mut tx = self.begin().await?;
        self.queue_link_mail(tx.as_mut(), Link::VerifyEmail, user)
            .await?;
        self.commit_with_mail(tx).await
    }

    /// Mark the address verified; following a link again is harmless.
    #[tracing::instrument(skip_all)]
    pub async fn confirm_verification(
        &self,
        uid: &str,
        token: &str,
    ) -> Result<User, VerifyEmailError> {
        let mut tx = self.begin().await?;
        let mut user = self
            .user_by_uid(tx.as_mut(), uid)
            .await?
            .ok_or(VerifyEmailError::InvalidUid)?;
        if !self.verify_tokens.check(&user, token, self.now()) {
            return Err(VerifyEmailError::InvalidToken);
        }
        if !user.email_verified {
            user.email_verified = true;
            tx.update_user(&user).await.map_err(Internal::from)?;
            tx.commit().await.map_err(Internal::from)?;
            tracing::info!(user_id = user.id.0, "e-mail verified");
        }
        Ok(user)
    }
}
