//! The operator's use cases on accounts, behind both the `tessera user …` commands and the
//! staff's admin API: find and show accounts, deactivate, delete, staff, force a password
//! reset, reset 2FA, end sessions, resend the first mail. Each is one transaction and records
//! an event naming the operator.

use super::{Accounts, Internal, Link};
use crate::domain::{EmailAddress, User, UserId};
use crate::events::{EventKind, EventQuery, EventRecord, NewEvent, Retention};
use crate::passwords::StoredHash;
use crate::ports::{Tx, UserListing, UserSearch};
use crate::records::SessionRecord;

/// Who runs an operator's command.
#[derive(Debug, Clone)]
pub enum Operator {
    /// The command line, on the server (no account).
    Cli,
    /// A staff account, through the admin API.
    Staff(UserId),
}

impl Operator {
    pub(super) fn actor(&self) -> Option<UserId> {
        match self {
            Self::Cli => None,
            Self::Staff(id) => Some(*id),
        }
    }

    pub(super) fn via(&self) -> &'static str {
        match self {
            Self::Cli => "cli",
            Self::Staff(_) => "admin_api",
        }
    }

    /// An event of `kind` done to `user` by this operator.
    fn event(&self, kind: EventKind, user: UserId) -> NewEvent {
        NewEvent::by(kind, Some(user), self.actor()).with("via", self.via())
    }
}

/// How an operator names an account: its id, its e-mail address or its username.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AccountRef {
    Id(UserId),
    Email(EmailAddress),
    Username(String),
}

impl AccountRef {
    /// A number is an id, a text with `@` an address, anything else a username.
    pub fn parse(raw: &str) -> Self {
        let raw = raw.trim();
        if let Ok(id) = raw.parse::<i64>() {
            return Self::Id(UserId(id));
        }
        if raw.contains('@')
            && let Ok(email) = EmailAddress::parse(raw)
        {
            return Self::Email(email);
        }
        Self::Username(raw.to_owned())
    }
}

#[derive(Debug, thiserror::Error)]
pub enum AdminError {
    #[error("no such account")]
    NotFound,
    /// An operator may not take their own staff rights or delete or deactivate themselves
    /// (the last way in could go).
    #[error("an operator cannot do this to their own account")]
    OwnAccount,
    /// The account is active and its address verified: no first mail is owed.
    #[error("the account is active and its address verified: there is nothing to resend")]
    NothingToResend,
    #[error("two-factor authentication is off for this account")]
    TwoFactorOff,
    #[error("no such row in the outbox")]
    NoSuchMail,
    /// Only a failed row goes back in the queue (the status it has instead).
    #[error("only a failed row can be retried; this one is {0}")]
    NotFailed(String),
    /// A mail given up has lost its links and codes, and this kind cannot be made again.
    #[error("a {0} mail cannot be made again: {1}")]
    CannotRetry(String, &'static str),
    #[error(transparent)]
    Internal(#[from] Internal),
}

impl From<crate::ports::StoreError> for AdminError {
    fn from(e: crate::ports::StoreError) -> Self {
        Self::Internal(e.into())
    }
}

/// One page of an account search.
#[derive(Debug, Clone)]
pub struct UserPage {
    pub total: i64,
    pub users: Vec<UserListing>,
}

/// Everything an operator sees of one account.
#[derive(Debug, Clone)]
pub struct AccountDetail {
    pub listing: UserListing,
    pub pending_email: Option<EmailAddress>,
    pub two_factor: super::TwoFactorStatus,
    pub sessions: Vec<SessionRecord>,
    pub recent_events: Vec<EventRecord>,
}

/// Which first mail went again.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Resent {
    Activation,
    Verification,
}

impl Resent {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Activation => "activation",
            Self::Verification => "verification",
        }
    }
}

/// The events an account's detail shows.
const RECENT_EVENTS: i64 = 20;

impl Accounts {
    /// The accounts `search` finds, a page at a time.
    pub async fn find_users(&self, search: &UserSearch) -> Result<UserPage, Internal> {
        let (total, users) = self.store.find_users(search).await?;
        Ok(UserPage { total, users })
    }

    /// The events `query` asks for, newest first.
    pub async fn events(&self, query: &EventQuery) -> Result<Vec<EventRecord>, Internal> {
        Ok(self.store.events(query).await?)
    }

    /// Delete the events older than `retention`; how many went.
    pub async fn prune_events(&self, retention: Retention) -> Result<u64, Internal> {
        Ok(self
            .store
            .prune_events(retention.cutoff(self.now()))
            .await?)
    }

    /// The account `which` names.
    pub async fn find_account(&self, which: &AccountRef) -> Result<User, AdminError> {
        let found = match which {
            AccountRef::Id(id) => self.store.user_by_id(*id).await?,
            AccountRef::Email(email) => self.store.user_by_email(email).await?,
            AccountRef::Username(name) => self.store.user_by_username(name).await?,
        };
        found.ok_or(AdminError::NotFound)
    }

    /// One account with its sessions, 2FA state, last times and recent events.
    pub async fn account_detail(&self, user: User) -> Result<AccountDetail, Internal> {
        let query = EventQuery {
            user: Some(user.id),
            limit: RECENT_EVENTS,
            ..EventQuery::default()
        };
        Ok(AccountDetail {
            pending_email: self.store.pending_email(user.id).await?,
            two_factor: self.two_factor_status(&user).await?,
            sessions: self.store.sessions(user.id, self.now()).await?,
            recent_events: self.store.events(&query).await?,
            listing: UserListing {
                last_seen: self.store.last_seen(user.id).await?,
                user,
            },
        })
    }

    /// Deactivate (every session ends at once, logins and tokens are refused) or reactivate.
    #[tracing::instrument(skip_all, fields(user_id = user.id.0))]
    pub async fn set_account_active(
        &self,
        op: &Operator,
        user: &User,
        active: bool,
    ) -> Result<(), AdminError> {
        if !active {
            self.not_own(op, user)?;
        }
        let mut tx = self.begin().await?;
        tx.set_active(user.id, active).await?;
        let kind = if active {
            EventKind::AccountReactivated
        } else {
            self.end_everything(tx.as_mut(), user.id).await?;
            EventKind::AccountDeactivated
        };
        self.record(tx.as_mut(), op.event(kind, user.id)).await?;
        self.commit(tx).await?;
        Ok(())
    }

    /// Delete the account and all that hangs on it.
    #[tracing::instrument(skip_all, fields(user_id = user.id.0))]
    pub async fn remove_account(&self, op: &Operator, user: &User) -> Result<(), AdminError> {
        self.not_own(op, user)?;
        let mut tx = self.begin().await?;
        tx.delete_user(user.id).await?;
        let event = op.event(EventKind::AccountDeleted, user.id);
        let event = event.with("username", user.username.as_str());
        self.record(tx.as_mut(), event).await?;
        self.commit(tx).await?;
        Ok(())
    }

    /// Grant or take staff rights (taking them also ends the sessions that carried them).
    #[tracing::instrument(skip_all, fields(user_id = user.id.0))]
    pub async fn set_account_staff(
        &self,
        op: &Operator,
        user: &User,
        staff: bool,
    ) -> Result<(), AdminError> {
        if !staff {
            self.not_own(op, user)?;
        }
        let mut tx = self.begin().await?;
        tx.set_staff(user.id, staff).await?;
        let kind = match staff {
            true => EventKind::StaffGranted,
            false => EventKind::StaffRevoked,
        };
        self.record(tx.as_mut(), op.event(kind, user.id)).await?;
        self.commit(tx).await?;
        Ok(())
    }

    /// The password stops working, every session ends, and a reset link is mailed to the
    /// account's address (to Tessera's own reset pages, which every account can use).
    #[tracing::instrument(skip_all, fields(user_id = user.id.0))]
    pub async fn force_password_reset(&self, op: &Operator, user: &User) -> Result<(), AdminError> {
        let mut tx = self.begin().await?;
        let Some(mut current) = tx.user_by_id(user.id).await? else {
            return Err(AdminError::NotFound);
        };
        let unusable = StoredHash::unusable();
        tx.set_password_hash(user.id, &unusable).await?;
        current.password_hash = unusable;
        self.end_everything(tx.as_mut(), user.id).await?;
        self.queue_link_mail(tx.as_mut(), Link::ResetPage, &current)
            .await?;
        let event = op.event(EventKind::PasswordResetForced, user.id);
        self.record(tx.as_mut(), event).await?;
        self.commit(tx).await?;
        Ok(())
    }

    /// Remove the second factor (for someone who lost their phone): the factor, its codes and
    /// waiting logins go, logging in needs the password only, and the owner is mailed.
    #[tracing::instrument(skip_all, fields(user_id = user.id.0))]
    pub async fn reset_two_factor(&self, op: &Operator, user: &User) -> Result<(), AdminError> {
        let mut tx = self.begin().await?;
        if !user.two_fa_enabled && tx.totp_factor(user.id).await?.is_none() {
            return Err(AdminError::TwoFactorOff);
        }
        let event = op.event(EventKind::TwoFactorReset, user.id);
        self.turn_off_two_factor(tx.as_mut(), user, event).await?;
        self.commit(tx).await?;
        Ok(())
    }

    /// End every session of the account (its refresh and access tokens stop working).
    #[tracing::instrument(skip_all, fields(user_id = user.id.0))]
    pub async fn end_sessions_of(&self, op: &Operator, user: &User) -> Result<(), AdminError> {
        let mut tx = self.begin().await?;
        self.end_everything(tx.as_mut(), user.id).await?;
        let event = op.event(EventKind::SessionsEnded, user.id);
        self.record(tx.as_mut(), event).await?;
        self.commit(tx).await?;
        Ok(())
    }

    /// Mail the activation link again to an account never activated, or the verification
    /// mail to one whose address is unverified.
    #[tracing::instrument(skip_all, fields(user_id = user.id.0))]
    pub async fn resend_first_mail(
        &self,
        op: &Operator,
        user: &User,
    ) -> Result<Resent, AdminError> {
        let (link, resent) = match (user.is_active, user.email_verified) {
            (false, false) => (Link::Activation, Resent::Activation),
            (true, false) => (Link::VerifyEmail, Resent::Verification),
            _ => return Err(AdminError::NothingToResend),
        };
        let mut tx = self.begin().await?;
        self.queue_link_mail(tx.as_mut(), link, user).await?;
        let event = op
            .event(EventKind::MailResent, user.id)
            .with("mail", resent.as_str());
        self.record(tx.as_mut(), event).await?;
        self.commit(tx).await?;
        Ok(resent)
    }

    /// Every session and waiting login of the account ends.
    async fn end_everything(&self, tx: &mut dyn Tx, user: UserId) -> Result<(), Internal> {
        tx.blacklist_all(user, None, self.now()).await?;
        tx.clear_challenges(user).await?;
        Ok(())
    }

    fn not_own(&self, op: &Operator, user: &User) -> Result<(), AdminError> {
        match op {
            Operator::Staff(me) if *me == user.id => Err(AdminError::OwnAccount),
            _ => Ok(()),
        }
    }
}
