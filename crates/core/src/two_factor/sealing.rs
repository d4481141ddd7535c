//! `SecretBox`: TOTP secrets sealed at rest with XChaCha20-Poly1305, each bound to its account
//! (the user id is the associated data), so a sealed secret copied to another row won't open.

use super::random_bytes;
use crate::domain::UserId;
use base64::Engine;
use base64::engine::general_purpose::STANDARD_NO_PAD;
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};

/// The format tag of what `seal` writes, so the scheme can change later.
const V1: &str = "v1.";
const NONCE_LEN: usize = 24;

#[derive(Clone)]
pub struct SecretBox {
    cipher: XChaCha20Poly1305,
}

impl SecretBox {
    pub fn new(key: [u8; 32]) -> Self {
        Self {
            cipher: XChaCha20Poly1305::new(&key.into()),
        }
    }

    /// `v1.` + base64(random nonce ‖ ciphertext ‖ tag).
    pub fn seal(&self, user: UserId, plain: &[u8]) -> String {
        let nonce = random_bytes::<NONCE_LEN>();
        let aad = user.0.to_be_bytes();
        let sealed = self
            .cipher
            .encrypt(
                &XNonce::from(nonce),
                Payload {
                    msg: plain,
                    aad: &aad,
                },
            )
            .expect("a short secret always encrypts");
        let mut out = nonce.to_vec();
        out.extend_from_slice(&sealed);
        format!("{V1}{}", STANDARD_NO_PAD.encode(out))
    }

    /// The plain secret; `None` when the text was not sealed for this account under this key.
    pub fn open(&self, user: UserId, sealed: &str) -> Option<Vec<u8>> {
        let bytes = STANDARD_NO_PAD.decode(sealed.strip_prefix(V1)?).ok()?;
        if bytes.len() <= NONCE_LEN {
            return None;
        }
        let (nonce, body) = bytes.split_at(NONCE_LEN);
        let nonce: [u8; NONCE_LEN] = nonce.try_into().ok()?;
        let aad = user.0.to_be_bytes();
        self.cipher
            .decrypt(
                &XNonce::from(nonce),
                Payload {
                    msg: body,
                    aad: &aad,
                },
            )
            .ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_bound_to_user_and_key() {
        let b = SecretBox::new([7; 32]);
        let sealed = b.seal(UserId(1), b"twenty bytes secret!");
        assert!(sealed.starts_with("v1."));
        assert!(!sealed.contains("twenty"));
        assert_eq!(
            b.open(UserId(1), &sealed).as_deref(),
            Some(&b"twenty bytes secret!"[..])
        );
        assert_eq!(b.open(UserId(2), &sealed), None);
        assert_eq!(SecretBox::new([8; 32]).open(UserId(1), &sealed), None);
        assert_ne!(sealed, b.seal(UserId(1), b"twenty bytes secret!"));
        assert_eq!(b.open(UserId(1), "v1.!!"), None);
        assert_eq!(b.open(UserId(1), "garbage"), None);
    }
}
