//! Registration: a new account, inactive until activated, with its activation mail.

use super::{Accounts, Internal, Link};
use crate::domain::{EmailAddress, Lang, NewUser, Password, Profile, User, Username};
use crate::events::{EventKind, NewEvent};
use crate::passwords::{PasswordProblem, UserAttributes};
use crate::ports::{StoreError, UniqueField};

/// A registration, parsed at the boundary.
#[derive(Debug)]
pub struct Registration {
    pub email: EmailAddress,
    pub username: Username,
    pub password: Password,
    pub profile: Profile,
    pub lang: Lang,
    pub kind: AccountKind,
}

/// Who is creating the account.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AccountKind {
    /// Self-service sign-up: inactive until the mailed activation link is followed.
    SelfService,
    /// Created by an operator (CLI): active at once, no mail.
    Operator { staff: bool, superuser: bool },
    /// Auth API sign-up: active at once; the e-mail stays unverified until the user
    /// follows a verification mail.
    ActiveUnverified,
}

#[derive(Debug, thiserror::Error)]
pub enum RegisterError {
    #[error("e-mail or username already taken")]
    Taken { email: bool, username: bool },
    #[error("the password fails validation")]
    WeakPassword(Vec<PasswordProblem>),
    #[error(transparent)]
    Internal(#[from] Internal),
}

impl From<StoreError> for RegisterError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::Conflict(UniqueField::Email) => Self::Taken {
                email: true,
                username: false,
            },
            StoreError::Conflict(UniqueField::Username) => Self::Taken {
                email: false,
                username: true,
            },
            other => Self::Internal(other.into()),
        }
    }
}

impl Accounts {
    #[tracing::instrument(skip_all, fields(username = %r.username))]
    pub async fn register(&self, r: Registration) -> Result<User, RegisterError> {
        let email_taken = self.store.user_by_email(&r.email).await?.is_some();
        let username_taken = self.store.username_taken(r.username.as_str(), None).await?;
        if email_taken || username_taken {
            return Err(RegisterError::Taken {
                email: email_taken,
                username: username_taken,
            });
        }
        let attrs = UserAttributes {
            username: r.username.as_str(),
            first_name: &r.profile.first_name,
            last_name: &r.profile.last_name,
            email: r.email.as_str(),
        };
        let problems = self.policy.check(r.password.expose(), &attrs);
        if !problems.is_empty() {
            return Err(RegisterError::WeakPassword(problems));
        }
        let password_hash = self
            .hasher
            .hash(r.password.expose())
            .await
            .map_err(Internal::from)?;
        let new = NewUser {
            email: r.email,
            username: r.username,
            password_hash,
            is_active: !matches!(r.kind, AccountKind::SelfService),
            is_staff: matches!(r.kind, AccountKind::Operator { staff: true, .. }),
            is_superuser: matches!(
                r.kind,
                AccountKind::Operator {
                    superuser: true,
                    ..
                }
            ),
            date_joined: self.now(),
            profile: r.profile,
            lang: r.lang,
        };
        let mut tx = self.begin().await?;
        let mut user = tx.insert_user(&new).await?;
        if let AccountKind::Operator { .. } = r.kind {
            // The operator vouches for the address.
            tx.mark_email_verified(user.id).await?;
            user.email_verified = true;
        }
        if r.kind == AccountKind::SelfService {
            self.queue_link_mail(tx.as_mut(), Link::Activation, &user)
                .await?;
        }
        let by = match r.kind {
            AccountKind::Operator { .. } => "operator",
            AccountKind::SelfService | AccountKind::ActiveUnverified => "sign_up",
        };
        let event = NewEvent::by(EventKind::AccountCreated, Some(user.id), None);
        self.record(tx.as_mut(), event.with("by", by)).await?;
        self.commit(tx).await?;
        tracing::info!(user_id = user.id.0, "account registered");
        Ok(user)
    }
}
