//! TOTP as RFC 6238 has it (HMAC-SHA-1, six digits, 30-second steps, one step of drift
//! either way), computed by totp-rs; the otpauth:// URI authenticator apps read.

use super::random_bytes;
use crate::Timestamp;
use totp_rs::{Builder, Totp};

/// A TOTP shared secret (160 bits). Its `Debug` is redacted.
#[derive(Clone, PartialEq, Eq)]
pub struct TotpSecret(Vec<u8>);

impl std::fmt::Debug for TotpSecret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("TotpSecret([REDACTED])")
    }
}

impl TotpSecret {
    pub fn generate() -> Self {
        Self(random_bytes::<20>().to_vec())
    }

    pub fn from_bytes(bytes: Vec<u8>) -> Self {
        Self(bytes)
    }

    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }

    /// The secret as authenticator apps take it when typed in: unpadded base32.
    pub fn base32(&self) -> String {
        totp_rs::Secret::from(self.0.clone()).to_base32()
    }

    /// `otpauth://totp/Issuer:account?secret=…&issuer=Issuer…`
    pub fn uri(&self, issuer: &str, account: &str) -> String {
        // The label's issuer and account may not contain a colon.
        let clean = |s: &str| s.replace(':', " ");
        Builder::new()
            .with_secret(self.0.clone())
            .with_issuer(Some(clean(issuer)))
            .with_account_name(clean(account))
            .build()
            .and_then(|totp| totp.to_url())
            .unwrap_or_default()
    }

    /// The time step `code` is valid for at `now` (one step of drift either way), if any.
    pub fn matching_step(&self, code: &str, now: Timestamp) -> Option<i64> {
        let time = u64::try_from(now.0).ok()?;
        self.totp()?
            .check(code, time)
            .and_then(|step| i64::try_from(step).ok())
    }

    fn totp(&self) -> Option<Totp> {
        Builder::new().with_secret(self.0.clone()).build().ok()
    }
}

/// The code an authenticator shows at `time` (Unix seconds) for a base32 secret; what a
/// client computes (tests use it).
pub fn totp_code_at(base32: &str, time: i64) -> Option<String> {
    let bytes = totp_rs::Secret::try_from_base32(base32).ok()?.to_vec();
    let totp = TotpSecret::from_bytes(bytes).totp()?;
    Some(totp.generate(u64::try_from(time).ok()?).to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 6238 appendix B (SHA-1 seed "12345678901234567890"), last six digits.
    #[test]
    fn rfc_6238_vectors() {
        let secret = TotpSecret::from_bytes(b"12345678901234567890".to_vec());
        let b32 = secret.base32();
        for (time, code) in [
            (59, "287082"),
            (1_111_111_109, "081804"),
            (2_000_000_000, "279037"),
        ] {
            assert_eq!(totp_code_at(&b32, time).as_deref(), Some(code));
        }
        let now = Timestamp(1_111_111_109);
        assert_eq!(
            secret.matching_step("081804", now),
            Some(1_111_111_109 / 30)
        );
        assert_eq!(
            secret.matching_step("081804", now.plus_secs(30)),
            Some(37_037_036)
        );
        assert_eq!(secret.matching_step("081804", now.plus_secs(61)), None);
        assert_eq!(secret.matching_step("abc", now), None);
    }

    #[test]
    fn uri_names_issuer_and_account() {
        let secret = TotpSecret::generate();
        let uri = secret.uri("My Site", "ann");
        assert!(uri.starts_with("otpauth://totp/My%20Site:ann?"), "{uri}");
        assert!(
            uri.contains(&format!("secret={}", secret.base32())),
            "{uri}"
        );
        assert!(uri.contains("issuer=My%20Site"), "{uri}");
        assert_eq!(format!("{secret:?}"), "TotpSecret([REDACTED])");
    }
}
