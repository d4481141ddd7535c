//! `tessera keys generate`: a new private key in PKCS#8 PEM for an asymmetric JWT algorithm
//! (its public half is derived at start and published at /.well-known/jwks.json).

use ed25519_dalek::pkcs8::EncodePrivateKey as _;
use rand_core::OsRng;
use std::path::Path;

/// The PEM of a fresh private key for `algorithm`.
pub fn generate(algorithm: &str) -> Result<String, String> {
    let pem = match algorithm {
        "RS256" | "RS512" => {
            let key = rsa::RsaPrivateKey::new(&mut OsRng, 3072).map_err(|e| e.to_string())?;
            rsa::pkcs8::EncodePrivateKey::to_pkcs8_pem(&key, rsa::pkcs8::LineEnding::LF)
                .map_err(|e| e.to_string())?
        }
        "ES256" => {
            let key = p256::SecretKey::random(&mut OsRng);
            p256::pkcs8::EncodePrivateKey::to_pkcs8_pem(&key, p256::pkcs8::LineEnding::LF)
                .map_err(|e| e.to_string())?
        }
        "EdDSA" => {
            // PKCS#8 v1 (the secret alone), as OpenSSL writes it and jsonwebtoken reads it.
            let key = ed25519_dalek::SigningKey::generate(&mut OsRng);
            let bytes = ed25519_dalek::pkcs8::KeypairBytes {
                secret_key: key.to_bytes(),
                public_key: None,
            };
            bytes
                .to_pkcs8_pem(ed25519_dalek::pkcs8::spki::der::pem::LineEnding::LF)
                .map_err(|e| e.to_string())?
        }
        other => {
            return Err(format!(
                "no key to generate for {other:?} (RS256, RS512, ES256 or EdDSA)"
            ));
        }
    };
    Ok(pem.to_string())
}

/// Write `pem` to a new file readable by its owner only; an existing file is never replaced.
pub fn write_private(path: &Path, pem: &str) -> Result<(), String> {
    crate::secret_key::write_private(path, pem).map_err(|e| format!("{}: {e}", path.display()))
}
