//! Passwords: changing one with the current password, and the mailed reset flow.

use super::access::{Change, Permit};
use super::{Accounts, Internal, Link};
use crate::domain::{ClientInfo, EmailAddress, Lang, Password, User};
use crate::events::{EventKind, NewEvent};
use crate::mail::MailKind;
use crate::passwords::{PasswordProblem, UserAttributes};
use crate::tokens::TokenPair;

#[derive(Debug, thiserror::Error)]
pub enum ResetConfirmError {
    #[error("the uid names no user")]
    InvalidUid,
    #[error("the token is not valid for this user")]
    InvalidToken,
    #[error("the new password fails validation")]
    WeakPassword(Vec<PasswordProblem>),
    #[error(transparent)]
    Internal(#[from] Internal),
}

#[derive(Debug, thiserror::Error)]
pub enum ChangePasswordError {
    #[error("the current password is wrong")]
    WrongCurrent,
    #[error("the new password fails validation")]
    WeakPassword(Vec<PasswordProblem>),
    #[error(transparent)]
    Internal(#[from] Internal),
}

/// Where a mailed password-reset link leads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ResetLink {
    /// The frontend's confirmation page (Djoser's PASSWORD_RESET_CONFIRM_URL).
    Frontend,
    /// Tessera's own reset pages (the Auth API's Django views).
    OwnPages,
}

/// Who changes a password, and what they get back.
#[derive(Debug, Clone, Copy)]
pub struct PasswordChange<'a> {
    /// The session whose access token made the call: it stays, the others end (when
    /// `revoke_on_password_change` is on).
    pub session: Option<&'a str>,
    /// Answer a fresh pair in that session (the Auth API does, Djoser does not).
    pub reissue_for: Option<&'a ClientInfo>,
}

impl Accounts {
    /// Change the password of the account `target` names with its current one: the
    /// validators run against the user, the account's other sessions end (when so
    /// configured) and the caller's stays, the owner is mailed, and the pair is answered when
    /// asked for.
    #[tracing::instrument(skip_all, fields(user_id = permit.target.id.0))]
    pub async fn change_password(
        &self,
        permit: Permit<Change>,
        current: &Password,
        new: &Password,
        how: PasswordChange<'_>,
    ) -> Result<Option<TokenPair>, ChangePasswordError> {
        let user = &permit.target;
        if !self.password_matches(user, current).await? {
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
        tx.set_password_hash(user.id, &hash)
            .await
            .map_err(Internal::from)?;
        current.password_hash = hash;
        if self.options.revoke_on_password_change {
            tx.blacklist_all(user.id, how.session, self.now())
                .await
                .map_err(Internal::from)?;
        }
        let to = current.email.clone();
        self.queue_plain_mail(tx.as_mut(), MailKind::PasswordChanged, &current, &to)
            .await?;
        self.record(tx.as_mut(), permit.event(EventKind::PasswordChanged))
            .await?;
        let pair = match how.reissue_for {
            Some(client) => Some(
                self.pair_in_session(tx.as_mut(), &current, how.session, client)
                    .await?,
            ),
            None => None,
        };
        self.commit(tx).await?;
        tracing::info!("password changed");
        Ok(pair)
    }

    /// Whether a mailed uid/token pair is still good (the reset pages check before showing
    /// their form): the account's language when it is, for the page to speak it.
    pub async fn reset_link_lang(&self, uid: &str, token: &str) -> Result<Option<Lang>, Internal> {
        let Some(id) = crate::tokens::decode_uid(uid) else {
            return Ok(None);
        };
        let Some(user) = self.store.user_by_id(id).await? else {
            return Ok(None);
        };
        let valid = self.reset_tokens.check(&user, token, self.now());
        Ok(valid.then_some(user.lang))
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

    /// Queue a reset mail when `email` names an active account with that address verified;
    /// silent otherwise. `to` says where its link leads.
    #[tracing::instrument(skip_all)]
    pub async fn request_password_reset(
        &self,
        email: &EmailAddress,
        to: ResetLink,
    ) -> Result<(), Internal> {
        let link = match to {
            ResetLink::Frontend => Link::PasswordReset,
            ResetLink::OwnPages => Link::ResetPage,
        };
        self.mail_link_to_active(email, link).await
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
        self.store_reset_password(&user, new).await?;
        self.clear_login_failures(&user).await;
        Ok(())
    }

    /// A reset's new password: the stored hash changing kills every mailed token,
    /// `last_login` is set as Djoser's reset confirmation does, every session of the account
    /// ends, with the logins waiting for their second factor, and the owner is told.
    async fn store_reset_password(&self, user: &User, new: &Password) -> Result<(), Internal> {
        let hash = self.hasher.hash(new.expose()).await?;
        let mut tx = self.begin().await?;
        let Some(mut current) = tx.user_by_id(user.id).await? else {
            return Ok(());
        };
        tx.set_password_hash(user.id, &hash).await?;
        tx.record_login(user.id, self.now()).await?;
        current.password_hash = hash;
        current.last_login = Some(self.now());
        tx.blacklist_all(user.id, None, self.now()).await?;
        tx.clear_challenges(user.id).await?;
        let to = current.email.clone();
        self.queue_plain_mail(tx.as_mut(), MailKind::PasswordChanged, &current, &to)
            .await?;
        let event = NewEvent::by_owner(EventKind::PasswordReset, user.id);
        self.record(tx.as_mut(), event).await?;
        self.commit(tx).await?;
        tracing::info!(user_id = user.id.0, "password reset");
        Ok(())
    }
}
