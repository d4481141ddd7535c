//! Verification of hashes made by Django's hashers: `pbkdf2_sha256`, `pbkdf2_sha1`, `argon2`,
//! `bcrypt_sha256`, `bcrypt` and `scrypt` (never written: a login upgrades them to Argon2id).

use super::buffers::Buffers;
use super::phc::verify_phc;
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use subtle::ConstantTimeEq;

/// The Django hashers Tessera verifies, by the prefix Django writes before the first `$`.
pub const KNOWN_HASHERS: [&str; 6] = [
    "pbkdf2_sha256",
    "pbkdf2_sha1",
    "argon2",
    "bcrypt_sha256",
    "bcrypt",
    "scrypt",
];

/// What a stored Django password is to Tessera.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DjangoHash {
    /// Made by a hasher Tessera verifies.
    Known,
    /// `!…`: `set_unusable_password()`; no password matches it, here as in Django.
    Unusable,
    /// Made by a hasher Tessera does not verify (its name).
    Unknown(String),
}

impl DjangoHash {
    pub fn classify(encoded: &str) -> Self {
        if encoded.starts_with('!') {
            return Self::Unusable;
        }
        let algorithm = encoded.split('$').next().unwrap_or("");
        if KNOWN_HASHERS.contains(&algorithm) {
            Self::Known
        } else {
            Self::Unknown(algorithm.chars().take(40).collect())
        }
    }
}

/// Verify `password` against a Django-format hash. `None` when nothing was computed: the
/// format is not Django's, or its parameters are beyond the bounds below (the caller then
/// checks the dummy hash, so that the answer costs what a check costs).
pub fn verify(password: &str, encoded: &str, buffers: &Buffers) -> Option<bool> {
    let (algorithm, rest) = encoded.split_once('$')?;
    match algorithm {
        "pbkdf2_sha256" => verify_pbkdf2::<sha2::Sha256>(password, rest),
        "pbkdf2_sha1" => verify_pbkdf2::<sha1::Sha1>(password, rest),
        // Django writes `argon2` before the PHC string, whose own `$` leads it.
        "argon2" => verify_phc(password, &encoded["argon2".len()..], buffers),
        "bcrypt_sha256" => verify_bcrypt(&sha256_hex(password), rest),
        "bcrypt" => verify_bcrypt(password, rest),
        "scrypt" => verify_scrypt(password, rest),
        _ => None,
    }
}

/// `iterations$salt$base64(hash)` for PBKDF2-HMAC-SHA256 or -SHA1, as Django writes it.
fn verify_pbkdf2<D: hmac::EagerHash>(password: &str, rest: &str) -> Option<bool> {
    let mut parts = rest.splitn(3, '$');
    let (iterations, salt, expected) = (parts.next()?, parts.next()?, parts.next()?);
    let iterations = iterations.parse::<u32>().ok()?;
    if iterations == 0 || iterations > 10_000_000 {
        return None;
    }
    let expected = STANDARD.decode(expected).ok()?;
    let mut out = vec![0u8; expected.len().clamp(1, 64)];
    pbkdf2::pbkdf2_hmac::<D>(password.as_bytes(), salt.as_bytes(), iterations, &mut out);
    Some(out.ct_eq(&expected).into())
}

/// Django's `BCryptSHA256PasswordHasher` hashes the hex SHA-256 of the password (so long
/// passwords are not truncated at bcrypt's 72 bytes).
fn sha256_hex(password: &str) -> String {
    use sha2::Digest;
    let digest = sha2::Sha256::digest(password.as_bytes());
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// `$2b$12$…` (bcrypt's own modular format, after Django's `bcrypt$` or `bcrypt_sha256$`).
fn verify_bcrypt(password: &str, modular: &str) -> Option<bool> {
    // Costs above 16 (65,536 rounds, seconds per check) are refused rather than computed.
    let cost = modular.split('$').nth(2)?.parse::<u32>().ok()?;
    if !(4..=16).contains(&cost) || password.len() > 72 {
        // Python's bcrypt (5.x) refuses passwords over 72 bytes, so Django never matched one.
        return None;
    }
    Some(bcrypt::verify(password, modular).unwrap_or(false))
}

/// `n$salt$r$p$base64(hash)` for scrypt with a 64-byte key, as Django writes it.
fn verify_scrypt(password: &str, rest: &str) -> Option<bool> {
    let parts: Vec<&str> = rest.splitn(5, '$').collect();
    let [n, salt, r, p, expected] = parts[..] else {
        return None;
    };
    let (n, r, p) = (
        n.parse::<u64>().ok()?,
        r.parse::<u32>().ok()?,
        p.parse::<u32>().ok()?,
    );
    // A power of two up to 2^20, and at most 256 MiB of work memory (128 · n · r · p).
    let memory = u64::from(r)
        .checked_mul(u64::from(p))
        .and_then(|rp| rp.checked_mul(n * 128));
    if !n.is_power_of_two() || n > 1 << 20 || memory.is_none_or(|m| m > 256 << 20) {
        return None;
    }
    let expected = STANDARD.decode(expected).ok()?;
    let params = scrypt::Params::new(n.trailing_zeros() as u8, r, p).ok()?;
    let mut out = vec![0u8; expected.len().clamp(1, 128)];
    let computed = scrypt::scrypt(password.as_bytes(), salt.as_bytes(), &params, &mut out);
    Some(computed.is_ok() && bool::from(out.ct_eq(&expected)))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Made by Django 5.2.19's `make_password("ñandú pass", hasher=…)` (bcrypt 5.0.0).
    const VECTORS: [&str; 4] = [
        "pbkdf2_sha1$1000000$ufKV4aTPHkh2zMzGDi4Kqp$j9Zaf7QufKagoZGjCaz2F1Y3lkY=",
        "bcrypt_sha256$$2b$12$P8Un6d.JnfCECtVoqZCmv.O3DQI.eRRR6HK.sdP1Ga/cIhio7LUku",
        "bcrypt$$2b$12$svAxme.x.NX2YUkA6TQXB.R4wlHebg2m1H321MJQX2oGMihwmxyYy",
        "scrypt$16384$QQrv74nuVfFfSKYtr1KjcC$8$5$lyN0ZlLdJErbKrsiLOgoK7EUArNAy4K/pnX1ksYWB+SyJuW6EqdQpGOAGTmevcAuyTDeKxCrapl2M3IfKsEe8A==",
    ];

    #[test]
    fn django_hashes_verify() {
        let buffers = Buffers::for_tests();
        for encoded in VECTORS {
            assert_eq!(
                verify("ñandú pass", encoded, &buffers),
                Some(true),
                "{encoded}"
            );
            assert_eq!(
                verify("nandu pass", encoded, &buffers),
                Some(false),
                "{encoded}"
            );
        }
    }

    #[test]
    fn unknown_unusable_and_out_of_bounds_hashes_compute_nothing() {
        let buffers = Buffers::for_tests();
        assert_eq!(verify("x", "md5$salt$abc", &buffers), None);
        assert_eq!(verify("x", "!unusable", &buffers), None);
        // Beyond the bounds: not computed (the hasher checks its dummy instead).
        assert_eq!(verify("x", "scrypt$3$salt$8$1$AAAA", &buffers), None);
        let huge = format!("scrypt$1048576$salt${}${}$AAAA", u32::MAX, u32::MAX);
        assert_eq!(verify("x", &huge, &buffers), None);
        assert_eq!(verify("x", "bcrypt$$2b$31$abc", &buffers), None);
        assert_eq!(
            verify("x", "pbkdf2_sha256$20000000$salt$AAAA", &buffers),
            None
        );
        let long = "x".repeat(73);
        assert_eq!(verify(&long, VECTORS[2], &buffers), None);
    }
}
