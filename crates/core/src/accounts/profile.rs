//! The account itself: reading it, listing, updating profile and username, deleting.

use super::{Accounts, Internal};
use crate::domain::{Password, ProfileField, User, UserId, Username};
use crate::passwords::Verification;
use crate::ports::{StoreError, UniqueField};

/// A partial update; `None` and absent fields are left alone.
#[derive(Debug, Default, Clone)]
pub struct ProfileUpdate {
    pub username: Option<Username>,
    pub fields: Vec<(ProfileField, String)>,
}

#[derive(Debug, thiserror::Error)]
pub enum UpdateError {
    #[error("the username is taken")]
    UsernameTaken,
    #[error("the account no longer exists")]
    Gone,
    #[error(transparent)]
    Internal(#[from] Internal),
}

#[derive(Debug, thiserror::Error)]
pub enum DeleteError {
    #[error("the current password is wrong")]
    WrongPassword,
    #[error(transparent)]
    Internal(#[from] Internal),
}

impl Accounts {
    /// Who `viewer` may see: everyone for staff, only themselves otherwise.
    pub async fn visible_users(&self, viewer: &User) -> Result<Vec<User>, Internal> {
        if viewer.is_staff {
            return Ok(self.store.list_users().await?);
        }
        Ok(vec![viewer.clone()])
    }

    /// The account `id` as `viewer` may see it (Djoser's HIDE_USERS).
    pub async fn visible_user(&self, viewer: &User, id: UserId) -> Result<Option<User>, Internal> {
        if viewer.id == id {
            return Ok(Some(viewer.clone()));
        }
        if !viewer.is_staff {
            return Ok(None);
        }
        Ok(self.store.user_by_id(id).await?)
    }

    #[tracing::instrument(skip_all, fields(user_id = id.0))]
    pub async fn update_profile(
        &self,
        id: UserId,
        change: ProfileUpdate,
    ) -> Result<User, UpdateError> {
        if let Some(name) = &change.username
            && self
                .store
                .username_taken(name.as_str(), Some(id))
                .await
                .map_err(Internal::from)?
        {
            return Err(UpdateError::UsernameTaken);
        }
        let mut tx = self.begin().await?;
        let mut user = tx
            .user_by_id(id)
            .await
            .map_err(Internal::from)?
            .ok_or(UpdateError::Gone)?;
        if let Some(name) = change.username {
            user.username = name;
        }
        for (field, value) in change.fields {
            user.profile.set(field, value);
        }
        match tx.update_user(&user).await {
            Err(StoreError::Conflict(UniqueField::Username)) => {
                return Err(UpdateError::UsernameTaken);
            }
            other => other.map_err(Internal::from)?,
        }
        tx.commit().await.map_err(Internal::from)?;
        Ok(user)
    }

    /// Delete `target` once `actor` (its owner, or staff) proves their password; the
    /// account's tokens and queued mail go with it.
    #[tracing::instrument(skip_all, fields(actor = actor.id.0, target = target.0))]
    pub async fn delete_account(
        &self,
        actor: &User,
        target: UserId,
        password: &Password,
    ) -> Result<(), DeleteError> {
        self.require_password(actor, password)
            .await
            .map_err(|_| DeleteError::WrongPassword)?;
        let mut tx = self.begin().await?;
        tx.delete_user(target).await.map_err(Internal::from)?;
        tx.commit().await.map_err(Internal::from)?;
        tracing::info!("account deleted");
        Ok(())
    }

    /// `Ok` when `password` is the user's current password.
    pub(super) async fn require_password(
        &self,
        user: &User,
        password: &Password,
    ) -> Result<(), ()> {
        match self
            .hasher
            .verify(password.expose(), Some(&user.password_hash))
            .await
        {
            Verification::Valid { .. } => Ok(()),
            Verification::Invalid => Err(()),
        }
    }
}
