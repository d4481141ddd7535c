//! The second step of a login with 2FA on: a challenge opened once the password is right,
//! answered with a TOTP code, a mailed code or a recovery code; and the original service's
//! one-call `otp/` login.

use super::second_factor::{Accept, Proof, SecondFactor, paced};
use super::two_factor::{METHODS, TwoFactorError};
use super::{Accounts, Internal, LoginError, LoginName};
use crate::Secret;
use crate::domain::{ClientInfo, Password, User, UserId};
use crate::mail::MailKind;
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
}

/// A one-call login (`otp/`): the pair, and the recovery codes when that call also confirmed
/// a pending enrolment.
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
        let ticket = new_ticket();
        let now = self.now();
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
            methods: METHODS.to_vec(),
            expires_in: CHALLENGE_LIFETIME_SECS,
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
    ) -> Result<(User, TokenPair), SecondStepError> {
        paced(self.answer_challenge(ticket, factor, client)).await
    }

    async fn answer_challenge(
        &self,
        ticket: &str,
        factor: &SecondFactor,
        client: &ClientInfo,
    ) -> Result<(User, TokenPair), SecondStepError> {
        let (challenge, user) = self.live_challenge(ticket).await?;
        if let Some(retry_after) = self.throttled(&user).await? {
            return Err(SecondStepError::Throttled { retry_after });
        }
        let accept = Accept {
            email: true,
            recovery: true,
        };
        let mut tx = self.begin().await?;
        let Some(proof) = self.prove(tx.as_mut(), &user, factor, accept).await? else {
            let failures = tx.challenge_failed(&challenge.ticket_hash).await?;
            tx.note_code_failure(user.id, self.now()).await?;
            tx.commit().await?;
            tracing::info!(user_id = user.id.0, failures, "wrong second-factor code");
            let attempts_left = (CHALLENGE_MAX_FAILURES - failures).max(0);
            return Err(SecondStepError::WrongCode {
                attempts_left: Some(attempts_left),
            });
        };
        tx.clear_challenges(user.id).await?;
        tx.clear_code_failures(user.id).await?;
        let pair = self.open_session(tx.as_mut(), &user, client).await?;
        if proof == Proof::Recovery {
            let left = self.recovery_codes_left(&user).await? - 1;
            let mut mail = self.mail_for(&user, MailKind::RecoveryCodeUsed);
            mail.context.codes_left = Some(left.max(0));
            tx.enqueue_mail(&mail, self.now()).await?;
        }
        self.commit_with_mail(tx).await?;
        tracing::info!(user_id = user.id.0, ?proof, "two-factor login");
        Ok((user, pair))
    }

    /// Mail a six-digit code for this challenge (replacing any earlier one).
    #[tracing::instrument(skip_all)]
    pub async fn send_login_code(&self, ticket: &str) -> Result<(), SecondStepError> {
        let (_, user) = self.live_challenge(ticket).await?;
        let mut tx = self.begin().await?;
        let code = self
            .new_mailed_code(tx.as_mut(), &user, CodePurpose::LoginEmail)
            .await?;
        let mut mail = self.mail_for(&user, MailKind::LoginCode);
        mail.context.code = Some(code.expose().to_owned());
        tx.enqueue_mail(&mail, self.now()).await?;
        self.commit_with_mail(tx).await?;
        Ok(())
    }

    /// The original service's login in one call: credentials and a code. With 2FA on the code
    /// is the second factor; with a TOTP enrolment pending, the code confirms it (2FA is on
    /// from then, and the recovery codes are in the answer).
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
        if user.two_fa_enabled {
            let mut tx = self.begin().await?;
            let challenge = self.open_challenge(tx.as_mut(), &user).await?;
            tx.commit().await?;
            let (user, pair) = self
                .complete_login(challenge.ticket.expose(), factor, client)
                .await?;
            return Ok(CodeLogin {
                user,
                pair,
                recovery_codes: None,
            });
        }
        let SecondFactor::Code(code) = factor else {
            return Err(SecondStepError::NotEnabled);
        };
        let codes = self.confirm_totp(&user, code).await.map_err(|e| match e {
            TwoFactorError::WrongCode => SecondStepError::WrongCode {
                attempts_left: None,
            },
            TwoFactorError::Internal(e) => SecondStepError::Internal(e),
            _ => SecondStepError::NotEnabled,
        })?;
        let user = User {
            two_fa_enabled: true,
            ..user
        };
        let mut tx = self.begin().await?;
        let pair = self.open_session(tx.as_mut(), &user, client).await?;
        tx.commit().await?;
        Ok(CodeLogin {
            user,
            pair,
            recovery_codes: Some(codes),
        })
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

    async fn recovery_codes_left(&self, user: &User) -> Result<i64, Internal> {
        Ok(self
            .store
            .live_codes(user.id, CodePurpose::Recovery, self.now())
            .await?)
    }
}
