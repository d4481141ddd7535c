//! Two-factor authentication of an account: TOTP enrolment and its confirmation, recovery
//! codes, turning 2FA off (the proof of a second factor itself is `second_factor`'s).

use super::second_factor::{Accept, SecondFactor, paced};
use super::{Accounts, Internal};
use crate::Secret;
use crate::domain::{Password, User};
use crate::mail::MailKind;
use crate::ports::{CodePurpose, Tx};
use crate::records::TotpFactorRecord;
use crate::two_factor::{TotpSecret, new_recovery_code, new_six_digit_code, normalize_code};

/// Recovery codes issued at a time.
pub const RECOVERY_CODE_COUNT: usize = 10;
/// How long a mailed code (login or e-mail verification) stays valid.
pub const MAILED_CODE_LIFETIME_SECS: i64 = 600;
/// A TOTP enrolment waiting for its first code.
#[derive(Debug, Clone)]
pub struct Enrolment {
    /// The shared secret, base32, for typing into an authenticator.
    pub secret: Secret,
    /// `otpauth://totp/…` with the site name as issuer, for a QR code.
    pub uri: Secret,
}

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
    #[error(transparent)]
    Internal(#[from] Internal),
}

impl From<crate::ports::StoreError> for TwoFactorError {
    fn from(e: crate::ports::StoreError) -> Self {
        Self::Internal(e.into())
    }
}

/// The methods an account with 2FA on can log in with.
pub const METHODS: [&str; 3] = ["totp", "email", "recovery"];

impl Accounts {
    pub async fn two_factor_status(&self, user: &User) -> Result<TwoFactorStatus, Internal> {
        let factor = self.store.totp_factor(user.id).await?;
        let left = self
            .store
            .live_codes(user.id, CodePurpose::Recovery, self.now())
            .await?;
        Ok(TwoFactorStatus {
            enabled: user.two_fa_enabled,
            pending: factor.is_some_and(|f| f.confirmed_at.is_none()),
            methods: match user.two_fa_enabled {
                true => METHODS.to_vec(),
                false => Vec::new(),
            },
            recovery_codes_left: left,
        })
    }

    /// Start (or restart) a TOTP enrolment; 2FA stays off until a code confirms it.
    #[tracing::instrument(skip_all, fields(user_id = user.id.0))]
    pub async fn start_totp(&self, user: &User) -> Result<Enrolment, TwoFactorError> {
        if user.two_fa_enabled {
            return Err(TwoFactorError::AlreadyEnabled);
        }
        if !user.email_verified {
            return Err(TwoFactorError::NeedsVerifiedEmail);
        }
        let secret = TotpSecret::generate();
        let now = self.now();
        let factor = TotpFactorRecord {
            user_id: user.id.0,
            secret: self.two_factor.sealing.seal(user.id, secret.as_bytes()),
            confirmed_at: None,
            last_step: 0,
            created_at: now.0,
        };
        let mut tx = self.begin().await?;
        tx.put_totp_factor(&factor).await?;
        tx.commit().await?;
        Ok(Enrolment {
            secret: Secret::new(secret.base32()),
            uri: Secret::new(secret.uri(self.site_name(), user.username.as_str())),
        })
    }

    /// Confirm the pending enrolment with one valid code: 2FA is on, and the ten recovery
    /// codes (shown this once) are returned.
    #[tracing::instrument(skip_all, fields(user_id = user.id.0))]
    pub async fn confirm_totp(
        &self,
        user: &User,
        code: &Secret,
    ) -> Result<Vec<Secret>, TwoFactorError> {
        if user.two_fa_enabled {
            return Err(TwoFactorError::AlreadyEnabled);
        }
        if !user.email_verified {
            return Err(TwoFactorError::NeedsVerifiedEmail);
        }
        let factor = self
            .store
            .totp_factor(user.id)
            .await?
            .filter(|f| f.confirmed_at.is_none())
            .ok_or(TwoFactorError::NoPendingEnrolment)?;
        let now = self.now();
        let step = paced(async {
            self.totp_secret(&factor)
                .and_then(|s| s.matching_step(&normalize_code(code.expose()), now))
        })
        .await
        .ok_or(TwoFactorError::WrongCode)?;
        let mut tx = self.begin().await?;
        let confirmed = TotpFactorRecord {
            confirmed_at: Some(now.0),
            last_step: step,
            ..factor
        };
        tx.put_totp_factor(&confirmed).await?;
        let mut user = user.clone();
        user.two_fa_enabled = true;
        tx.update_user(&user).await?;
        let codes = self.new_recovery_codes(tx.as_mut(), &user).await?;
        self.queue_plain_mail(tx.as_mut(), MailKind::TwoFactorEnabled, &user, &user.email)
            .await?;
        self.commit_with_mail(tx).await?;
        tracing::info!("two-factor authentication enabled");
        Ok(codes)
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
            let accept = Accept {
                email: false,
                recovery: true,
            };
            let mut tx = self.step_up(user, password, proof, accept).await?;
            tx.delete_totp_factor(user.id).await?;
            for purpose in [CodePurpose::Recovery, CodePurpose::LoginEmail] {
                tx.replace_codes(user.id, purpose, &[], None, self.now())
                    .await?;
            }
            tx.clear_challenges(user.id).await?;
            let mut user = user.clone();
            user.two_fa_enabled = false;
            tx.update_user(&user).await?;
            self.queue_plain_mail(tx.as_mut(), MailKind::TwoFactorDisabled, &user, &user.email)
                .await?;
            self.commit_with_mail(tx).await?;
            tracing::info!("two-factor authentication disabled");
            Ok(())
        })
        .await
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
            let accept = Accept {
                email: false,
                recovery: false,
            };
            let proof = SecondFactor::Code(code.clone());
            let mut tx = self.step_up(user, password, &proof, accept).await?;
            let codes = self.new_recovery_codes(tx.as_mut(), user).await?;
            tx.commit().await?;
            Ok(codes)
        })
        .await
    }

    /// The password and a second factor of an account with 2FA on: the open transaction
    /// that consumed the factor, or why not (a wrong code is counted and committed). Callers
    /// run it at the constant pace.
    async fn step_up(
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
        self.require_password(user, password)
            .await
            .map_err(|_| TwoFactorError::WrongPassword)?;
        let mut tx = self.begin().await?;
        let proved = self.prove(tx.as_mut(), user, factor, accept).await?;
        if proved.is_none() {
            tx.note_code_failure(user.id, self.now()).await?;
            tx.commit().await?;
            return Err(TwoFactorError::WrongCode);
        }
        tx.clear_code_failures(user.id).await?;
        Ok(tx)
    }

    /// Ten fresh recovery codes, replacing the old set inside `tx`.
    async fn new_recovery_codes(
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
