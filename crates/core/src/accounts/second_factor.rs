//! The proof of a second factor, which every flow shares: a TOTP code (each step accepted
//! once), a mailed code or a recovery code (each deleted when used); the account's throttle
//! after a burst of wrong codes; and the constant pace of every attempt.

use super::{Accounts, Internal};
use crate::Secret;
use crate::domain::User;
use crate::ports::{CodePurpose, Tx};
use crate::records::TotpFactorRecord;
use crate::two_factor::{TotpSecret, is_six_digits, normalize_code};
use std::future::Future;
use std::time::Duration;

/// Wrong codes on one account within `BURST_WINDOW_SECS` after which it is slowed down.
pub const BURST_FAILURES: i64 = 10;
pub const BURST_WINDOW_SECS: i64 = 900;
/// Every second-factor attempt takes at least this long, whatever its outcome, so its
/// timing tells nothing about which check failed.
const ATTEMPT_FLOOR: Duration = Duration::from_millis(100);

/// A second factor as the user gives it.
#[derive(Debug, Clone)]
pub enum SecondFactor {
    /// What the user typed in the code field: six digits (a TOTP code or a mailed login
    /// code) or a recovery code.
    Code(Secret),
    /// A recovery code, given as such.
    Recovery(Secret),
}

/// What proved the second factor.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Proof {
    Totp,
    /// The first code of a pending enrolment, which it confirmed.
    TotpEnrolment,
    EmailCode,
    Recovery,
}

impl Proof {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Totp | Self::TotpEnrolment => "totp",
            Self::EmailCode => "email_code",
            Self::Recovery => "recovery_code",
        }
    }
}

/// Which proofs a flow takes beside the app's code (mailed codes only while they are on).
#[derive(Debug, Clone, Copy)]
pub(super) struct Accept {
    pub email: bool,
    pub recovery: bool,
}

impl Accept {
    /// The app's code, a mailed code or a recovery code.
    pub const ANY: Self = Self {
        email: true,
        recovery: true,
    };
    /// A code of six digits: the app's or a mailed one.
    pub const CODES: Self = Self {
        email: true,
        recovery: false,
    };
}

impl Accounts {
    /// Check a second factor inside `tx`, using it up: a TOTP step is accepted once, a
    /// mailed or recovery code is deleted. The first code of a pending enrolment confirms it.
    /// `None` when nothing matched.
    pub(super) async fn prove(
        &self,
        tx: &mut dyn Tx,
        user: &User,
        factor: &SecondFactor,
        accept: Accept,
    ) -> Result<Option<Proof>, Internal> {
        let now = self.now();
        let (raw, totp_allowed) = match factor {
            SecondFactor::Code(c) => (normalize_code(c.expose()), true),
            SecondFactor::Recovery(c) => (normalize_code(c.expose()), false),
        };
        let hashes = &self.two_factor.codes;
        if totp_allowed && is_six_digits(&raw) {
            let factor = tx.totp_factor(user.id).await?;
            let email_ok = accept.email && self.email_codes_for(factor.as_ref());
            let matched = factor.and_then(|f| {
                let step = self.totp_secret(&f)?.matching_step(&raw, now)?;
                Some((step, f.confirmed_at.is_some()))
            });
            match matched {
                // A replayed code (its step already used) proves nothing.
                Some((step, true)) => {
                    return Ok(tx
                        .use_totp_step(user.id, step)
                        .await?
                        .then_some(Proof::Totp));
                }
                Some((step, false)) => {
                    return Ok(tx
                        .confirm_totp_factor(user.id, step, now)
                        .await?
                        .then_some(Proof::TotpEnrolment));
                }
                None => {}
            }
            let hash = hashes.hash(CodePurpose::LoginEmail.as_str(), &raw);
            if email_ok
                && tx
                    .consume_code(user.id, CodePurpose::LoginEmail, &hash, now)
                    .await?
            {
                return Ok(Some(Proof::EmailCode));
            }
            return Ok(None);
        }
        let hash = hashes.hash(CodePurpose::Recovery.as_str(), &raw);
        if accept.recovery
            && tx
                .consume_code(user.id, CodePurpose::Recovery, &hash, now)
                .await?
        {
            return Ok(Some(Proof::Recovery));
        }
        Ok(None)
    }

    /// Whether a mailed code proves the second factor of an account whose TOTP factor is
    /// `factor`: when they are switched on, and always while an enrolment waits for its first
    /// code (a QR code never scanned must lock nobody out).
    pub(super) fn email_codes_for(&self, factor: Option<&TotpFactorRecord>) -> bool {
        self.options.email_codes || factor.is_some_and(|f| f.confirmed_at.is_none())
    }

    /// Seconds the account must wait before its next code, after a burst of wrong ones.
    pub(super) async fn throttled(&self, user: &User) -> Result<Option<i64>, Internal> {
        let now = self.now();
        let since = now.plus_secs(-BURST_WINDOW_SECS);
        let (failures, last) = self.store.code_failures_since(user.id, since).await?;
        let Some(last) = last.filter(|_| failures >= BURST_FAILURES) else {
            return Ok(None);
        };
        // 30 s after the tenth wrong code, doubling with each further one, at most the window.
        let extra = u32::try_from(failures - BURST_FAILURES)
            .unwrap_or(u32::MAX)
            .min(5);
        let delay = (30_i64 << extra).min(BURST_WINDOW_SECS);
        let wait = last.0 + delay - now.0;
        Ok((wait > 0).then_some(wait))
    }

    pub(super) fn totp_secret(&self, factor: &TotpFactorRecord) -> Option<TotpSecret> {
        let user = crate::domain::UserId(factor.user_id);
        let opened = self.two_factor.sealing.open(user, &factor.secret);
        if opened.is_none() {
            tracing::error!(
                user_id = factor.user_id,
                "a TOTP secret does not open with this key"
            );
        }
        opened.map(TotpSecret::from_bytes)
    }
}

/// Run a second-factor attempt at the constant pace.
pub(super) async fn paced<T>(work: impl Future<Output = T>) -> T {
    super::pace::at_least(ATTEMPT_FLOOR, work).await
}
