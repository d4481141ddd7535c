//! The second step of a login with 2FA on: a challenge opened once the password is right,
//! answered with a TOTP code, a mailed code or a recovery code; and the original service's
//! one-call `otp/` login.

use super::second_factor::{Accept, Proof, SecondFactor, paced};
use super::{Accounts, Internal, LoginError, LoginName};
use crate::Secret;
use crate::domain::{ClientInfo, Password, User, UserId};
use crate::events::{EventKind, LoginFailure, NewEvent};
use crate::mail::MailKind;
use crate::observe::{Login, SecondStep};
use crate::ports::{CodePurpose, Tx};
use crate::records::ChallengeRecord;
use crate::tokens::TokenPair;
use crate::two_factor::new_ticket;

/// How long a challenge waits for its second factor.
pub const CHALLENGE_LIFETIME_SECS: i64 = 300;
/// Wrong codes that end a challenge.
pub const CHALLENGE_MAX_FAILURES: i64 = 5;
/// The purpose under which tickets are hashed.
const TICKET: &str = "login_ticket";

/// A login waiting for its second factor: no tokens yet.
#[derive(Debug, Clone)]
pub struct Challenge {
    pub ticket: Secret,
    pub methods: Vec<&'static str>,
    pub expires_in: i64,
    /// The authenticator app was never confirmed: its first code confirms it, and a mailed
    /// code answers too.
    pub enrolment_pending: bool,
}

/// A login with its second factor: the pair, and the recovery codes (shown this once) when
/// the code also confirmed a pending enrolment.
#[derive(Debug)]
pub struct CodeLogin {
    pub user: User,
    pub pair: TokenPair,
    pub recovery_codes: Option<Vec<Secret>>,
}

#[derive(Debug, thiserror::Error)]
pub enum SecondStepError {
    #[error("no active account found with the given credentials")]
    InvalidCredentials,
    #[error("two-factor authentication is off for this account")]
    NotEnabled,
    #[error("the ticket is unknown, expired or spent")]
    InvalidTicket,
    #[error("the code is wrong")]
    /// `attempts_left` on this challenge, when there is one.
    WrongCode { attempts_left: Option<i64> },
    #[error("too many wrong codes; retry in {retry_after} s")]
    Throttled { retry_after: i64 },
    #[error("codes by e-mail are switched off")]
    EmailCodesOff,
    #[error(transparent)]
    Internal(#[from] Internal),
}

impl From<crate::ports::StoreError> for SecondStepError {
    fn from(e: crate::ports::StoreError) -> Self {
        Self::Internal(e.into())
    }
}

impl Accounts {
    /// Open a challenge for `user` inside `tx`.
    pub(super) async fn open_challenge(
        &self,
        tx: &mut dyn Tx,
        user: &User,
    ) -> Result<Challenge, Internal> {
        let now = self.now();
        let factor = tx.totp_factor(user.id).await?;
        let left = tx.live_codes(user.id, CodePurpose::Recovery, now).await?;
        let ticket = new_ticket();
        let record = ChallengeRecord {
            ticket_hash: self.two_factor.codes.hash(TICKET, ticket.expose()),
            user_id: user.id.0,
            created_at: now.0,
            expires_at: now.0 + CHALLENGE_LIFETIME_SECS,
            failures: 0,
        };
        tx.insert_challenge(&record).await?;
        Ok(Challenge {
            ticket,
            methods: self.login_methods(user, factor.as_ref(), left),
            expires_in: CHALLENGE_LIFETIME_SECS,
            enrolment_pending: factor.is_some_and(|f| f.confirmed_at.is_none()),
        })
    }

    /// Answer a challenge: the token pair, or why not. Five wrong codes end the challenge;
    /// a burst of wrong codes across challenges slows the account down.
    #[tracing::instrument(skip_all)]
    pub async fn complete_login(
        &self,
        ticket: &str,
        factor: &SecondFactor,
        client: &ClientInfo,
    ) -> Result<CodeLogin, SecondStepError> {
        paced(self.answer_challenge(ticket, factor, client))
            .await
            .inspect_err(|e| self.observe_refusal(e))
    }

    /// Count a refused second step by its reason (a passed one is counted where it commits).
    fn observe_refusal(&self, e: &SecondStepError) {
        let outcome = match e {
            SecondStepError::WrongCode { .. } => SecondStep::WrongCode,
            SecondStepError::InvalidTicket => SecondStep::InvalidTicket,
            SecondStepError::Throttled { .. } => SecondStep::Throttled,
            _ => return,
        };
        self.observe.second_step(outcome);
    }

    async fn answer_challenge(
        &self,
        ticket: &str,
        factor: &SecondFactor,
        client: &ClientInfo,
    ) -> Result<CodeLogin, SecondStepError> {
        let (challenge, user) = self.live_challenge(ticket).await?;
        if let Some(retry_after) = self.throttled(&user).await? {
            return Err(SecondStepError::Throttled { retry_after });
        }
        let mut tx = self.begin().await?;
        let Some(proof) = self.prove(tx.as_mut(), &user, factor, Accept::ANY).await? else {
            let failures = tx.challenge_failed(&challenge.ticket_hash).await?;
            tx.note_code_failure(user.id, self.now()).await?;
            let refused = NewEvent::login_failed(Some(user.id), LoginFailure::WrongCode);
            self.record(tx.as_mut(), refused).await?;
            self.commit(tx).await?;
            tracing::info!(user_id = user.id.0, failures, "wrong second-factor code");
            let attempts_left = (CHALLENGE_MAX_FAILURES - failures).max(0);
            return Err(SecondStepError::WrongCode {
                attempts_left: Some(attempts_left),
            });
        };
        self.second_factor_login(tx, user, proof, client).await
    }

    /// The rest of a login whose second factor `proof` was just proved in `tx`: the
    /// challenges and wrong codes are forgotten, a confirmed enrolment gets its recovery
    /// codes, a used recovery code is mailed about, and the session opens, all in `tx`.
    async fn second_factor_login(
        &self,
        mut tx: Box<dyn Tx>,
        mut user: User,
        proof: Proof,
        client: &ClientInfo,
    ) -> Result<CodeLogin, SecondStepError> {
        tx.clear_challenges(user.id).await?;
        tx.clear_code_failures(user.id).await?;
        let mut recovery_codes = None;
        match proof {
            Proof::TotpEnrolment => {
                recovery_codes = Some(self.new_recovery_codes(tx.as_mut(), &user).await?);
                if !user.two_fa_enabled {
                    // The one-call `otp/` confirming an enrolment started at `2fa/totp/`.
                    self.two_factor_on(tx.as_mut(), &user).await?;
                    user.two_fa_enabled = true;
                }
            }
            Proof::Recovery => {
                let left = tx
                    .live_codes(user.id, CodePurpose::Recovery, self.now())
                    .await?;
                let mut mail = self.mail_for(&user, MailKind::RecoveryCodeUsed);
                mail.context.codes_left = Some(left);
                tx.enqueue_mail(&mail, self.now()).await?;
                let event = NewEvent::by_owner(EventKind::RecoveryCodeUsed, user.id);
                self.record(tx.as_mut(), event.with("codes_left", left))
                    .await?;
            }
            Proof::Totp | Proof::EmailCode => {}
        }
        let pair = self.open_session(tx.as_mut(), &user, client).await?;
        let event = NewEvent::by_owner(EventKind::LoginSucceeded, user.id);
        self.record(tx.as_mut(), event.with("second_factor", proof.as_str()))
            .await?;
        self.commit(tx).await?;
        self.observe.second_step(proof.into());
        tracing::info!(user_id = user.id.0, ?proof, "two-factor login");
        Ok(CodeLogin {
            user,
            pair,
            recovery_codes,
        })
    }

    /// Mail a six-digit code for this challenge (replacing any earlier one).
    #[tracing::instrument(skip_all)]
    pub async fn send_login_code(&self, ticket: &str) -> Result<(), SecondStepError> {
        let (_, user) = self.live_challenge(ticket).await?;
        let factor = self.store.totp_factor(user.id).await?;
        if !self.email_codes_for(factor.as_ref()) {
            return Err(SecondStepError::EmailCodesOff);
        }
        let mut tx = self.begin().await?;
        let code = self
            .new_mailed_code(tx.as_mut(), &user, CodePurpose::LoginEmail)
            .await?;
        let mut mail = self.mail_for(&user, MailKind::LoginCode);
        mail.context.code = Some(code.expose().to_owned());
        tx.enqueue_mail(&mail, self.now()).await?;
        self.commit(tx).await?;
        Ok(())
    }

    /// The original service's login in one call: credentials and a code. With 2FA on (or
    /// pending, as the original's `update/` leaves it) the code is the second factor, and the
    /// first code of a pending enrolment confirms it (its recovery codes are in the answer).
    #[tracing::instrument(skip_all)]
    pub async fn login_with_code(
        &self,
        name: LoginName<'_>,
        password: &Password,
        factor: &SecondFactor,
        client: &ClientInfo,
    ) -> Result<CodeLogin, SecondStepError> {
        let user = self
            .check_credentials(name, password)
            .await
            .map_err(|e| match e {
                LoginError::InvalidCredentials => SecondStepError::InvalidCredentials,
                LoginError::Throttled { retry_after } => SecondStepError::Throttled { retry_after },
                LoginError::Internal(e) => SecondStepError::Internal(e),
            })?;
        paced(async {
            if let Some(retry_after) = self.throttled(&user).await? {
                return Err(SecondStepError::Throttled { retry_after });
            }
            let mut tx = self.begin().await?;
            let pending = tx
                .totp_factor(user.id)
                .await?
                .is_some_and(|f| f.confirmed_at.is_none());
            if !user.two_fa_enabled && !pending {
                return Err(SecondStepError::NotEnabled);
            }
            self.observe.login(Login::SecondFactorRequired);
            let Some(proof) = self.prove(tx.as_mut(), &user, factor, Accept::ANY).await? else {
                tx.note_code_failure(user.id, self.now()).await?;
                let refused = NewEvent::login_failed(Some(user.id), LoginFailure::WrongCode);
                self.record(tx.as_mut(), refused).await?;
                self.commit(tx).await?;
                return Err(SecondStepError::WrongCode {
                    attempts_left: None,
                });
            };
            self.second_factor_login(tx, user, proof, client).await
        })
        .await
        .inspect_err(|e| self.observe_refusal(e))
    }

    /// The unexpired, unspent challenge a ticket names, and its active account.
    async fn live_challenge(
        &self,
        ticket: &str,
    ) -> Result<(ChallengeRecord, User), SecondStepError> {
        let hash = self.two_factor.codes.hash(TICKET, ticket);
        let challenge = self
            .store
            .challenge(&hash)
            .await?
            .filter(|c| c.expires_at > self.now().0 && c.failures < CHALLENGE_MAX_FAILURES)
            .ok_or(SecondStepError::InvalidTicket)?;
        let user = self
            .store
            .user_by_id(UserId(challenge.user_id))
            .await?
            .filter(|u| u.is_active && u.two_fa_enabled)
            .ok_or(SecondStepError::InvalidTicket)?;
        Ok((challenge, user))
    }
}
