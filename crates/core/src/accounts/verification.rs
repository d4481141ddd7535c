//! E-mail verification for accounts that skip activation (the Auth API dialect): a mailed
//! link whose uid/token, followed or posted, marks the address verified; or the six-digit
//! code in the same mail (10 minutes, single use, five guesses).

use super::{Accounts, Internal, Link};
use crate::domain::User;
use crate::ports::CodePurpose;
use crate::two_factor::normalize_code;

/// Wrong guesses after which a verification code is void.
const CODE_MAX_GUESSES: i64 = 5;

#[derive(Debug, thiserror::Error)]
pub enum VerifyEmailError {
    #[error("the uid names no user")]
    InvalidUid,
    #[error("the token is not valid for this user")]
    InvalidToken,
    #[error("the code is wrong, expired or used")]
    InvalidCode,
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

    /// Mark the caller's address verified with the code from the verification mail.
    #[tracing::instrument(skip_all, fields(user_id = user.id.0))]
    pub async fn confirm_verification_code(
        &self,
        user: &User,
        code: &str,
    ) -> Result<User, VerifyEmailError> {
        let purpose = CodePurpose::VerifyEmail;
        let hash = self
            .two_factor
            .codes
            .hash(purpose.as_str(), &normalize_code(code));
        let mut tx = self.begin().await?;
        let now = self.now();
        if !tx
            .consume_code(user.id, purpose, &hash, now)
            .await
            .map_err(Internal::from)?
        {
            tx.code_guess_failed(user.id, purpose, CODE_MAX_GUESSES)
                .await
                .map_err(Internal::from)?;
            tx.commit().await.map_err(Internal::from)?;
            return Err(VerifyEmailError::InvalidCode);
        }
        let mut user = user.clone();
        user.email_verified = true;
        tx.update_user(&user).await.map_err(Internal::from)?;
        tx.commit().await.map_err(Internal::from)?;
        tracing::info!("e-mail verified by code");
        Ok(user)
    }
}
