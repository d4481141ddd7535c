//! The account itself: reading it, listing, updating its fields, deleting it.

use super::access::{Change, Delete, Permit};
use super::second_factor::{Accept, SecondFactor, paced};
use super::{Accounts, Enrolment, Internal, TwoFactorError};
use crate::domain::{
    ClientInfo, EmailAddress, Lang, Password, ProfileField, User, UserId, Username,
};
use crate::events::{EventKind, NewEvent};
use crate::passwords::Verification;
use crate::ports::{StoreError, UniqueField};
use crate::tokens::TokenPair;

/// The original Auth API's 2FA switch, set with the other fields of an update.
#[derive(Debug, Clone)]
pub enum TwoFactorSwitch {
    /// From now on logging in needs a second factor; a TOTP enrolment starts.
    On,
    /// Logging in needs the password only: the owner proves the password (the update's) and
    /// a second factor (what the client left out is `TwoFactorError::ProofMissing`).
    Off { proof: Option<SecondFactor> },
}

/// A partial update; `None` and absent fields are left alone.
#[derive(Debug, Default, Clone)]
pub struct ProfileUpdate {
    pub username: Option<Username>,
    /// A new login e-mail: it needs `password`, and waits for its verification (mailed to it)
    /// while the account keeps its address. A new spelling of the same address needs neither.
    pub email: Option<EmailAddress>,
    /// The current password, for the changes that need it (a new address, 2FA off).
    pub password: Option<Password>,
    pub lang: Option<Lang>,
    pub fields: Vec<(ProfileField, String)>,
    /// Answer a fresh token pair (a new session from this client) when the username changes:
    /// the tokens carry the old name.
    pub reissue_for: Option<ClientInfo>,
    /// Turn the second factor on or off in the same transaction.
    pub two_factor: Option<TwoFactorSwitch>,
}

/// The account after an update, a fresh pair when the username (a token claim) changed, the
/// enrolment to scan when 2FA was turned on, and the new address waiting for verification.
#[derive(Debug)]
pub struct Updated {
    pub user: User,
    pub tokens: Option<TokenPair>,
    pub enrolment: Option<Enrolment>,
    pub pending_email: Option<EmailAddress>,
}

#[derive(Debug, thiserror::Error)]
pub enum UpdateError {
    #[error("the username is taken")]
    UsernameTaken,
    #[error("the e-mail address is taken")]
    EmailTaken,
    #[error("the account no longer exists")]
    Gone,
    /// A new address needs the current password, which was not given.
    #[error("the current password is required")]
    PasswordRequired,
    #[error("the current password is wrong")]
    WrongPassword,
    #[error(transparent)]
    TwoFactor(TwoFactorError),
    #[error(transparent)]
    Internal(#[from] Internal),
}

impl From<TwoFactorError> for UpdateError {
    fn from(e: TwoFactorError) -> Self {
        match e {
            TwoFactorError::Internal(e) => Self::Internal(e),
            other => Self::TwoFactor(other),
        }
    }
}

impl From<StoreError> for UpdateError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::Conflict(UniqueField::Username) => Self::UsernameTaken,
            StoreError::Conflict(UniqueField::Email) => Self::EmailTaken,
            other => Self::Internal(other.into()),
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum DeleteError {
    #[error("the current password is wrong")]
    WrongPassword,
    #[error(transparent)]
    Internal(#[from] Internal),
}

impl Accounts {
    /// Change the account's fields, and its 2FA switch, in one transaction: nothing is
    /// written when any part is refused. Turning 2FA off runs at the constant pace of every
    /// second-factor attempt.
    #[tracing::instrument(skip_all, fields(actor = permit.actor.id.0, user_id = permit.target.id.0))]
    pub async fn update_profile(
        &self,
        permit: Permit<Change>,
        change: ProfileUpdate,
    ) -> Result<Updated, UpdateError> {
        let id = permit.target.id;
        self.check_unique(id, &change).await?;
        match &change.two_factor {
            Some(TwoFactorSwitch::Off { .. }) => paced(self.apply_update(id, change)).await,
            _ => self.apply_update(id, change).await,
        }
    }

    async fn apply_update(
        &self,
        id: UserId,
        change: ProfileUpdate,
    ) -> Result<Updated, UpdateError> {
        let before = self.store.user_by_id(id).await?.ok_or(UpdateError::Gone)?;
        // A new address (not a new spelling of the same one) is an authentication factor:
        // changing it takes the current password, as Djoser's set_email does.
        let new_email = change
            .email
            .clone()
            .filter(|e| e.key() != before.email.key());
        if new_email.is_some() {
            let password = change
                .password
                .as_ref()
                .ok_or(UpdateError::PasswordRequired)?;
            if !self.password_matches(&before, password).await? {
                return Err(UpdateError::WrongPassword);
            }
        }
        let mut tx = match &change.two_factor {
            Some(TwoFactorSwitch::Off { proof }) => {
                if !before.two_fa_enabled {
                    return Err(TwoFactorError::NotEnabled.into());
                }
                let (Some(password), Some(proof)) = (&change.password, proof) else {
                    return Err(TwoFactorError::ProofMissing {
                        password: change.password.is_none(),
                        code: proof.is_none(),
                    }
                    .into());
                };
                self.step_up(&before, password, proof, Accept::ANY).await?
            }
            _ => self.begin().await?,
        };
        let mut user = tx.user_by_id(id).await?.ok_or(UpdateError::Gone)?;
        let renamed = change
            .username
            .as_ref()
            .is_some_and(|n| *n != user.username);
        let old_name = renamed.then(|| user.username.clone());
        if let Some(name) = change.username {
            user.username = name;
        }
        if let Some(spelling) = change.email.filter(|_| new_email.is_none()) {
            user.email = spelling;
        }
        if let Some(lang) = change.lang {
            user.lang = lang;
        }
        for (field, value) in change.fields {
            user.profile.set(field, value);
        }
        tx.save_profile(&user).await?;
        if let Some(old_name) = old_name {
            let event = NewEvent::by_owner(EventKind::AccountRenamed, id)
                .with("from", old_name.as_str())
                .with("to", user.username.as_str());
            self.record(tx.as_mut(), event).await?;
        }
        let enrolment = match &change.two_factor {
            Some(TwoFactorSwitch::On) => Some(self.require_totp(tx.as_mut(), &mut user).await?),
            Some(TwoFactorSwitch::Off { .. }) => {
                let event = NewEvent::by_owner(EventKind::TwoFactorDisabled, id);
                self.turn_off_two_factor(tx.as_mut(), &user, event).await?;
                user.two_fa_enabled = false;
                None
            }
            None => None,
        };
        if let Some(email) = &new_email {
            self.request_email_change(tx.as_mut(), &user, email).await?;
        }
        let pending_email = tx.pending_email(id).await?;
        let tokens = match (&change.reissue_for, renamed) {
            (Some(client), true) => Some(self.open_session(tx.as_mut(), &user, client).await?),
            _ => None,
        };
        self.commit(tx).await?;
        Ok(Updated {
            user,
            tokens,
            enrolment,
            pending_email,
        })
    }

    /// The new address the account waits to verify.
    pub async fn pending_email(&self, user: &User) -> Result<Option<EmailAddress>, Internal> {
        Ok(self.store.pending_email(user.id).await?)
    }

    /// Uniqueness of a new username or e-mail, checked before writing so both are reported.
    async fn check_unique(&self, id: UserId, change: &ProfileUpdate) -> Result<(), UpdateError> {
        if let Some(name) = &change.username
            && self.store.username_taken(name.as_str(), Some(id)).await?
        {
            return Err(UpdateError::UsernameTaken);
        }
        if let Some(email) = &change.email
            && let Some(other) = self.store.user_by_email(email).await?
            && other.id != id
        {
            return Err(UpdateError::EmailTaken);
        }
        Ok(())
    }

    /// Delete `target` and all that hangs on it, once `actor` (its owner, or staff where
    /// their reach extends) proves their password when the dialect asks for it: issued
    /// tokens and queued mail go with it (foreign keys), and its unexpired access tokens stop
    /// working (their user is gone).
    #[tracing::instrument(skip_all, fields(actor = permit.actor.id.0, user_id = permit.target.id.0))]
    pub async fn delete_account(
        &self,
        permit: Permit<Delete>,
        password: Option<&Password>,
    ) -> Result<(), DeleteError> {
        let target = &permit.target;
        if let Some(password) = password
            && !self.password_matches(&permit.actor, password).await?
        {
            return Err(DeleteError::WrongPassword);
        }
        let mut tx = self.begin().await?;
        tx.delete_user(target.id).await.map_err(Internal::from)?;
        let event = permit.event(EventKind::AccountDeleted);
        let event = event.with("username", target.username.as_str());
        self.record(tx.as_mut(), event).await?;
        self.commit(tx).await?;
        tracing::info!("account deleted");
        Ok(())
    }

    /// Whether `password` is the user's current password.
    pub(super) async fn password_matches(
        &self,
        user: &User,
        password: &Password,
    ) -> Result<bool, Internal> {
        let verdict = self
            .hasher
            .verify(password.expose(), Some(&user.password_hash))
            .await?;
        Ok(matches!(verdict, Verification::Valid { .. }))
    }
}
