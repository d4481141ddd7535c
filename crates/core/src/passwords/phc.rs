//! Argon2 PHC strings: making one, checking a password against one (within the configurable
//! bounds), and whether one is at the configured cost.

use super::buffers::Buffers;
use super::hasher::{HashError, HasherConfig};
use argon2::password_hash::phc::{Output, ParamsString, Salt};
use argon2::{Algorithm, Argon2, Params, PasswordHash, Version};
use subtle::ConstantTimeEq;

fn argon2(params: &Params) -> Argon2<'static> {
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params.clone())
}

pub(super) fn hash_blocking(
    params: &Params,
    buffers: &Buffers,
    password: &str,
) -> Result<String, HashError> {
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
pub(super) fn dummy_hash(params: &Params) -> Result<String, HashError> {
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
pub(super) fn is_current(params: &Params, encoded: &str) -> bool {
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
