//! E-mail verification for accounts that skip activation (the Auth API dialect), and for a
//! new login address: a mailed link whose uid/token, followed or posted, proves the address;
//! or the six-digit code in the same mail (10 minutes, single use, five guesses). A new
//! address waiting for its proof takes over only then.

use super::{Accounts, Internal, Link};
use crate::domain::{EmailAddress, User};
use crate::events::{EventKind, NewEvent};
use crate::ports::{CodePurpose, StoreError, Tx, UniqueField};
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
    #[error("the address is verified and no new one waits")]
    AlreadyVerified,
    #[error("the new address belongs to another account now")]
    Taken,
    #[error(transparent)]
    Internal(#[from] Internal),
}

impl From<StoreError> for VerifyEmailError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::Conflict(UniqueField::Email) => Self::Taken,
            other => Self::Internal(other.into()),
        }
    }
}

impl Accounts {
    /// `Err(AlreadyVerified)` when there is nothing to verify: the address is verified and no
    /// new one waits (checked before a request is counted against its limits).
    pub async fn check_unverified(&self, user: &User) -> Result<(), VerifyEmailError> {
        let pending = self.store.pending_email(user.id).await?;
        match pending.is_none() && user.email_verified {
            true => Err(VerifyEmailError::AlreadyVerified),
            false => Ok(()),
        }
    }

    /// Queue a verification mail for the new address the account waits to verify, else for
    /// its current address while unverified.
    #[tracing::instrument(skip_all, fields(user_id = user.id.0))]
    pub async fn send_verification(&self, user: &User) -> Result<(), VerifyEmailError> {
        let mut tx = self.begin().await?;
        let target = match tx.pending_email(user.id).await? {
            Some(pending) => with_email(user, pending),
            None if user.email_verified => return Err(VerifyEmailError::AlreadyVerified),
            None => user.clone(),
        };
        self.queue_link_mail(tx.as_mut(), Link::VerifyEmail, &target)
            .await?;
        self.commit(tx).await?;
        Ok(())
    }

    /// Prove the address a mailed link was for: the new address waiting (which then takes
    /// over), or the current one. Following a link again is harmless.
    #[tracing::instrument(skip_all)]
    pub async fn confirm_verification(
        &self,
        uid: &str,
        token: &str,
    ) -> Result<User, VerifyEmailError> {
        let mut tx = self.begin().await?;
        let user = self
            .user_by_uid(tx.as_mut(), uid)
            .await?
            .ok_or(VerifyEmailError::InvalidUid)?;
        let now = self.now();
        if let Some(pending) = tx.pending_email(user.id).await?
            && self
                .verify_tokens
                .check(&with_email(&user, pending.clone()), token, now)
        {
            let user = self.adopt_address(tx.as_mut(), user, pending).await?;
            self.commit(tx).await?;
            return Ok(user);
        }
        if !self.verify_tokens.check(&user, token, now) {
            return Err(VerifyEmailError::InvalidToken);
        }
        if !user.email_verified {
            tx.mark_email_verified(user.id).await?;
            let event = NewEvent::by(EventKind::EmailVerified, Some(user.id), None);
            self.record(tx.as_mut(), event).await?;
            self.commit(tx).await?;
            tracing::info!(user_id = user.id.0, "e-mail verified");
        }
        Ok(User {
            email_verified: true,
            ..user
        })
    }

    /// Prove the address with the code from the verification mail (the new address waiting,
    /// else the current one).
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
        if !tx.consume_code(user.id, purpose, &hash, now).await? {
            tx.code_guess_failed(user.id, purpose, CODE_MAX_GUESSES)
                .await?;
            self.commit(tx).await?;
            return Err(VerifyEmailError::InvalidCode);
        }
        let user = match tx.pending_email(user.id).await? {
            Some(pending) => {
                self.adopt_address(tx.as_mut(), user.clone(), pending)
                    .await?
            }
            None => {
                tx.mark_email_verified(user.id).await?;
                let event = NewEvent::by_owner(EventKind::EmailVerified, user.id);
                self.record(tx.as_mut(), event).await?;
                User {
                    email_verified: true,
                    ..user.clone()
                }
            }
        };
        self.commit(tx).await?;
        tracing::info!("e-mail verified by code");
        Ok(user)
    }

    /// The verified new address replaces the old one, which is told (with a link to undo).
    async fn adopt_address(
        &self,
        tx: &mut dyn Tx,
        user: User,
        new: EmailAddress,
    ) -> Result<User, VerifyEmailError> {
        tx.set_email(user.id, &new, true).await?;
        tx.clear_pending_email(user.id).await?;
        self.tell_old_address(tx, &user, &new).await?;
        tracing::info!(user_id = user.id.0, "new login e-mail verified and in use");
        Ok(User {
            email: new,
            email_verified: true,
            ..user
        })
    }
}

/// `user` as if its address were `email` (the mail and the token of a new address).
pub(super) fn with_email(user: &User, email: EmailAddress) -> User {
    User {
        email,
        ..user.clone()
    }
}
