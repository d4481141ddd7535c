//! `PasswordHasher`: Argon2id PHC hashing and verification on a bounded blocking pool.

use super::django;
use argon2::{
    Algorithm, Argon2, Params, PasswordHash, PasswordHasher as _, PasswordVerifier, Version,
};
use std::fmt;
use std::sync::Arc;
use tokio::sync::Semaphore;

/// A stored password hash (Argon2id PHC string, or a legacy Django hash). Redacted in `Debug`.
#[derive(Clone, PartialEq, Eq)]
pub struct StoredHash(String);

impl StoredHash {
    pub fn from_stored(s: String) -> Self {
        Self(s)
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for StoredHash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let algo = self.0.split('$').find(|s| !s.is_empty()).unwrap_or("");
        write!(f, "StoredHash({algo}$[REDACTED])")
    }
}

/// Argon2id cost parameters; never below OWASP's m=19456 KiB, t=2, p=1.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct HasherConfig {
    pub memory_kib: u32,
    pub iterations: u32,
    pub parallelism: u32,
    /// How many hashes may run at once (the blocking pool's bound).
    pub max_concurrent: usize,
}

impl Default for HasherConfig {
    fn default() -> Self {
        Self {
            memory_kib: 19_456,
            iterations: 2,
            parallelism: 1,
            max_concurrent: std::thread::available_parallelism().map_or(2, |n| n.get()),
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum HashError {
    #[error("argon2 parameters below the OWASP minimum (m=19456 KiB, t=2, p=1) or invalid")]
    WeakParams,
    #[error("password hashing failed: {0}")]
    Failed(String),
    #[error("the hashing pool is gone")]
    PoolClosed,
}

/// The outcome of checking a password.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verification {
    Invalid,
    /// Correct; `needs_rehash` when the stored hash is not Argon2id at the current parameters.
    Valid {
        needs_rehash: bool,
    },
}

#[derive(Clone)]
pub struct PasswordHasher {
    params: Params,
    permits: Arc<Semaphore>,
    /// A hash of a random password, verified when the account does not exist so that
    /// a login against an unknown account costs the same as against a known one.
    dummy: Arc<String>,
}

impl fmt::Debug for PasswordHasher {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PasswordHasher")
            .field("params", &self.params)
            .finish()
    }
}

impl PasswordHasher {
    pub fn new(cfg: HasherConfig) -> Result<Self, HashError> {
        if cfg.memory_kib < 19_456 || cfg.iterations < 2 || cfg.parallelism < 1 {
            return Err(HashError::WeakParams);
        }
        let params = Params::new(cfg.memory_kib, cfg.iterations, cfg.parallelism, None)
            .map_err(|_| HashError::WeakParams)?;
        let dummy = hash_blocking(&params, &uuid::Uuid::new_v4().to_string())?;
        Ok(Self {
            params,
            permits: Arc::new(Semaphore::new(cfg.max_concurrent.max(1))),
            dummy: Arc::new(dummy),
        })
    }

    /// Hash a new password with the current parameters.
    pub async fn hash(&self, password: &str) -> Result<StoredHash, HashError> {
        let params = self.params.clone();
        let password = password.to_owned();
        self.run(move || hash_blocking(&params, &password).map(StoredHash))
            .await?
    }

    /// Check `password` against `stored`; `None` as stored costs the same as a real check.
    pub async fn verify(&self, password: &str, stored: Option<&StoredHash>) -> Verification {
        let known = stored.is_some();
        let encoded = stored.map_or_else(|| self.dummy.as_str().to_owned(), |s| s.0.clone());
        let password = password.to_owned();
        let params = self.params.clone();
        let outcome = self
            .run(move || {
                let ok = match django::verify(&password, &encoded) {
                    Some(ok) => ok,
                    None => verify_phc(&password, &encoded),
                };
                (ok, !is_current(&params, &encoded))
            })
            .await;
        match outcome {
            Ok((true, needs_rehash)) if known => Verification::Valid { needs_rehash },
            _ => Verification::Invalid,
        }
    }

    async fn run<T: Send + 'static>(
        &self,
        job: impl FnOnce() -> T + Send + 'static,
    ) -> Result<T, HashError> {
        let _permit = self
            .permits
            .acquire()
            .await
            .map_err(|_| HashError::PoolClosed)?;
        tokio::task::spawn_blocking(job)
            .await
            .map_err(|e| HashError::Failed(e.to_string()))
    }
}

fn argon2(params: &Params) -> Argon2<'static> {
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params.clone())
}

fn hash_blocking(params: &Params, password: &str) -> Result<String, HashError> {
    argon2(params)
        .hash_password(password.as_bytes())
        .map(|h| h.to_string())
        .map_err(|e| HashError::Failed(e.to_string()))
}

/// Verify against an Argon2 PHC string, with the parameters it carries.
pub(super) fn verify_phc(password: &str, phc: &str) -> bool {
    let Ok(parsed) = PasswordHash::new(phc) else {
        return false;
    };
    Argon2::default()
        .verify_password(password.as_bytes(), &parsed)
        .is_ok()
}

/// True when `encoded` is Argon2id v19 with exactly the configured parameters.
fn is_current(params: &Params, encoded: &str) -> bool {
    let Ok(parsed) = PasswordHash::new(encoded) else {
        return false;
    };
    let Ok(stored) = Params::try_from(&parsed) else {
        return false;
    };
    parsed.algorithm.as_str() == "argon2id"
        && parsed.version == Some(0x13)
        && stored.m_cost() == params.m_cost()
        && stored.t_cost() == params.t_cost()
        && stored.p_cost() == params.p_cost()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn hashes_and_verifies() {
        let h = PasswordHasher::new(HasherConfig::default()).unwrap();
        let stored = h.hash("correct horse").await.unwrap();
        assert!(
            stored
                .as_str()
                .starts_with("$argon2id$v=19$m=19456,t=2,p=1$")
        );
        assert_eq!(
            h.verify("correct horse", Some(&stored)).await,
            Verification::Valid {
                needs_rehash: false
            }
        );
        assert_eq!(
            h.verify("wrong", Some(&stored)).await,
            Verification::Invalid
        );
        assert_eq!(h.verify("correct horse", None).await, Verification::Invalid);
        assert!(!format!("{stored:?}").contains("m=19456"));
    }

    #[test]
    fn refuses_weak_params() {
        let cfg = HasherConfig {
            memory_kib: 4096,
            ..HasherConfig::default()
        };
        assert!(matches!(
            PasswordHasher::new(cfg),
            Err(HashError::WeakParams)
        ));
    }
}
