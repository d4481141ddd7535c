//! Signing keys: HS256 (the default), HS384 or HS512 with the secret key, or RS256, RS512,
//! ES256 or EdDSA with a private key in a PEM file. Asymmetric keys carry a `kid` (their RFC 7638 thumbprint)
//! and publish their public halves as a JWK set, with the previous key during a rotation.

use jsonwebtoken::jwk::{Jwk, JwkSet, PublicKeyUse, ThumbprintHash};
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header};
use std::fmt;

#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    #[error("unsupported JWT algorithm {0:?} (HS256, HS384, HS512, RS256, RS512, ES256 or EdDSA)")]
    Unsupported(String),
    #[error("the private key is not a PKCS#8 PEM key for {0:?}: {1}")]
    BadKey(Algorithm, String),
}

/// The algorithms Tessera signs with: the HMAC ones with the secret key, the others with a
/// private key file.
const SUPPORTED: [Algorithm; 7] = [
    Algorithm::HS256,
    Algorithm::HS384,
    Algorithm::HS512,
    Algorithm::RS256,
    Algorithm::RS512,
    Algorithm::ES256,
    Algorithm::EdDSA,
];

/// Parse an algorithm name as configured, in any case (`rs256`).
pub fn algorithm(name: &str) -> Result<Algorithm, KeyError> {
    SUPPORTED
        .into_iter()
        .find(|a| format!("{a:?}").eq_ignore_ascii_case(name.trim()))
        .ok_or_else(|| KeyError::Unsupported(name.to_owned()))
}

/// Whether `algorithm` signs with the secret key (HMAC) rather than a key pair.
pub fn is_symmetric(algorithm: Algorithm) -> bool {
    matches!(
        algorithm,
        Algorithm::HS256 | Algorithm::HS384 | Algorithm::HS512
    )
}

/// The key that signs, the keys that verify, and what is published.
#[derive(Clone)]
pub struct SigningKeys {
    algorithm: Algorithm,
    encoding: EncodingKey,
    kid: Option<String>,
    /// `(kid, key)`: the current key first, then the previous one.
    decoding: Vec<(Option<String>, DecodingKey)>,
    jwks: JwkSet,
}

impl fmt::Debug for SigningKeys {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SigningKeys")
            .field("algorithm", &self.algorithm)
            .field("kid", &self.kid)
            .finish()
    }
}

impl SigningKeys {
    /// HS256 with a shared secret; nothing is published.
    /// `algorithm` (HS256, HS384 or HS512) with the secret key.
    pub fn hmac(algorithm: Algorithm, secret: &[u8]) -> Self {
        Self {
            algorithm,
            encoding: EncodingKey::from_secret(secret),
            kid: None,
            decoding: vec![(None, DecodingKey::from_secret(secret))],
            jwks: JwkSet { keys: Vec::new() },
        }
    }

    /// An asymmetric key pair from its private PEM, and optionally the previous one.
    pub fn from_pem(
        algorithm: Algorithm,
        current: &[u8],
        previous: Option<&[u8]>,
    ) -> Result<Self, KeyError> {
        let (encoding, jwk) = load(algorithm, current)?;
        let mut keys = vec![jwk];
        if let Some(previous) = previous {
            keys.push(load(algorithm, previous)?.1);
        }
        let decoding = keys
            .iter()
            .map(|jwk| {
                let key = DecodingKey::from_jwk(jwk)
                    .map_err(|e| KeyError::BadKey(algorithm, e.to_string()))?;
                Ok((jwk.common.key_id.clone(), key))
            })
            .collect::<Result<Vec<_>, KeyError>>()?;
        Ok(Self {
            algorithm,
            encoding,
            kid: keys[0].common.key_id.clone(),
            decoding,
            jwks: JwkSet { keys },
        })
    }

    pub fn algorithm(&self) -> Algorithm {
        self.algorithm
    }

    pub fn header(&self) -> Header {
        let mut header = Header::new(self.algorithm);
        header.kid = self.kid.clone();
        header
    }

    pub fn encoding(&self) -> &EncodingKey {
        &self.encoding
    }

    /// The key for a token's `kid`; the current key when the token names none (so a token
    /// that names a `kid` never verifies under a key that has none, as HS256's).
    pub fn decoding(&self, kid: Option<&str>) -> Option<&DecodingKey> {
        match kid {
            None => self.decoding.first().map(|(_, k)| k),
            Some(kid) => self
                .decoding
                .iter()
                .find(|(k, _)| k.as_deref() == Some(kid))
                .map(|(_, k)| k),
        }
    }

    /// The public keys, for `/.well-known/jwks.json` (empty with HS256).
    pub fn jwks(&self) -> &JwkSet {
        &self.jwks
    }
}

/// The encoding key and its public JWK (with `kid`, `use` and `alg`).
fn load(algorithm: Algorithm, pem: &[u8]) -> Result<(EncodingKey, Jwk), KeyError> {
    let bad = |e: jsonwebtoken::errors::Error| KeyError::BadKey(algorithm, e.to_string());
    let encoding = match algorithm {
        Algorithm::RS256 | Algorithm::RS512 => EncodingKey::from_rsa_pem(pem),
        Algorithm::ES256 => EncodingKey::from_ec_pem(pem),
        Algorithm::EdDSA => EncodingKey::from_ed_pem(pem),
        other => return Err(KeyError::Unsupported(format!("{other:?}"))),
    }
    .map_err(bad)?;
    let mut jwk = Jwk::from_encoding_key(&encoding, algorithm).map_err(bad)?;
    jwk.common.public_key_use = Some(PublicKeyUse::Signature);
    jwk.common.key_id = Some(jwk.thumbprint(ThumbprintHash::SHA256).map_err(bad)?);
    Ok((encoding, jwk))
}
