//! `Observe`: the port through which the use cases, the password hasher and the mail worker
//! tell what they decided, in business words (a login's outcome, a second step's, a
//! delivery's, how long a hash took), to whoever counts them. Core knows no metrics library:
//! the server plugs one in; `Ignore` drops everything.

use crate::accounts::Proof;
use crate::mail::Channel;
use std::time::Duration;

/// How a password login ended (the first step; a second factor is `SecondStep`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Login {
    /// The password was right and 2FA is off: a session.
    Success,
    /// The password was right and 2FA is on: a challenge waits for the second factor.
    SecondFactorRequired,
    /// No such account, or a wrong password (one answer for both on the wire).
    WrongCredentials,
    /// The right password of an inactive account.
    Inactive,
    /// Refused unchecked: too many wrong passwords in a row lately (the pause between them).
    Throttled,
    /// Refused unchecked: the name is locked after too many wrong passwords.
    Locked,
}

impl Login {
    pub const ALL: [Self; 6] = [
        Self::Success,
        Self::SecondFactorRequired,
        Self::WrongCredentials,
        Self::Inactive,
        Self::Throttled,
        Self::Locked,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Success => "success",
            Self::SecondFactorRequired => "second_factor_required",
            Self::WrongCredentials => "wrong_credentials",
            Self::Inactive => "inactive",
            Self::Throttled => "throttled",
            Self::Locked => "locked",
        }
    }
}

/// How an answer to a login's second-factor challenge ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SecondStep {
    PassedTotp,
    /// The first code of a pending enrolment, which it confirmed.
    ConfirmedEnrolment,
    PassedEmailCode,
    PassedRecoveryCode,
    WrongCode,
    /// The ticket is unknown, expired or spent.
    InvalidTicket,
    /// Refused unchecked after a burst of wrong codes.
    Throttled,
}

impl SecondStep {
    pub const ALL: [Self; 7] = [
        Self::PassedTotp,
        Self::ConfirmedEnrolment,
        Self::PassedEmailCode,
        Self::PassedRecoveryCode,
        Self::WrongCode,
        Self::InvalidTicket,
        Self::Throttled,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::PassedTotp => "passed_totp",
            Self::ConfirmedEnrolment => "confirmed_enrolment",
            Self::PassedEmailCode => "passed_email_code",
            Self::PassedRecoveryCode => "passed_recovery_code",
            Self::WrongCode => "wrong_code",
            Self::InvalidTicket => "invalid_ticket",
            Self::Throttled => "throttled",
        }
    }
}

impl From<Proof> for SecondStep {
    fn from(proof: Proof) -> Self {
        match proof {
            Proof::Totp => Self::PassedTotp,
            Proof::TotpEnrolment => Self::ConfirmedEnrolment,
            Proof::EmailCode => Self::PassedEmailCode,
            Proof::Recovery => Self::PassedRecoveryCode,
        }
    }
}

/// How one delivery attempt of a queued mail (or webhook POST) ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Delivery {
    /// The mail server (or the receiver) took it.
    Sent,
    /// It failed and will be tried again later.
    Retrying,
    /// It failed for the last time: the row is marked failed.
    GivenUp,
}

impl Delivery {
    pub const ALL: [Self; 3] = [Self::Sent, Self::Retrying, Self::GivenUp];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Sent => "sent",
            Self::Retrying => "retrying",
            Self::GivenUp => "given_up",
        }
    }
}

/// What the password hasher computed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HashJob {
    /// A new password's hash.
    Hash,
    /// A password checked against a stored hash.
    Verify,
}

impl HashJob {
    pub const ALL: [Self; 2] = [Self::Hash, Self::Verify];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Hash => "hash",
            Self::Verify => "verify",
        }
    }
}

/// Told each outcome as it happens; must be cheap (it runs on the request's path).
pub trait Observe: Send + Sync + 'static {
    fn login(&self, outcome: Login);
    fn second_step(&self, outcome: SecondStep);
    /// Mails committed to the outbox by one transaction.
    fn mails_queued(&self, count: u64);
    /// One delivery attempt of a row of the outbox's `channel`.
    fn delivery(&self, channel: Channel, outcome: Delivery);
    /// One job of the hashing pool, timed from when it got its slot.
    fn hashed(&self, job: HashJob, took: Duration);
}

/// Observes nothing (the CLI, and whatever is built without a metrics registry).
#[derive(Debug, Clone, Copy, Default)]
pub struct Ignore;

impl Observe for Ignore {
    fn login(&self, _: Login) {}
    fn second_step(&self, _: SecondStep) {}
    fn mails_queued(&self, _: u64) {}
    fn delivery(&self, _: Channel, _: Delivery) {}
    fn hashed(&self, _: HashJob, _: Duration) {}
}
