//! Two-factor building blocks: TOTP (RFC 6238), random one-time codes and login tickets,
//! their keyed hashes, and the sealing of TOTP secrets at rest.

mod codes;
mod sealing;
mod totp;

pub use codes::{
    CodeHasher, is_six_digits, new_recovery_code, new_six_digit_code, new_ticket, normalize_code,
};
pub use sealing::SecretBox;
pub use totp::{TotpSecret, totp_code_at};

use crate::Secret;
use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;

/// The keys two-factor authentication needs, derived once at start from one master key (the
/// dedicated encryption key when configured, else the secret key).
#[derive(Clone)]
pub struct TwoFactorKeys {
    pub sealing: SecretBox,
    pub codes: CodeHasher,
}

impl std::fmt::Debug for TwoFactorKeys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("TwoFactorKeys([REDACTED])")
    }
}

impl TwoFactorKeys {
    pub fn derive(master: &Secret) -> Self {
        Self {
            sealing: SecretBox::new(derive_key(master, "tessera.two-factor.sealing")),
            codes: CodeHasher::new(derive_key(master, "tessera.two-factor.codes")),
        }
    }
}

/// HMAC-SHA256(master, label): one independent 256-bit key per purpose.
fn derive_key(master: &Secret, label: &str) -> [u8; 32] {
    let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(master.expose().as_bytes())
        .expect("HMAC takes keys of any length");
    mac.update(label.as_bytes());
    mac.finalize().into_bytes().into()
}

/// `N` bytes from the operating system's random source.
fn random_bytes<const N: usize>() -> [u8; N] {
    let mut bytes = [0u8; N];
    getrandom::fill(&mut bytes).expect("the operating system's random source works");
    bytes
}
