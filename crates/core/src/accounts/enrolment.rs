//! TOTP enrolment: starting one (Tessera's own flow, the original's switch that requires the
//! second factor at once, a new authenticator replacing a lost one) and confirming it with
//! its first code.

use super::second_factor::{Accept, SecondFactor, paced};
use super::{Accounts, Internal, TwoFactorError};
use crate::Secret;
use crate::domain::{Password, User};
use crate::events::{EventKind, NewEvent};
use crate::mail::MailKind;
use crate::ports::Tx;
use crate::records::TotpFactorRecord;
use crate::two_factor::{TotpSecret, normalize_code};

/// A TOTP enrolment waiting for its first code.
#[derive(Debug, Clone)]
pub struct Enrolment {
    /// The shared secret, base32, for typing into an authenticator.
    pub secret: Secret,
    /// `otpauth://totp/…` with the site name as issuer, for a QR code.
    pub uri: Secret,
    /// The account's TOTP device (one per account: its id is the account's).
    pub device_id: i64,
}

impl Accounts {
    /// Start (or restart) a TOTP enrolment; 2FA stays off until a code confirms it. With 2FA
    /// on, `proof` (the password and a second factor: the app's code, a mailed code or a
    /// recovery code) replaces the authenticator instead: whoever lost the phone re-enrols.
    #[tracing::instrument(skip_all, fields(user_id = user.id.0))]
    pub async fn start_totp(
        &self,
        user: &User,
        proof: Option<(Password, SecondFactor)>,
    ) -> Result<Enrolment, TwoFactorError> {
        if !user.email_verified {
            return Err(TwoFactorError::NeedsVerifiedEmail);
        }
        if user.two_fa_enabled {
            let Some((password, factor)) = proof else {
                return Err(TwoFactorError::AlreadyEnabled);
            };
            return paced(self.replace_totp(user, &password, &factor)).await;
        }
        let (factor, enrolment) = self.new_enrolment(user);
        let mut tx = self.begin().await?;
        tx.put_totp_factor(&factor).await?;
        self.commit(tx).await?;
        Ok(enrolment)
    }

    /// A new authenticator for an account with 2FA on, once the owner proved the password
    /// and a second factor: the old secret is void at once, 2FA stays required, and the new
    /// one is pending until its first code (the recovery codes and mailed codes answer
    /// logins meanwhile). The owner is mailed.
    async fn replace_totp(
        &self,
        user: &User,
        password: &Password,
        proof: &SecondFactor,
    ) -> Result<Enrolment, TwoFactorError> {
        let mut tx = self.step_up(user, password, proof, Accept::ANY).await?;
        let (factor, enrolment) = self.new_enrolment(user);
        tx.put_totp_factor(&factor).await?;
        self.queue_plain_mail(
            tx.as_mut(),
            MailKind::AuthenticatorReplaced,
            user,
            &user.email,
        )
        .await?;
        self.commit(tx).await?;
        tracing::info!("authenticator replaced");
        Ok(enrolment)
    }

    /// The original service's switch, inside the caller's transaction: from now on logging
    /// in needs a second factor, and a TOTP enrolment starts. Its first code, at login or at
    /// `2fa/totp/confirm/`, confirms it; until then a mailed code also answers a login, so a
    /// QR code never scanned locks nobody out. A factor already there (on or pending) is
    /// never replaced: the secret the user scanned stays valid.
    pub(super) async fn require_totp(
        &self,
        tx: &mut dyn Tx,
        user: &mut User,
    ) -> Result<Enrolment, TwoFactorError> {
        if user.two_fa_enabled || tx.totp_factor(user.id).await?.is_some() {
            return Err(TwoFactorError::AlreadyEnabled);
        }
        if !user.email_verified {
            return Err(TwoFactorError::NeedsVerifiedEmail);
        }
        let (factor, enrolment) = self.new_enrolment(user);
        tx.put_totp_factor(&factor).await?;
        self.two_factor_on(tx, user).await?;
        user.two_fa_enabled = true;
        tracing::info!(user_id = user.id.0, "two-factor authentication required");
        Ok(enrolment)
    }

    /// Logging in needs the second factor from now on: the owner is mailed, and it is
    /// recorded.
    pub(super) async fn two_factor_on(&self, tx: &mut dyn Tx, user: &User) -> Result<(), Internal> {
        tx.set_two_fa_enabled(user.id, true).await?;
        self.queue_plain_mail(tx, MailKind::TwoFactorEnabled, user, &user.email)
            .await?;
        let event = NewEvent::by_owner(EventKind::TwoFactorEnabled, user.id);
        self.record(tx, event).await
    }

    /// A fresh secret for `user`: the unconfirmed factor to store, and what the user scans.
    fn new_enrolment(&self, user: &User) -> (TotpFactorRecord, Enrolment) {
        let secret = TotpSecret::generate();
        let factor = TotpFactorRecord {
            user_id: user.id.0,
            secret: self.two_factor.sealing.seal(user.id, secret.as_bytes()),
            confirmed_at: None,
            last_step: 0,
            created_at: self.now().0,
        };
        let enrolment = Enrolment {
            secret: Secret::new(secret.base32()),
            uri: Secret::new(secret.uri(self.site_name(), user.username.as_str())),
            device_id: user.id.0,
        };
        (factor, enrolment)
    }

    /// Confirm the pending enrolment with one valid code: 2FA is on, and the ten recovery
    /// codes (shown this once) are returned.
    #[tracing::instrument(skip_all, fields(user_id = user.id.0))]
    pub async fn confirm_totp(
        &self,
        user: &User,
        code: &Secret,
    ) -> Result<Vec<Secret>, TwoFactorError> {
        let factor = self.store.totp_factor(user.id).await?;
        let Some(factor) = factor.filter(|f| f.confirmed_at.is_none()) else {
            return Err(match user.two_fa_enabled {
                true => TwoFactorError::AlreadyEnabled,
                false => TwoFactorError::NoPendingEnrolment,
            });
        };
        if !user.email_verified {
            return Err(TwoFactorError::NeedsVerifiedEmail);
        }
        let now = self.now();
        let step = paced(async {
            self.totp_secret(&factor)
                .and_then(|s| s.matching_step(&normalize_code(code.expose()), now))
        })
        .await
        .ok_or(TwoFactorError::WrongCode)?;
        let mut tx = self.begin().await?;
        if !tx.confirm_totp_factor(user.id, step, now).await? {
            // Another request confirmed it with this code first.
            return Err(TwoFactorError::WrongCode);
        }
        let codes = self.new_recovery_codes(tx.as_mut(), user).await?;
        if !user.two_fa_enabled {
            // An enrolment the original's switch started is on already, and was mailed about.
            self.two_factor_on(tx.as_mut(), user).await?;
        }
        self.commit(tx).await?;
        tracing::info!("two-factor authentication enabled");
        Ok(codes)
    }
}
