//! Who may read, change or delete which account: `Actor`, `Target` and the one rule every
//! use case on an account asks before it acts.

use super::{Accounts, Internal};
use crate::domain::{User, UserId};
use crate::events::{EventKind, NewEvent};
use std::marker::PhantomData;

/// How far an actor's hand reaches beyond their own account: the dialect's rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reach {
    /// Their own account only, staff or not (the Auth API).
    Own,
    /// Staff reach every account; anyone else sees only their own, the others being hidden
    /// as absent (Djoser's HIDE_USERS), and deleting one of them is refused outright.
    Staff,
}

/// The signed-in user a use case acts for, and the reach of their hand.
#[derive(Debug, Clone, Copy)]
pub struct Actor<'a> {
    pub user: &'a User,
    pub reach: Reach,
}

impl<'a> Actor<'a> {
    pub fn new(user: &'a User, reach: Reach) -> Self {
        Self { user, reach }
    }

    fn sees_everyone(&self) -> bool {
        self.reach == Reach::Staff && self.user.is_staff
    }
}

/// The account a request names.
#[derive(Debug, Clone, Copy)]
pub enum Target<'a> {
    /// The actor's own (`users/me/`).
    Own,
    /// By primary key as the request spells it: what does not parse names no account.
    Pk(&'a str),
    /// By username.
    Username(&'a str),
}

/// What the actor means to do with the account: the purpose a `Permit` is for.
pub trait Purpose {
    #[doc(hidden)]
    const ACTION: Action;
}

#[doc(hidden)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    Change,
    Delete,
}

/// Changing the account's fields or password.
#[derive(Debug)]
pub struct Change;
/// Deleting the account.
#[derive(Debug)]
pub struct Delete;

impl Purpose for Change {
    const ACTION: Action = Action::Change;
}
impl Purpose for Delete {
    const ACTION: Action = Action::Delete;
}

/// Proof that an actor may do `P` to an account: only `Accounts::permit` makes one, and the
/// use cases that change or delete an account take one. Asked for before the request's body
/// is read, as DRF finds the object (404/403) before it validates the input.
#[derive(Debug)]
pub struct Permit<P> {
    pub(super) actor: User,
    pub(super) target: User,
    purpose: PhantomData<P>,
}

impl<P> Permit<P> {
    /// An event of `kind`, done to the target by the actor.
    pub(super) fn event(&self, kind: EventKind) -> NewEvent {
        NewEvent::by(kind, Some(self.target.id), Some(self.actor.id))
    }
}

/// Why the actor may not act on the account they named.
#[derive(Debug, thiserror::Error)]
pub enum AccessError {
    /// Not theirs, and their reach does not extend to it (whether or not it exists).
    #[error("the account is not the caller's")]
    Denied,
    /// Hidden from the actor, as an absent account is (HIDE_USERS).
    #[error("no such account is visible to the caller")]
    Hidden,
    /// The actor may see every account, and this one does not exist.
    #[error("no such account")]
    Missing,
    #[error(transparent)]
    Internal(#[from] Internal),
}

impl Accounts {
    /// Whether `actor` may do `P` to the account `target` names.
    pub async fn permit<P: Purpose>(
        &self,
        actor: Actor<'_>,
        target: Target<'_>,
    ) -> Result<Permit<P>, AccessError> {
        Ok(Permit {
            actor: actor.user.clone(),
            target: self.reach(actor, target, Some(P::ACTION)).await?,
            purpose: PhantomData,
        })
    }

    /// The account `target` names, when `actor` may see it (`action: None`) or do `action`.
    async fn reach(
        &self,
        actor: Actor<'_>,
        target: Target<'_>,
        action: Option<Action>,
    ) -> Result<User, AccessError> {
        let own = match target {
            Target::Own => true,
            Target::Pk(pk) => pk.parse::<i64>().ok() == Some(actor.user.id.0),
            Target::Username(name) => actor.user.username.as_str() == name,
        };
        if own {
            return Ok(actor.user.clone());
        }
        if !actor.sees_everyone() {
            return Err(match (actor.reach, action) {
                (Reach::Staff, None | Some(Action::Change)) => AccessError::Hidden,
                _ => AccessError::Denied,
            });
        }
        let found = match target {
            Target::Own => None,
            Target::Pk(pk) => match pk.parse::<i64>() {
                Ok(id) => self
                    .store
                    .user_by_id(UserId(id))
                    .await
                    .map_err(Internal::from)?,
                Err(_) => None,
            },
            Target::Username(name) => self
                .store
                .user_by_username(name)
                .await
                .map_err(Internal::from)?,
        };
        found.ok_or(AccessError::Missing)
    }

    /// The account `target` names, as `actor` may see it.
    pub async fn account(&self, actor: Actor<'_>, target: Target<'_>) -> Result<User, AccessError> {
        self.reach(actor, target, None).await
    }

    /// Every account `actor` may see: staff see all, others their own, or nothing where
    /// listing is staff's alone (`Reach::Own`: `Denied`).
    pub async fn visible_users(&self, actor: Actor<'_>) -> Result<Vec<User>, AccessError> {
        match actor.reach {
            Reach::Own if !actor.user.is_staff => Err(AccessError::Denied),
            _ if actor.user.is_staff => {
                Ok(self.store.list_users().await.map_err(Internal::from)?)
            }
            _ => Ok(vec![actor.user.clone()]),
        }
    }
}
