//! One-time codes (six digits, mailed), recovery codes and login tickets: drawn from the OS
//! random source, stored only as keyed hashes.

use super::random_bytes;
use crate::Secret;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;

/// Crockford's base32 alphabet, lower case: no i, l, o or u to misread.
const ALPHABET: &[u8; 32] = b"0123456789abcdefghjkmnpqrstvwxyz";

/// A uniformly drawn six-digit code.
pub fn new_six_digit_code() -> Secret {
    // Rejection sampling: 4_294_000_000 is the largest multiple of 10^6 below 2^32.
    loop {
        let n = u32::from_le_bytes(random_bytes::<4>());
        if n < 4_294_000_000 {
            return Secret::new(format!("{:06}", n % 1_000_000));
        }
    }
}

/// A recovery code: ten base32 characters (50 bits), shown as `xxxxx-xxxxx`.
pub fn new_recovery_code() -> Secret {
    let chars: String = random_bytes::<10>()
        .iter()
        .map(|b| ALPHABET[usize::from(b & 31)] as char)
        .collect();
    Secret::new(format!("{}-{}", &chars[..5], &chars[5..]))
}

/// A login challenge ticket: 256 random bits, base64url.
pub fn new_ticket() -> Secret {
    Secret::new(URL_SAFE_NO_PAD.encode(random_bytes::<32>()))
}

/// A code as typed: spaces and dashes dropped, lower case, and Crockford's look-alikes read
/// as the digits they resemble.
pub fn normalize_code(raw: &str) -> String {
    raw.chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .map(|c| match c.to_ascii_lowercase() {
            'o' => '0',
            'i' | 'l' => '1',
            other => other,
        })
        .collect()
}

pub fn is_six_digits(code: &str) -> bool {
    code.len() == 6 && code.bytes().all(|b| b.is_ascii_digit())
}

/// Keyed hashes (HMAC-SHA256) of codes and tickets. Codes are random, so one fast keyed hash
/// is enough: a copy of the database alone cannot even test a guess of a six-digit code.
#[derive(Clone)]
pub struct CodeHasher {
    key: [u8; 32],
}

impl CodeHasher {
    pub fn new(key: [u8; 32]) -> Self {
        Self { key }
    }

    /// The hex hash of `code` for `purpose` (a code of one purpose never matches another's).
    pub fn hash(&self, purpose: &str, code: &str) -> String {
        let mut mac =
            <Hmac<Sha256> as KeyInit>::new_from_slice(&self.key).expect("a 32-byte HMAC key");
        mac.update(purpose.as_bytes());
        mac.update(&[0]);
        mac.update(code.as_bytes());
        mac.finalize()
            .into_bytes()
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shapes() {
        let code = new_six_digit_code();
        assert!(is_six_digits(code.expose()));
        let recovery = new_recovery_code();
        let r = recovery.expose();
        assert_eq!((r.len(), &r[5..6]), (11, "-"));
        assert_eq!(normalize_code(r).len(), 10);
        assert_eq!(normalize_code(" 12 34-56 "), "123456");
        assert_eq!(normalize_code("AbO1L-xyz"), "ab011xyz");
        assert_eq!(new_ticket().expose().len(), 43);
        assert_ne!(new_ticket(), new_ticket());
    }

    #[test]
    fn hashes_are_keyed_and_per_purpose() {
        let a = CodeHasher::new([1; 32]);
        let b = CodeHasher::new([2; 32]);
        assert_eq!(a.hash("login", "123456"), a.hash("login", "123456"));
        assert_ne!(a.hash("login", "123456"), b.hash("login", "123456"));
        assert_ne!(a.hash("login", "123456"), a.hash("verify", "123456"));
        assert_eq!(a.hash("x", "y").len(), 64);
    }
}
