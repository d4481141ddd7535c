//! Service accounts: other micro-services obtain 12-hour tokens with a name and a secret;
//! operators add, list, rotate and remove them. Secrets are stored as Argon2id hashes.

use super::{Accounts, Internal};
use crate::Secret;
use crate::passwords::{StoredHash, Verification};
use crate::ports::{StoreError, UniqueField};

#[derive(Debug, thiserror::Error)]
pub enum ServiceError {
    #[error("unknown service or wrong secret")]
    InvalidCredentials,
    #[error("a service with this name exists")]
    NameTaken,
    #[error("no service has this name")]
    Unknown,
    #[error("service names are 1 to 64 letters, digits, '-', '_' or '.'")]
    BadName,
    #[error("service secrets are at least 16 characters")]
    WeakSecret,
    #[error(transparent)]
    Internal(#[from] Internal),
}

/// A service as operators see it (never its secret).
#[derive(Debug, Clone)]
pub struct ServiceInfo {
    pub name: String,
    pub created_at: i64,
    pub rotated_at: Option<i64>,
}

impl Accounts {
    /// A token for service `name`, when `secret` is its secret. Costs one hash check always
    /// (and one hash more the first time a secret stored otherwise than as Argon2id at the
    /// current parameters is given, to upgrade it: a Django hash of an imported service).
    #[tracing::instrument(skip_all)]
    pub async fn service_token(&self, name: &str, secret: &str) -> Result<String, ServiceError> {
        let record = self.store.service(name).await.map_err(Internal::from)?;
        let stored = record
            .as_ref()
            .map(|r| StoredHash::from_stored(r.secret_hash.clone()));
        let Verification::Valid { needs_rehash } = self
            .hasher
            .verify(secret, stored.as_ref())
            .await
            .map_err(Internal::from)?
        else {
            return Err(ServiceError::InvalidCredentials);
        };
        if let (true, Some(stored)) = (needs_rehash, stored) {
            self.upgrade_service_secret(name, &stored, secret).await?;
        }
        tracing::info!(service = name, "service token issued");
        Ok(self.jwt.mint_service(name, self.now()))
    }

    /// Store the secret just verified against `stored` as Argon2id, only while `stored` is
    /// still the service's hash: a rotation that committed meanwhile wins.
    async fn upgrade_service_secret(
        &self,
        name: &str,
        stored: &StoredHash,
        secret: &str,
    ) -> Result<(), Internal> {
        let upgraded = self.hasher.hash(secret).await?;
        let done = self
            .store
            .upgrade_service_secret(name, stored.as_str(), upgraded.as_str())
            .await?;
        if done {
            tracing::info!(service = name, "service secret hash upgraded");
        }
        Ok(())
    }

    /// Register a service; with no secret given, one is generated and returned (once).
    pub async fn add_service(
        &self,
        name: &str,
        secret: Option<Secret>,
    ) -> Result<Secret, ServiceError> {
        valid_name(name)?;
        let secret = usable_secret(secret)?;
        let hash = self
            .hasher
            .hash(secret.expose())
            .await
            .map_err(Internal::from)?;
        match self
            .store
            .add_service(name, hash.as_str(), self.now())
            .await
        {
            Ok(()) => Ok(secret),
            Err(StoreError::Conflict(UniqueField::ServiceName)) => Err(ServiceError::NameTaken),
            Err(e) => Err(Internal::from(e).into()),
        }
    }

    /// Replace a service's secret; tokens already issued stay valid until they expire.
    pub async fn rotate_service(
        &self,
        name: &str,
        secret: Option<Secret>,
    ) -> Result<Secret, ServiceError> {
        let secret = usable_secret(secret)?;
        let hash = self
            .hasher
            .hash(secret.expose())
            .await
            .map_err(Internal::from)?;
        match self
            .store
            .set_service_secret(name, hash.as_str(), self.now())
            .await
            .map_err(Internal::from)?
        {
            true => Ok(secret),
            false => Err(ServiceError::Unknown),
        }
    }

    pub async fn remove_service(&self, name: &str) -> Result<(), ServiceError> {
        match self
            .store
            .remove_service(name)
            .await
            .map_err(Internal::from)?
        {
            true => Ok(()),
            false => Err(ServiceError::Unknown),
        }
    }

    pub async fn services(&self) -> Result<Vec<ServiceInfo>, Internal> {
        let rows = self.store.services().await?;
        Ok(rows
            .into_iter()
            .map(|r| ServiceInfo {
                name: r.name,
                created_at: r.created_at,
                rotated_at: r.rotated_at,
            })
            .collect())
    }
}

pub(super) fn valid_name(name: &str) -> Result<(), ServiceError> {
    let ok = (1..=64).contains(&name.len())
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'));
    if ok {
        Ok(())
    } else {
        Err(ServiceError::BadName)
    }
}

/// The given secret if long enough, else a generated one (256 bits, hex).
fn usable_secret(secret: Option<Secret>) -> Result<Secret, ServiceError> {
    match secret {
        Some(s) if s.expose().chars().count() >= 16 => Ok(s),
        Some(_) => Err(ServiceError::WeakSecret),
        None => Ok(Secret::new(format!(
            "{}{}",
            uuid::Uuid::new_v4().simple(),
            uuid::Uuid::new_v4().simple()
        ))),
    }
}
