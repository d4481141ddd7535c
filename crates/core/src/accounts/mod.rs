//! `Accounts`: the use cases both dialects call, over the `Store` port. One state change is
//! one transaction, and the mail it causes is queued inside that transaction.

mod access;
mod activation;
mod admin;
mod admin_outbox;
mod challenge;
mod credentials;
mod email_change;
mod email_undo;
mod enrolment;
mod export;
mod health;
mod import;
mod links;
mod lockout;
mod pace;
mod profile;
mod register;
mod second_factor;
mod services;
mod session;
mod sessions;
mod two_factor;
mod verification;

pub use access::{AccessError, Actor, Change, Delete, Permit, Purpose, Reach, Target};
pub use activation::{ActivateError, ActivationStatus, ResendError};
pub use admin::{AccountDetail, AccountRef, AdminError, Operator, Resent, UserPage};
pub use admin_outbox::RetriedAll;
pub use challenge::{
    CHALLENGE_LIFETIME_SECS, CHALLENGE_MAX_FAILURES, Challenge, CodeLogin, SecondStepError,
};
pub use credentials::{ChangePasswordError, PasswordChange, ResetConfirmError, ResetLink};
pub use email_change::{EMAIL_UNDO_SECS, EmailResetConfirmError, SetEmailError};
pub use email_undo::{EmailChangeToUndo, UndoEmailError};
pub use enrolment::Enrolment;
pub use export::{Export, ExportedAccount, ExportedTwoFactor, export_filename};
pub use health::{Check, READY_TIMEOUT, Readiness, Vitals};
pub use import::{Conflict, Imported, ImportedFactor, Write};
use links::Link;
pub use links::{Links, OwnPages};
pub use lockout::Lockout;
pub use profile::{DeleteError, ProfileUpdate, TwoFactorSwitch, UpdateError, Updated};
pub use register::{AccountKind, RegisterError, Registration};
pub use second_factor::{BURST_FAILURES, BURST_WINDOW_SECS, Proof, SecondFactor};
pub use services::{ServiceError, ServiceInfo};
pub use session::{
    AuthError, LoginError, LoginName, LoginOutcome, LogoutError, RefreshError, Refreshed, Rotation,
    VerifyError,
};
pub use sessions::SessionError;
pub use two_factor::{
    MAILED_CODE_LIFETIME_SECS, RECOVERY_CODE_COUNT, TwoFactorError, TwoFactorStatus,
};
pub use verification::VerifyEmailError;

use crate::domain::{EmailAddress, User};
use crate::events::NewEvent;
use crate::limits::Limiter;
use crate::mail::{MailContext, MailKind, NewMail, NewWebhook};
use crate::observe::Observe;
use crate::passwords::{
    HashError, PasswordHasher, PasswordPolicy, PasswordProblem, UserAttributes,
};
use crate::ports::{CodePurpose, Store, StoreError, Tx};
use crate::tokens::{JwtKeys, ResetTokens, encode_uid};
use crate::two_factor::TwoFactorKeys;
use crate::webhooks::{self, Targets};
use crate::{Clock, Timestamp};
use std::sync::Arc;
use tokio::sync::Notify;

/// A failure that is nobody's fault but ours: storage or hashing broke.
#[derive(Debug, thiserror::Error)]
pub enum Internal {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Hash(#[from] HashError),
}

/// A request for a mailed link answers no sooner than this, whether or not a mail is queued.
const MAIL_REQUEST_FLOOR: std::time::Duration = std::time::Duration::from_millis(50);

/// Switches for optional behaviour.
#[derive(Debug, Clone, Copy, Default)]
pub struct Options {
    /// Login throttling per account name.
    pub lockout: Lockout,
    /// Mail a confirmation after activation (Djoser's SEND_CONFIRMATION_EMAIL).
    pub send_confirmation_email: bool,
    /// A password change (either dialect) revokes the account's other sessions.
    pub revoke_on_password_change: bool,
    /// Seconds a rotated-out refresh token may still refresh (two tabs refreshing at once);
    /// after that, presenting it revokes its whole session.
    pub refresh_grace_secs: i64,
    /// Six-digit codes mailed to the account's address count as a second factor.
    pub email_codes: bool,
    /// The language of accounts whose sign-up names none (the Djoser dialect's).
    pub default_lang: crate::domain::Lang,
}

/// Everything the use cases need, built once at start.
pub struct Accounts {
    store: Arc<dyn Store>,
    clock: Arc<dyn Clock>,
    hasher: PasswordHasher,
    policy: PasswordPolicy,
    reset_tokens: ResetTokens,
    verify_tokens: ResetTokens,
    jwt: JwtKeys,
    two_factor: TwoFactorKeys,
    limiter: Arc<dyn Limiter>,
    links: Links,
    options: Options,
    mail_queued: Arc<Notify>,
    webhooks: Targets,
    webhook_queued: Arc<Notify>,
    observe: Arc<dyn Observe>,
}

/// The parts `Accounts` is made of.
pub struct Parts {
    pub store: Arc<dyn Store>,
    pub clock: Arc<dyn Clock>,
    pub hasher: PasswordHasher,
    pub policy: PasswordPolicy,
    pub reset_tokens: ResetTokens,
    /// Tokens of mailed e-mail verification links (another key salt than `reset_tokens`).
    pub verify_tokens: ResetTokens,
    pub jwt: JwtKeys,
    /// Seal TOTP secrets and hash one-time codes.
    pub two_factor: TwoFactorKeys,
    /// Login failure counts (in memory, or shared by several instances).
    pub limiter: Arc<dyn Limiter>,
    pub links: Links,
    pub options: Options,
    /// Woken after a commit that queued mail, so the outbox worker need not poll hard.
    pub mail_queued: Arc<Notify>,
    /// Where events are POSTed (each with its filter), through the outbox.
    pub webhooks: Targets,
    /// Woken after a commit that queued webhook POSTs.
    pub webhook_queued: Arc<Notify>,
    /// Told how logins and second steps end, and how many mails were queued.
    pub observe: Arc<dyn Observe>,
}

impl Accounts {
    pub fn new(p: Parts) -> Self {
        Self {
            store: p.store,
            clock: p.clock,
            hasher: p.hasher,
            policy: p.policy,
            reset_tokens: p.reset_tokens,
            verify_tokens: p.verify_tokens,
            jwt: p.jwt,
            two_factor: p.two_factor,
            limiter: p.limiter,
            links: p.links,
            options: p.options,
            mail_queued: p.mail_queued,
            webhooks: p.webhooks,
            webhook_queued: p.webhook_queued,
            observe: p.observe,
        }
    }

    pub fn site_name(&self) -> &str {
        &self.links.site_name
    }

    /// The language of accounts whose sign-up names none (the Djoser dialect's).
    pub fn default_lang(&self) -> crate::domain::Lang {
        self.options.default_lang
    }

    /// The frontend's base URL, where Tessera's final pages lead back to.
    pub fn frontend_url(&self) -> &str {
        &self.links.frontend_url
    }

    /// Where Tessera itself is reached from outside.
    pub fn public_url(&self) -> &str {
        &self.links.public_url
    }

    pub fn jwt(&self) -> &JwtKeys {
        &self.jwt
    }

    pub async fn ping(&self) -> Result<(), Internal> {
        Ok(self.store.ping().await?)
    }

    /// Whether the database answers, as the store last saw it (and where outages are logged).
    pub fn availability(&self) -> &crate::availability::Availability {
        self.store.availability()
    }

    fn now(&self) -> Timestamp {
        self.clock.now()
    }

    async fn begin(&self) -> Result<Box<dyn Tx>, Internal> {
        Ok(self.store.begin().await?)
    }

    /// Commit, then count the mail queued and wake the outbox's workers that have work.
    async fn commit(&self, tx: Box<dyn Tx>) -> Result<(), Internal> {
        let queued = tx.queued();
        tx.commit().await?;
        if queued.mails > 0 {
            self.observe.mails_queued(queued.mails);
            self.mail_queued.notify_one();
        }
        if queued.webhooks > 0 {
            self.webhook_queued.notify_one();
        }
        Ok(())
    }

    /// Record `event` in `tx`, with the change it records, and queue its webhook POSTs.
    async fn record(&self, tx: &mut dyn Tx, event: NewEvent) -> Result<(), Internal> {
        let now = self.now();
        tx.record_event(&event, now).await?;
        let mut body = None;
        for target in self.webhooks.wanting(event.kind) {
            let body = body.get_or_insert_with(|| webhooks::payload(&event, now));
            let hook = NewWebhook {
                kind: event.kind.as_str(),
                url: target.url.clone(),
                body: body.clone(),
            };
            tx.enqueue_webhook(&hook, now).await?;
        }
        Ok(())
    }

    /// Record `event` in a transaction of its own (it records no other change: a refused
    /// login).
    async fn record_alone(&self, event: NewEvent) -> Result<(), Internal> {
        let mut tx = self.begin().await?;
        self.record(tx.as_mut(), event).await?;
        self.commit(tx).await?;
        Ok(())
    }

    /// Queue the mail carrying `link` for `user`.
    async fn queue_link_mail(
        &self,
        tx: &mut dyn Tx,
        link: Link,
        user: &User,
    ) -> Result<(), Internal> {
        let mail = self.link_mail(tx, link, user).await?;
        tx.enqueue_mail(&mail, self.now()).await?;
        Ok(())
    }

    /// The mail carrying a fresh `link` for `user` (and its code, for a verification).
    async fn link_mail(
        &self,
        tx: &mut dyn Tx,
        link: Link,
        user: &User,
    ) -> Result<NewMail, Internal> {
        let now = self.now();
        let uid = encode_uid(user.id);
        let tokens = match link {
            Link::VerifyEmail => &self.verify_tokens,
            _ => &self.reset_tokens,
        };
        let token = tokens.make(user, now);
        let mut mail = self.mail_for(user, link.mail_kind());
        mail.context.url = Some(self.links.url(link, &uid, &token));
        mail.context.uid = Some(uid);
        mail.context.login_by = Some(link.login_by());
        if link == Link::VerifyEmail {
            let code = self
                .new_mailed_code(tx, user, CodePurpose::VerifyEmail)
                .await?;
            mail.context.code = Some(code.expose().to_owned());
        }
        Ok(mail)
    }

    /// Queue the mail carrying `link` when `email` names an active account whose address is
    /// verified (a reset link never goes to an address nobody proved); silent otherwise, and
    /// as slow either way, so the answer never tells whether an address is registered.
    async fn mail_link_to_active(&self, email: &EmailAddress, link: Link) -> Result<(), Internal> {
        pace::at_least(MAIL_REQUEST_FLOOR, async {
            let mut tx = self.begin().await?;
            let found = tx.user_by_email(email).await?;
            let Some(user) = found.filter(|u| u.is_active && u.email_verified) else {
                return Ok(());
            };
            self.queue_link_mail(tx.as_mut(), link, &user).await?;
            self.commit(tx).await
        })
        .await
    }

    async fn queue_plain_mail(
        &self,
        tx: &mut dyn Tx,
        kind: MailKind,
        user: &User,
        to: &EmailAddress,
    ) -> Result<(), Internal> {
        let mut mail = self.mail_for(user, kind);
        mail.to = to.clone();
        tx.enqueue_mail(&mail, self.now()).await?;
        Ok(())
    }

    /// A mail of `kind` about `user`, to their address, with the common context.
    fn mail_for(&self, user: &User, kind: MailKind) -> NewMail {
        NewMail {
            kind,
            user_id: Some(user.id),
            to: user.email.clone(),
            context: self.context_for(user),
        }
    }

    fn context_for(&self, user: &User) -> MailContext {
        MailContext {
            site_name: self.links.site_name.clone(),
            username: user.username.as_str().to_owned(),
            email: user.email.as_str().to_owned(),
            url: None,
            uid: None,
            code: None,
            new_email: None,
            codes_left: None,
            attachment: None,
            login_by: None,
            lang: user.lang,
            ..MailContext::default()
        }
    }

    /// Django's validators against this user's attributes.
    fn password_problems(&self, password: &str, user: &User) -> Vec<PasswordProblem> {
        let attrs = UserAttributes {
            username: user.username.as_str(),
            first_name: &user.profile.first_name,
            last_name: &user.profile.last_name,
            email: user.email.as_str(),
        };
        self.policy.check(password, &attrs)
    }

    /// The user a uid names, inside `tx`; `None` for a malformed uid or unknown user.
    async fn user_by_uid(&self, tx: &mut dyn Tx, uid: &str) -> Result<Option<User>, Internal> {
        match crate::tokens::decode_uid(uid) {
            Some(id) => Ok(tx.user_by_id(id).await?),
            None => Ok(None),
        }
    }
}
