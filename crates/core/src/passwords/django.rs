//! Verification of hashes made by Django's `PBKDF2PasswordHasher` and `Argon2PasswordHasher`.

use super::hasher::Buffers;
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use subtle::ConstantTimeEq;

/// Verify `password` against a Django-format hash. `None` when the format is not Django's.
pub fn verify(password: &str, encoded: &str, buffers: &Buffers) -> Option<bool> {
    if let Some(rest) = encoded.strip_prefix("pbkdf2_sha256$") {
        return Some(verify_pbkdf2(password, rest));
    }
    if let Some(phc) = encoded.strip_prefix("argon2") {
        return Some(super::hasher::verify_phc(password, phc, buffers));
    }
    None
}

/// `iterations$salt$base64(hash)` for PBKDF2-HMAC-SHA256, as Django writes it.
fn verify_pbkdf2(password: &str, rest: &str) -> bool {
    let mut parts = rest.splitn(3, '$');
    let (Some(iterations), Some(salt), Some(expected)) = (parts.next(), parts.next(), parts.next())
    else {
        return false;
    };
    let Ok(iterations) = iterations.parse::<u32>() else {
        return false;
    };
    if iterations == 0 || iterations > 10_000_000 {
        return false;
    }
    let Ok(expected) = STANDARD.decode(expected) else {
        return false;
    };
    let mut out = vec![0u8; expected.len().clamp(1, 64)];
    pbkdf2::pbkdf2_hmac::<sha2::Sha256>(password.as_bytes(), salt.as_bytes(), iterations, &mut out);
    out.ct_eq(&expected).into()
}
