//! Two-factor authentication of an account once enrolled: its state, recovery codes, mailed
//! security codes, turning 2FA off (enrolment is `enrolment`'s; the proof of a second factor
//! itself is `second_factor`'s).

use super::second_factor::{Accept, SecondFactor, paced};
use super::{Accounts, Internal};
use crate::Secret;
use crate::domain::{Password, User};
use crate::events::{EventKind, NewEvent};
use crate::mail::MailKind;
use crate::ports::{CodePurpose, Tx};
use crate::records::TotpFactorRecord;
use crate::two_factor::{new_recovery_code, new_six_digit_code, normalize_code};

/// Recovery codes issued at a time.
pub const RECOVERY_CODE_COUNT: usize = 10;
/// How long a mailed code (login or e-mail verification) stays valid.
pub const MAILED_CODE_LIFETIME_SECS: i64 = 600;
/// An account's 2FA state as its owner may see it.
#[derive(Debug, Clone)]
pub struct TwoFactorStatus {
    pub enabled: bool,
    /// A TOTP enrolment waits for confirmation.
    pub pending: bool,
    pub methods: Vec<&'static str>,
    pub recovery_codes_left: i64,
}

#[derive(Debug, thiserror::Error)]
pub enum TwoFactorError {
    #[error("the e-mail address is not verified")]
    NeedsVerifiedEmail,
    #[error("two-factor authentication is already on")]
    AlreadyEnabled,
    #[error("two-factor authentication is off")]
    NotEnabled,
    #[error("no enrolment waits for confirmation")]
    NoPendingEnrolment,
    #[error("the password is wrong")]
    WrongPassword,
    #[error("the code is wrong")]
    WrongCode,
    #[error("too many wrong codes; retry in {retry_after} s")]
    Throttled { retry_after: i64 },
    #[error("codes by e-mail are switched off")]
    EmailCodesOff,
    /// Turning 2FA off needs the password and a second factor; these were not given.
    #[error("the password or the second factor is missing")]
    ProofMissing { password: bool, code: bool },
    #[error(transparent)]
    Internal(#[from] Internal),
}

impl From<crate::ports::StoreError> for TwoFactorError {
    fn from(e: crate::ports::StoreError) -> Self {
        Self::Internal(e.into())
    }
}

impl Accounts {
    pub async fn two_factor_status(&self, user: &User) -> Result<TwoFactorStatus, Internal> {
        let factor = self.store.totp_factor(user.id).await?;
        let left = self
            .store
            .live_codes(user.id, CodePurpose::Recovery, self.now())
            .await?;
        Ok(TwoFactorStatus {
            enabled: user.two_fa_enabled,
            pending: factor.as_ref().is_some_and(|f| f.confirmed_at.is_none()),
            methods: self.login_methods(user, factor.as_ref(), left),
            recovery_codes_left: left,
        })
    }

    /// What answers a login of `user` whose TOTP factor is `factor`: the app's code, a
    /// mailed code (see `email_codes_for`), and recovery codes while any are left.
    pub(super) fn login_methods(
        &self,
        user: &User,
        factor: Option<&TotpFactorRecord>,
        recovery_codes_left: i64,
    ) -> Vec<&'static str> {
        let Some(factor) = factor.filter(|_| user.two_fa_enabled) else {
            return Vec::new();
        };
        let mut methods = vec!["totp"];
        if self.email_codes_for(Some(factor)) {
            methods.push("email");
        }
        if recovery_codes_left > 0 {
            methods.push("recovery");
        }
        methods
    }

    /// Turn 2FA off: the password and a current TOTP code or a recovery code.
    #[tracing::instrument(skip_all, fields(user_id = user.id.0))]
    pub async fn disable_two_factor(
        &self,
        user: &User,
        password: &Password,
        proof: &SecondFactor,
    ) -> Result<(), TwoFactorError> {
        // At the constant pace, with no transaction held open while waiting.
        paced(async {
            let mut tx = self.step_up(user, password, proof, Accept::ANY).await?;
            let event = NewEvent::by_owner(EventKind::TwoFactorDisabled, user.id);
            self.turn_off_two_factor(tx.as_mut(), user, event).await?;
            self.commit(tx).await?;
            Ok(())
        })
        .await
    }

    /// Inside a transaction that proved a second factor (or an operator's): the factor, its
    /// codes and the logins waiting for it go, logging in needs the password only, the owner
    /// is mailed, and `event` is recorded.
    pub(super) async fn turn_off_two_factor(
        &self,
        tx: &mut dyn Tx,
        user: &User,
        event: NewEvent,
    ) -> Result<(), Internal> {
        tx.delete_totp_factor(user.id).await?;
        for purpose in [CodePurpose::Recovery, CodePurpose::LoginEmail] {
            tx.replace_codes(user.id, purpose, &[], None, self.now())
                .await?;
        }
        tx.clear_challenges(user.id).await?;
        tx.set_two_fa_enabled(user.id, false).await?;
        self.queue_plain_mail(tx, MailKind::TwoFactorDisabled, user, &user.email)
            .await?;
        self.record(tx, event).await?;
        tracing::info!(user_id = user.id.0, "two-factor authentication disabled");
        Ok(())
    }

    /// Mail the owner of an account with 2FA on a six-digit code that proves the second
    /// factor where one is asked while logged in (turning 2FA off, new recovery codes, a new
    /// authenticator): the way out for whoever lost the authenticator app.
    #[tracing::instrument(skip_all, fields(user_id = user.id.0))]
    pub async fn send_security_code(&self, user: &User) -> Result<(), TwoFactorError> {
        if !user.two_fa_enabled {
            return Err(TwoFactorError::NotEnabled);
        }
        let factor = self.store.totp_factor(user.id).await?;
        if !self.email_codes_for(factor.as_ref()) {
            return Err(TwoFactorError::EmailCodesOff);
        }
        let mut tx = self.begin().await?;
        let code = self
            .new_mailed_code(tx.as_mut(), user, CodePurpose::LoginEmail)
            .await?;
        let mut mail = self.mail_for(user, MailKind::SecurityCode);
        mail.context.code = Some(code.expose().to_owned());
        tx.enqueue_mail(&mail, self.now()).await?;
        self.commit(tx).await?;
        Ok(())
    }

    /// A new set of recovery codes (the old set is void): the password and a current code.
    #[tracing::instrument(skip_all, fields(user_id = user.id.0))]
    pub async fn regenerate_recovery_codes(
        &self,
        user: &User,
        password: &Password,
        code: &Secret,
    ) -> Result<Vec<Secret>, TwoFactorError> {
        paced(async {
            let proof = SecondFactor::Code(code.clone());
            let mut tx = self.step_up(user, password, &proof, Accept::CODES).await?;
            let codes = self.new_recovery_codes(tx.as_mut(), user).await?;
            self.commit(tx).await?;
            Ok(codes)
        })
        .await
    }

    /// The password and a second factor of an account with 2FA on: the open transaction
    /// that consumed the factor, or why not (a wrong code is counted and committed). Callers
    /// run it at the constant pace.
    pub(super) async fn step_up(
        &self,
        user: &User,
        password: &Password,
        factor: &SecondFactor,
        accept: Accept,
    ) -> Result<Box<dyn Tx>, TwoFactorError> {
        if !user.two_fa_enabled {
            return Err(TwoFactorError::NotEnabled);
        }
        if let Some(retry_after) = self.throttled(user).await? {
            return Err(TwoFactorError::Throttled { retry_after });
        }
        if !self.password_matches(user, password).await? {
            return Err(TwoFactorError::WrongPassword);
        }
        let mut tx = self.begin().await?;
        let proved = self.prove(tx.as_mut(), user, factor, accept).await?;
        if proved.is_none() {
            tx.note_code_failure(user.id, self.now()).await?;
            self.commit(tx).await?;
            return Err(TwoFactorError::WrongCode);
        }
        tx.clear_code_failures(user.id).await?;
        Ok(tx)
    }

    /// Ten fresh recovery codes, replacing the old set inside `tx`.
    pub(super) async fn new_recovery_codes(
        &self,
        tx: &mut dyn Tx,
        user: &User,
    ) -> Result<Vec<Secret>, Internal> {
        let codes: Vec<Secret> = (0..RECOVERY_CODE_COUNT)
            .map(|_| new_recovery_code())
            .collect();
        let purpose = CodePurpose::Recovery;
        let hashes: Vec<String> = codes
            .iter()
            .map(|c| {
                self.two_factor
                    .codes
                    .hash(purpose.as_str(), &normalize_code(c.expose()))
            })
            .collect();
        tx.replace_codes(user.id, purpose, &hashes, None, self.now())
            .await?;
        Ok(codes)
    }

    /// A fresh six-digit code of `purpose` for `user`, valid for ten minutes, stored hashed
    /// inside `tx` (the previous one is void); the code itself goes into a mail.
    pub(super) async fn new_mailed_code(
        &self,
        tx: &mut dyn Tx,
        user: &User,
        purpose: CodePurpose,
    ) -> Result<Secret, Internal> {
        let code = new_six_digit_code();
        let hash = self.two_factor.codes.hash(purpose.as_str(), code.expose());
        let now = self.now();
        let expires = now.plus_secs(MAILED_CODE_LIFETIME_SECS);
        tx.replace_codes(user.id, purpose, &[hash], Some(expires), now)
            .await?;
        Ok(code)
    }
}
