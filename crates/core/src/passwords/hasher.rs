//! `PasswordHasher`: Argon2id hashing and the check of a password against any stored hash
//! (Django's or Argon2), on the hasher's own threads, each job timed.

use super::buffers::Buffers;
use super::django;
use super::phc::{dummy_hash, hash_blocking, is_current, verify_phc};
use super::threads::{HashLoad, Threads};
use crate::observe::{HashJob, Ignore, Observe};
use argon2::Params;
use std::fmt;
use std::sync::Arc;

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

    /// A hash no password matches (Django's `set_unusable_password()`: `!` and random text),
    /// new each time so that it changes what the mailed tokens hash.
    pub fn unusable() -> Self {
        Self(format!("!{}", crate::two_factor::new_ticket().expose()))
    }
}

impl fmt::Debug for StoredHash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let algo = self.0.split('$').find(|s| !s.is_empty()).unwrap_or("");
        write!(f, "StoredHash({algo}$[REDACTED])")
    }
}

/// Argon2id cost parameters; never below OWASP's m=19456 KiB, t=2, p=1, nor above the
/// `MAX_` bounds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct HasherConfig {
    pub memory_kib: u32,
    pub iterations: u32,
    pub parallelism: u32,
    /// How many hashes may run at once (the hasher's threads).
    pub max_concurrent: usize,
}

impl HasherConfig {
    /// The most each parameter may be configured to (4 GiB, 1000 passes, 64 lanes), and so
    /// the most a stored Argon2 hash may ask of a check.
    pub const MAX_MEMORY_KIB: u32 = 4 * 1024 * 1024;
    pub const MAX_ITERATIONS: u32 = 1000;
    pub const MAX_PARALLELISM: u32 = 64;
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
    #[error("the hashing threads are unavailable")]
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
    threads: Arc<Threads>,
    observe: Arc<dyn Observe>,
    /// Argon2 working memory (19 MiB each at the defaults), at most one per thread, reused
    /// while hashes run (allocating it per hash leaves the freed buffers in the allocator's
    /// per-thread arenas); once they stop, one is kept and the others are freed.
    buffers: Arc<Buffers>,
    /// A hash of a random password, checked whenever nothing else is computed (no such
    /// account; an unusable, malformed or refused hash), so that such a login costs what
    /// any other costs.
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
        let buffers = Arc::new(Buffers::new(params.block_count()));
        let dummy = dummy_hash(&params)?;
        Ok(Self {
            params,
            threads: Arc::new(Threads::new(cfg.max_concurrent)),
            observe: Arc::new(Ignore),
            buffers,
            dummy: Arc::new(dummy),
        })
    }

    /// The same hasher, telling `observe` how long each job took.
    #[must_use]
    pub fn observed_by(mut self, observe: Arc<dyn Observe>) -> Self {
        self.observe = observe;
        self
    }

    /// How many jobs wait for a slot and how many compute, now.
    pub fn load(&self) -> HashLoad {
        self.threads.load()
    }

    /// Hash a new password with the current parameters.
    pub async fn hash(&self, password: &str) -> Result<StoredHash, HashError> {
        let (params, buffers) = (self.params.clone(), self.buffers.clone());
        let password = password.to_owned();
        self.run(HashJob::Hash, move || {
            hash_blocking(&params, &buffers, &password).map(StoredHash)
        })
        .await?
    }

    /// Check `password` against `stored`; `None` (no such account) costs what a check costs.
    /// An error is the hashing threads failing, never a wrong password.
    pub async fn verify(
        &self,
        password: &str,
        stored: Option<&StoredHash>,
    ) -> Result<Verification, HashError> {
        // No stored hash (an unknown account) computes nothing, so the dummy is checked.
        let encoded = stored.map_or_else(String::new, |s| s.0.clone());
        let password = password.to_owned();
        let (params, buffers, dummy) = (
            self.params.clone(),
            self.buffers.clone(),
            self.dummy.clone(),
        );
        let (ok, needs_rehash) = self
            .run(HashJob::Verify, move || {
                let computed = django::verify(&password, &encoded, &buffers)
                    .or_else(|| verify_phc(&password, &encoded, &buffers));
                // Nothing was computed (no hash, or an unusable, malformed or refused one):
                // the dummy is, so that the answer costs what a real check costs.
                let ok = computed.unwrap_or_else(|| {
                    verify_phc(&password, &dummy, &buffers);
                    false
                });
                (ok, !is_current(&params, &encoded))
            })
            .await?;
        Ok(match ok {
            true => Verification::Valid { needs_rehash },
            false => Verification::Invalid,
        })
    }

    async fn run<T: Send + 'static>(
        &self,
        kind: HashJob,
        job: impl FnOnce() -> T + Send + 'static,
    ) -> Result<T, HashError> {
        let (out, took) = self.threads.run(job).await?;
        self.observe.hashed(kind, took);
        Ok(out)
    }
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
            h.verify("correct horse", Some(&stored)).await.unwrap(),
            Verification::Valid {
                needs_rehash: false
            }
        );
        assert_eq!(
            h.verify("wrong", Some(&stored)).await.unwrap(),
            Verification::Invalid
        );
        assert_eq!(
            h.verify("correct horse", None).await.unwrap(),
            Verification::Invalid
        );
        assert!(!format!("{stored:?}").contains("m=19456"));
    }

    #[tokio::test]
    async fn a_hash_that_is_not_computed_costs_a_check_of_the_dummy() {
        let tail = "c2FsdHNhbHRzYWx0c2FsdA$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaA";
        for stored in [
            StoredHash::unusable().as_str().to_owned(),
            "not a hash at all".to_owned(),
            format!("$argon2id$v=19$m=4294967295,t=2,p=1${tail}"),
            format!("argon2$argon2id$v=19$m=19456,t=1001,p=1${tail}"),
            "bcrypt$$2b$31$abc".to_owned(),
            "scrypt$3$salt$8$1$AAAA".to_owned(),
        ] {
            let h = PasswordHasher::new(HasherConfig::default()).unwrap();
            let stored = StoredHash::from_stored(stored);
            assert_eq!(
                h.verify("pw", Some(&stored)).await.unwrap(),
                Verification::Invalid
            );
            // The dummy's working memory was taken and given back (and is kept idle).
            assert_eq!(h.buffers.idle(), 1, "{stored:?}");
        }
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
