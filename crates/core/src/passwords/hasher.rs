//! `PasswordHasher`: Argon2id PHC hashing and verification on the hasher's own threads, each
//! job timed and the jobs waiting for a thread counted.

use super::buffers::Buffers;
use super::django;
use super::threads::Threads;
use crate::observe::{HashJob, Ignore, Observe};
use argon2::password_hash::phc::{Output, ParamsString, Salt};
use argon2::{Algorithm, Argon2, Params, PasswordHash, Version};
use std::fmt;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;
use subtle::ConstantTimeEq;
use tokio::sync::oneshot;

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

/// The hashing pool at one moment.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct HashLoad {
    /// Jobs waiting for a slot.
    pub waiting: usize,
    /// Jobs computing.
    pub running: usize,
}

#[derive(Clone)]
pub struct PasswordHasher {
    params: Params,
    threads: Arc<Threads>,
    waiting: Arc<AtomicUsize>,
    running: Arc<AtomicUsize>,
    observe: Arc<dyn Observe>,
    /// Argon2 working memory (19 MiB each at the defaults), at most one per thread, reused
    /// while hashes run (allocating it per hash leaves the freed buffers in the allocator's
    /// per-thread arenas); once they stop, one is kept and the others are freed.
    buffers: Arc<Buffers>,
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
        let buffers = Arc::new(Buffers::new(params.block_count()));
        let dummy = dummy_hash(&params)?;
        Ok(Self {
            params,
            threads: Arc::new(Threads::new(cfg.max_concurrent)),
            waiting: Arc::default(),
            running: Arc::default(),
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
        HashLoad {
            waiting: self.waiting.load(Ordering::Relaxed),
            running: self.running.load(Ordering::Relaxed),
        }
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

    /// Check `password` against `stored`; `None` as stored costs the same as a real check.
    /// An error is the hashing threads failing, never a wrong password.
    pub async fn verify(
        &self,
        password: &str,
        stored: Option<&StoredHash>,
    ) -> Result<Verification, HashError> {
        let known = stored.is_some();
        let encoded = stored.map_or_else(|| self.dummy.as_str().to_owned(), |s| s.0.clone());
        let password = password.to_owned();
        let (params, buffers, dummy) = (
            self.params.clone(),
            self.buffers.clone(),
            self.dummy.clone(),
        );
        let outcome = self
            .run(HashJob::Verify, move || {
                let computed = django::verify(&password, &encoded, &buffers)
                    .or_else(|| verify_phc(&password, &encoded, &buffers));
                // Nothing was computed (an unusable, malformed or refused hash): the dummy
                // is, so that the answer costs what a real check costs.
                let ok = computed.unwrap_or_else(|| {
                    verify_phc(&password, &dummy, &buffers);
                    false
                });
                (ok, !is_current(&params, &encoded))
            })
            .await?;
        Ok(match outcome {
            (true, needs_rehash) if known => Verification::Valid { needs_rehash },
            _ => Verification::Invalid,
        })
    }

    async fn run<T: Send + 'static>(
        &self,
        kind: HashJob,
        job: impl FnOnce() -> T + Send + 'static,
    ) -> Result<T, HashError> {
        let (answer, answered) = oneshot::channel();
        let waiting = Count::new(&self.waiting);
        let running = self.running.clone();
        // A job whose request was given up (its client gone) before a thread took it is
        // skipped; one already computing runs on, its thread and buffer taken until done.
        let queued = move || {
            drop(waiting);
            if answer.is_closed() {
                return;
            }
            let done = {
                let _running = Count::new(&running);
                let started = Instant::now();
                (job(), started.elapsed())
            };
            let _ = answer.send(done);
        };
        self.threads
            .submit(Box::new(queued))
            .map_err(|_| HashError::PoolClosed)?;
        let (out, took) = answered
            .await
            .map_err(|_| HashError::Failed("the hashing job did not finish".into()))?;
        self.observe.hashed(kind, took);
        Ok(out)
    }
}

/// One job counted while it lives (a job queued and dropped unrun included).
struct Count(Arc<AtomicUsize>);

impl Count {
    fn new(count: &Arc<AtomicUsize>) -> Self {
        count.fetch_add(1, Ordering::Relaxed);
        Self(count.clone())
    }
}

impl Drop for Count {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::Relaxed);
    }
}

fn argon2(params: &Params) -> Argon2<'static> {
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params.clone())
}

fn hash_blocking(params: &Params, buffers: &Buffers, password: &str) -> Result<String, HashError> {
    // 16 bytes from a v4 UUID (122 random bits): salts must be unique, not secret.
    let salt = uuid::Uuid::new_v4().into_bytes();
    let mut out = [0u8; Params::DEFAULT_OUTPUT_LEN];
    let mut blocks = buffers.take(params.block_count());
    let computed = argon2(params).hash_password_into_with_memory(
        password.as_bytes(),
        &salt,
        &mut out,
        &mut blocks,
    );
    buffers.give(blocks);
    computed.map_err(|e| HashError::Failed(e.to_string()))?;
    phc(params, &salt, &out)
}

/// An Argon2id PHC string at `params` with a random salt and a random output: checking a
/// password against it costs exactly what a real check costs, and no password matches it.
/// Made without hashing, so that start-up neither waits for a hash nor keeps its working
/// memory (19 MiB at the defaults) resident until the first login.
fn dummy_hash(params: &Params) -> Result<String, HashError> {
    let mut out = [0u8; Params::DEFAULT_OUTPUT_LEN];
    for chunk in out.chunks_mut(16) {
        chunk.copy_from_slice(&uuid::Uuid::new_v4().as_bytes()[..chunk.len()]);
    }
    phc(params, &uuid::Uuid::new_v4().into_bytes(), &out)
}

/// The PHC string of an Argon2id v19 output.
fn phc(params: &Params, salt: &[u8], out: &[u8]) -> Result<String, HashError> {
    let failed = |e: &dyn std::fmt::Display| HashError::Failed(e.to_string());
    let phc = PasswordHash {
        algorithm: Algorithm::Argon2id.ident(),
        version: Some(Version::V0x13.into()),
        params: ParamsString::try_from(params).map_err(|e| failed(&e))?,
        salt: Some(Salt::new(salt).map_err(|e| failed(&e))?),
        hash: Some(Output::new(out).map_err(|e| failed(&e))?),
    };
    Ok(phc.to_string())
}

/// Verify against an Argon2 PHC string, with the algorithm and parameters it carries; `None`
/// when nothing was computed: not such a string, or one asking for more than Tessera can be
/// configured to make (terabytes of working memory aborted the process when the allocation
/// failed; billions of passes would hold a hashing thread for good).
pub(super) fn verify_phc(password: &str, phc: &str, buffers: &Buffers) -> Option<bool> {
    let parsed = PasswordHash::new(phc).ok()?;
    let (Some(salt), Some(expected)) = (&parsed.salt, &parsed.hash) else {
        return None;
    };
    let (Ok(algorithm), Ok(params)) = (
        Algorithm::try_from(parsed.algorithm.as_str()),
        Params::try_from(&parsed),
    ) else {
        return None;
    };
    if params.m_cost() > HasherConfig::MAX_MEMORY_KIB
        || params.t_cost() > HasherConfig::MAX_ITERATIONS
        || params.p_cost() > HasherConfig::MAX_PARALLELISM
    {
        let (m, t, p) = (params.m_cost(), params.t_cost(), params.p_cost());
        tracing::warn!(
            m,
            t,
            p,
            "stored argon2 hash refused: its cost is beyond the bounds"
        );
        return None;
    }
    let version = parsed
        .version
        .and_then(|v| Version::try_from(v).ok())
        .unwrap_or_default();
    let mut out = vec![0u8; expected.len()];
    let mut blocks = buffers.take(params.block_count());
    let computed = Argon2::new(algorithm, version, params).hash_password_into_with_memory(
        password.as_bytes(),
        salt.as_ref(),
        &mut out,
        &mut blocks,
    );
    buffers.give(blocks);
    Some(computed.is_ok() && bool::from(out.ct_eq(expected.as_bytes())))
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

    /// Whether the load reaches `want`, within 5 s.
    async fn load_becomes(hasher: &PasswordHasher, want: impl Fn(HashLoad) -> bool) -> bool {
        for _ in 0..500 {
            if want(hasher.load()) {
                return true;
            }
            tokio::time::sleep(std::time::Duration::from_millis(10)).await;
        }
        false
    }

    /// A hasher of one thread, busy with a job that ends when the sender is used.
    async fn one_busy_thread() -> (
        PasswordHasher,
        std::sync::mpsc::Sender<()>,
        tokio::task::JoinHandle<Result<Result<(), std::sync::mpsc::RecvError>, HashError>>,
    ) {
        let cfg = HasherConfig {
            max_concurrent: 1,
            ..HasherConfig::default()
        };
        let hasher = PasswordHasher::new(cfg).unwrap();
        let (release, wait) = std::sync::mpsc::channel::<()>();
        let h = hasher.clone();
        let task = tokio::spawn(async move { h.run(HashJob::Verify, move || wait.recv()).await });
        assert!(
            load_becomes(&hasher, |l| l.running == 1).await,
            "the job started"
        );
        (hasher, release, task)
    }

    #[tokio::test]
    async fn a_job_given_up_keeps_its_slot_until_it_is_done() {
        let (hasher, release, task) = one_busy_thread().await;
        // Its request is given up (the client left): the job runs on, in its slot.
        task.abort();
        assert!(task.await.unwrap_err().is_cancelled());
        assert_eq!(hasher.load().running, 1);
        release.send(()).unwrap();
        assert!(
            load_becomes(&hasher, |l| l.running == 0).await,
            "the slot is free once the job is done"
        );
    }

    #[tokio::test]
    async fn a_job_given_up_before_it_starts_is_not_run() {
        let (hasher, release, first) = one_busy_thread().await;
        let ran = Arc::new(std::sync::atomic::AtomicBool::new(false));
        let (h, flag) = (hasher.clone(), ran.clone());
        let second = tokio::spawn(async move {
            h.run(HashJob::Verify, move || flag.store(true, Ordering::SeqCst))
                .await
        });
        assert!(
            load_becomes(&hasher, |l| l.waiting == 1).await,
            "the second job waits"
        );
        second.abort();
        assert!(second.await.unwrap_err().is_cancelled());
        release.send(()).unwrap();
        assert!(first.await.unwrap().unwrap().is_ok());
        // A job queued after the given-up one runs, so the given-up one was taken and skipped.
        assert_eq!(hasher.run(HashJob::Verify, || 7).await.unwrap(), 7);
        assert!(!ran.load(Ordering::SeqCst), "the given-up job never ran");
        assert_eq!(hasher.load(), HashLoad::default());
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
