//! Django's `PasswordResetTokenGenerator`, byte for byte, and its base64 `uid` encoding.

use crate::domain::{User, UserId};
use crate::{Secret, Timestamp};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, KeyInit, Mac};
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

const KEY_SALT: &str = "django.contrib.auth.tokens.PasswordResetTokenGenerator";

/// Django's `urlsafe_base64_encode(force_bytes(pk))`.
pub fn encode_uid(id: UserId) -> String {
    URL_SAFE_NO_PAD.encode(id.0.to_string())
}

/// The inverse of [`encode_uid`]; `None` for anything that is not a positive decimal id.
pub fn decode_uid(uid: &str) -> Option<UserId> {
    let bytes = URL_SAFE_NO_PAD.decode(uid.trim_end_matches('=')).ok()?;
    let text = std::str::from_utf8(&bytes).ok()?;
    if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    text.parse::<i64>().ok().filter(|id| *id > 0).map(UserId)
}

/// Makes and checks tokens that stay valid until the password, last login or e-mail changes,
/// or `timeout_secs` pass.
#[derive(Debug, Clone)]
pub struct ResetTokens {
    secret: Secret,
    timeout_secs: i64,
    key_salt: &'static str,
}

/// The key salt of e-mail verification tokens, so they cannot serve as reset tokens.
pub const VERIFY_EMAIL_SALT: &str = "tessera.accounts.EmailVerificationTokenGenerator";

impl ResetTokens {
    /// Django's generator (activation and password reset share it, as in Djoser).
    pub fn new(secret: Secret, timeout_secs: i64) -> Self {
        Self::with_salt(secret, timeout_secs, KEY_SALT)
    }

    /// The same algorithm under another key salt, for tokens of another purpose.
    pub fn with_salt(secret: Secret, timeout_secs: i64, key_salt: &'static str) -> Self {
        Self {
            secret,
            timeout_secs,
            key_salt,
        }
    }

    pub fn make(&self, user: &User, now: Timestamp) -> String {
        self.make_with_timestamp(user, now.django_token_seconds())
    }

    pub fn check(&self, user: &User, token: &str, now: Timestamp) -> bool {
        let Some((ts_b36, _)) = token.split_once('-') else {
            return false;
        };
        if token.matches('-').count() != 1 {
            return false;
        }
        let Some(ts) = base36_to_int(ts_b36) else {
            return false;
        };
        let expected = self.make_with_timestamp(user, ts);
        if !bool::from(expected.as_bytes().ct_eq(token.as_bytes())) {
            return false;
        }
        now.django_token_seconds() - ts <= self.timeout_secs
    }

    fn make_with_timestamp(&self, user: &User, ts: i64) -> String {
        let value = hash_value(user, ts);
        let digest = salted_hmac_hex(self.key_salt, self.secret.expose(), &value);
        let every_second: String = digest.chars().step_by(2).collect();
        format!("{}-{}", int_to_base36(ts), every_second)
    }
}

/// Django's `_make_hash_value`: pk, password hash, last login (whole seconds), timestamp, email.
fn hash_value(user: &User, ts: i64) -> String {
    let login = user
        .last_login
        .map(Timestamp::python_datetime_str)
        .unwrap_or_default();
    format!(
        "{}{}{}{}{}",
        user.id.0,
        user.password_hash.as_str(),
        login,
        ts,
        user.email.as_str()
    )
}

/// Django's `salted_hmac(KEY_SALT, value, secret, algorithm="sha256").hexdigest()`.
fn salted_hmac_hex(key_salt: &str, secret: &str, value: &str) -> String {
    let key = Sha256::digest(format!("{key_salt}{secret}").as_bytes());
    let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(&key).expect("any key length");
    mac.update(value.as_bytes());
    mac.finalize()
        .into_bytes()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn int_to_base36(mut n: i64) -> String {
    const DIGITS: &[u8; 36] = b"0123456789abcdefghijklmnopqrstuvwxyz";
    if n <= 0 {
        return "0".to_owned();
    }
    let mut out = Vec::new();
    while n > 0 {
        out.push(DIGITS[(n % 36) as usize]);
        n /= 36;
    }
    out.reverse();
    String::from_utf8(out).unwrap_or_default()
}

/// Django's `base36_to_int`, which refuses more than 13 digits.
fn base36_to_int(s: &str) -> Option<i64> {
    if s.is_empty() || s.len() > 13 {
        return None;
    }
    i64::from_str_radix(s, 36).ok().filter(|n| *n >= 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uid_round_trip() {
        assert_eq!(encode_uid(UserId(20)), "MjA");
        assert_eq!(encode_uid(UserId(18)), "MTg");
        assert_eq!(decode_uid("MjA"), Some(UserId(20)));
        assert_eq!(decode_uid("MjA="), Some(UserId(20)));
        assert_eq!(decode_uid("!!"), None);
        assert_eq!(decode_uid("YWJj"), None);
    }

    #[test]
    fn base36() {
        assert_eq!(int_to_base36(0), "0");
        assert_eq!(int_to_base36(35), "z");
        assert_eq!(
            base36_to_int("br8o5n"),
            Some(i64::from_str_radix("br8o5n", 36).unwrap())
        );
        assert_eq!(base36_to_int("00000000000000"), None);
    }
}
