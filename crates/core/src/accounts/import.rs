//! Taking in another system's accounts (`tessera import django`): accounts with their ids and
//! password hashes, refresh tokens, TOTP factors and services, a batch per transaction
//! (written in one statement a kind), never touching what is here already. A dry run does
//! the same and rolls back.

use super::{Accounts, Internal};
use crate::domain::{User, UserId};
use crate::passwords::StoredHash;
use crate::ports::{StoreError, Tx, UniqueField};
use crate::records::{ImportedTokenRecord, TotpFactorRecord};
use crate::two_factor::TotpSecret;

/// What became of one imported row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Imported {
    /// Written now (or, in a dry run, would be).
    New,
    /// Here already (an earlier import): left as it is.
    Present,
    Skipped(Conflict),
}

/// Why a row could not be taken in.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Conflict {
    #[error("account {0} here has this id and another address")]
    IdTaken(i64),
    #[error("the address {theirs} differs from account {by}'s {ours} only by case")]
    EmailCase {
        by: i64,
        ours: String,
        theirs: String,
    },
    #[error("the address is account {0}'s")]
    EmailTaken(i64),
    #[error("the username is another account's")]
    UsernameTaken,
    #[error("its account was not imported")]
    NoAccount,
    #[error("the account has a TOTP factor already")]
    FactorTaken,
    #[error("{0}")]
    Service(String),
}

impl Conflict {
    /// The conflict in a few words, to count rows by (its `Display` names the row's values).
    pub fn kind(&self) -> &'static str {
        match self {
            Self::IdTaken(_) => "id taken by another account",
            Self::EmailCase { .. } => "address differing only by case",
            Self::EmailTaken(_) => "address taken",
            Self::UsernameTaken => "username taken",
            Self::NoAccount => "account not imported",
            Self::FactorTaken => "TOTP factor there already",
            Self::Service(_) => "service name refused",
        }
    }
}

/// A TOTP factor as another system held it (its secret in the clear, sealed here).
#[derive(Debug, Clone)]
pub struct ImportedFactor {
    pub user: UserId,
    pub secret: TotpSecret,
    /// The last time step whose code was accepted: it and earlier ones are refused.
    pub last_step: i64,
    pub created_at: i64,
}

/// Whether a batch is written or only tried.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Write {
    Commit,
    DryRun,
}

impl Accounts {
    /// Take in accounts (one transaction), keeping their ids, hashes, flags and dates. New
    /// accounts' ids will be above `highest`, the highest id read (skipped rows too: a token
    /// the other system signed for a skipped account must never name a new one).
    #[tracing::instrument(skip_all, fields(rows = users.len()))]
    pub async fn import_users(
        &self,
        users: &[User],
        highest: UserId,
        write: Write,
    ) -> Result<Vec<Imported>, Internal> {
        let mut tx = self.begin().await?;
        let written = tx.import_users(users).await?;
        let mut outcomes = Vec::with_capacity(users.len());
        for (user, written) in users.iter().zip(written) {
            let outcome = if written {
                Imported::New
            } else {
                why_not_user(tx.as_mut(), user).await?
            };
            outcomes.push(outcome);
        }
        if write == Write::Commit {
            tx.follow_imported_ids(highest).await?;
            self.commit(tx).await?;
        }
        Ok(outcomes)
    }

    /// Take in refresh tokens (one transaction): outstanding ones refresh, blacklisted ones
    /// stay refused.
    pub async fn import_refresh_tokens(
        &self,
        tokens: &[ImportedTokenRecord],
        write: Write,
    ) -> Result<Vec<Imported>, Internal> {
        let mut tx = self.begin().await?;
        let written = tx.import_refresh_tokens(tokens).await?;
        let mut outcomes = Vec::with_capacity(tokens.len());
        for (token, written) in tokens.iter().zip(written) {
            let outcome = if written {
                Imported::New
            } else if tx.user_by_id(UserId(token.user_id)).await?.is_some() {
                Imported::Present
            } else {
                Imported::Skipped(Conflict::NoAccount)
            };
            outcomes.push(outcome);
        }
        finish(tx, write).await?;
        Ok(outcomes)
    }

    /// Take in confirmed TOTP factors (one transaction), sealed as enrolment seals them.
    pub async fn import_totp_factors(
        &self,
        factors: &[ImportedFactor],
        write: Write,
    ) -> Result<Vec<Imported>, Internal> {
        let records: Vec<TotpFactorRecord> = factors
            .iter()
            .map(|f| TotpFactorRecord {
                user_id: f.user.0,
                secret: self.two_factor.sealing.seal(f.user, f.secret.as_bytes()),
                confirmed_at: Some(f.created_at),
                last_step: f.last_step.max(0),
                created_at: f.created_at,
            })
            .collect();
        let mut tx = self.begin().await?;
        let written = tx.import_totp_factors(&records).await?;
        let mut outcomes = Vec::with_capacity(factors.len());
        for (f, written) in factors.iter().zip(written) {
            let outcome = if written {
                Imported::New
            } else if tx.user_by_id(f.user).await?.is_none() {
                Imported::Skipped(Conflict::NoAccount)
            } else {
                let theirs = tx.totp_factor(f.user).await?;
                let same = theirs.and_then(|t| self.two_factor.sealing.open(f.user, &t.secret));
                if same.as_deref() == Some(f.secret.as_bytes()) {
                    Imported::Present
                } else {
                    Imported::Skipped(Conflict::FactorTaken)
                }
            };
            outcomes.push(outcome);
        }
        finish(tx, write).await?;
        Ok(outcomes)
    }

    /// Take in a service account with the password hash it had (checked at `internal/auth/`
    /// as account passwords are).
    pub async fn import_service(
        &self,
        name: &str,
        hash: &StoredHash,
        write: Write,
    ) -> Result<Imported, Internal> {
        if let Err(e) = super::services::valid_name(name) {
            return Ok(Imported::Skipped(Conflict::Service(e.to_string())));
        }
        if self.store.service(name).await?.is_some() {
            return Ok(Imported::Present);
        }
        if write == Write::DryRun {
            return Ok(Imported::New);
        }
        match self
            .store
            .add_service(name, hash.as_str(), self.now())
            .await
        {
            Ok(()) => Ok(Imported::New),
            Err(StoreError::Conflict(UniqueField::ServiceName)) => Ok(Imported::Present),
            Err(e) => Err(e.into()),
        }
    }
}

async fn finish(tx: Box<dyn Tx>, write: Write) -> Result<(), Internal> {
    if write == Write::Commit {
        tx.commit().await?;
    }
    Ok(())
}

/// Why an account was not inserted: here already (same id and address), or what it meets.
async fn why_not_user(tx: &mut dyn Tx, user: &User) -> Result<Imported, StoreError> {
    let key = user.email.key();
    if let Some(here) = tx.user_by_id(user.id).await? {
        return Ok(if here.email.key() == key {
            Imported::Present
        } else {
            Imported::Skipped(Conflict::IdTaken(here.id.0))
        });
    }
    Ok(Imported::Skipped(
        match tx.user_by_email(&user.email).await? {
            Some(here) if here.email.as_str() != user.email.as_str() => Conflict::EmailCase {
                by: here.id.0,
                ours: here.email.as_str().to_owned(),
                theirs: user.email.as_str().to_owned(),
            },
            Some(here) => Conflict::EmailTaken(here.id.0),
            None => Conflict::UsernameTaken,
        },
    ))
}
