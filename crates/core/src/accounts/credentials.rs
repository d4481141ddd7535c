//! Passwords: changing one with the current password, and the mailed reset flow.

use super::{Accounts, Internal, Link};
use crate::domain::{ClientInfo, EmailAddress, Password, User};
use crate::mail::MailKind;
use crate::passwords::UserAttributes;
use crate::tokens::TokenPair;

#[derive(Debug, thiserror::Error)]
pub enum SetPasswordError {
    #[error("the current password is wrong")]
    WrongCurrent,
    #[error("the new password fails validation")]
    WeakPassword(Vec<String>),
    #[error(transparent)]
    Internal(#[from] Internal),
}

#[derive(Debug, thiserror::Error)]
pub enum ResetConfirmError {
    #[error("the uid names no user")]
    InvalidUid,
    #[error("the token is not valid for this user")]
    InvalidToken,
    #[error("the new password fails validation")]
    WeakPassword(Vec<String>),
    #[error(transparent)]
    Internal(#[from] Internal),
}

#[derive(Debug, thiserror::Error)]
pub enum ChangePasswordError {
    #[error("the current password is wrong")]
    WrongCurrent,
    #[error("the new password fails validation")]
    WeakPassword(Vec<String>),
    #[error(transparent)]
    Internal(#[from] Internal),
}

impl Accounts {
    /// The Auth API's password change: checks the current password and the validators,
    /// ends the account's other sessions (when so configured), queues a "password changed"
    /// mail, and answers a fresh pair (a new session) for the caller.
    #[tracing::instrument(skip_all, fields(user_id = user.id.0))]
    pub async fn change_password(
        &self,
        user: &User,
        current: &Password,
        new: &Password,
        client: &ClientInfo,
    ) -> Result<TokenPair, ChangePasswordError> {
        if self.require_password(user, current).await.is_err() {
            return Err(ChangePasswordError::WrongCurrent);
        }
        let problems = self.password_problems(new.expose(), user);
        if !problems.is_empty() {
            return Err(ChangePasswordError::WeakPassword(problems));
        }
        let hash = self
            .hasher
            .hash(new.expose())
            .await
            .map_err(Internal::from)?;
        let mut tx = self.begin().await?;
        let mut current = tx
            .user_by_id(user.id)
            .await
            .map_err(Internal::from)?
            .unwrap_or_else(|| user.clone());
        current.password_hash = hash;
        tx.update_user(&current).await.map_err(Internal::from)?;
        if self.options.revoke_on_password_change {
            tx.blacklist_all(user.id, self.now())
                .await
                .map_err(Internal::from)?;
        }
        let to = current.email.clone();
        self.queue_plain_mail(tx.as_mut(), MailKind::PasswordChanged, &current, &to)
            .await?;
        let pair = self.open_session(tx.as_mut(), &current, client).await?;
        self.commit_with_mail(tx).await?;
        tracing::info!("password changed");
        Ok(pair)
    }

    #[tracing::instrument(skip_all, fields(user_id = user.id.0))]
    pub async fn set_password(
        &self,
        user: &User,
        current: &Password,
        new: &Password,
    ) -> Result<(), SetPasswordError> {
        if self.require_password(user, current).await.is_err() {
            return Err(SetPasswordError::WrongCurrent);
        }
        let problems = self.password_problems(new.expose(), user);
        if !problems.is_empty() {
            return Err(SetPasswordError::WeakPassword(problems));
        }
        let revoke = self.options.revoke_on_password_change;
        self.store_password(user, new, false, revoke).await?;
        Ok(())
    }

    /// The Auth API's reset: the mailed link goes to Tessera's own reset pages.
    #[tracing::instrument(skip_all)]
    pub async fn request_password_reset_page(&self, email: &EmailAddress) -> Result<(), Internal> {
        self.mail_link_to_active(email, Link::ResetPage).await
    }

    /// Whether a mailed uid/token pair is still good (the reset pages check before showing
    /// their form).
    pub async fn reset_link_valid(&self, uid: &str, token: &str) -> Result<bool, Internal> {
        let Some(id) = crate::tokens::decode_uid(uid) else {
            return Ok(false);
        };
        let Some(user) = self.store.user_by_id(id).await? else {
            return Ok(false);
        };
        Ok(self.reset_tokens.check(&user, token, self.now()))
    }

    /// Django's SetPasswordForm after a valid link: validators run against the user.
    #[tracing::instrument(skip_all)]
    pub async fn reset_password_from_link(
        &self,
        uid: &str,
        token: &str,
        new: &Password,
    ) -> Result<(), ResetConfirmError> {
        self.reset_checked(uid, token, new).await
    }

    /// Queue a reset mail when `email` names an active account; silent otherwise.
    #[tracing::instrument(skip_all)]
    pub async fn request_password_reset(&self, email: &EmailAddress) -> Result<(), Internal> {
        self.mail_link_to_active(email, Link::PasswordReset).await
    }

    #[tracing::instrument(skip_all)]
    pub async fn confirm_password_reset(
        &self,
        uid: &str,
        token: &str,
        new: &Password,
    ) -> Result<(), ResetConfirmError> {
        // Djoser validates the new password (against no user) before the uid and token.
        let anonymous = self.policy.check(new.expose(), &UserAttributes::default());
        if !anonymous.is_empty() {
            return Err(ResetConfirmError::WeakPassword(anonymous));
        }
        self.reset_checked(uid, token, new).await
    }

    /// uid, token, then the validators against the user; the password change kills the token.
    async fn reset_checked(
        &self,
        uid: &str,
        token: &str,
        new: &Password,
    ) -> Result<(), ResetConfirmError> {
        let id = crate::tokens::decode_uid(uid).ok_or(ResetConfirmError::InvalidUid)?;
        let user = self.store.user_by_id(id).await.map_err(Internal::from)?;
        let user = user.ok_or(ResetConfirmError::InvalidUid)?;
        if !self.reset_tokens.check(&user, token, self.now()) {
            return Err(ResetConfirmError::InvalidToken);
        }
        let problems = self.password_problems(new.expose(), &user);
        if !problems.is_empty() {
            return Err(ResetConfirmError::WeakPassword(problems));
        }
        self.store_password(&user, new, true, true).await?;
        self.clear_login_failures(&user).await;
        Ok(())
    }

    /// Hash and store `new`; the stored hash changing kills every mailed token. With
    /// `record_login`, `last_login` is set as Djoser's reset confirmation does; with
    /// `end_sessions`, every session of the account ends.
    async fn store_password(
        &self,
        user: &User,
        new: &Password,
        record_login: bool,
        end_sessions: bool,
    ) -> Result<(), Internal> {
        let hash = self.hasher.hash(new.expose()).await?;
        let mut tx = self.begin().await?;
        let Some(mut current) = tx.user_by_id(user.id).await? else {
            return Ok(());
        };
        current.password_hash = hash;
        if record_login {
            current.last_login = Some(self.now());
        }
        tx.update_user(&current).await?;
        if end_sessions {
            // Logins waiting for their second factor were opened with the old password.
            tx.blacklist_all(user.id, self.now()).await?;
            tx.clear_challenges(user.id).await?;
        }
        tx.commit().await?;
        tracing::info!(user_id = user.id.0, "password changed");
        Ok(())
    }
}
