//! A compact token checked in one pass: its header read once (the one configured algorithm,
//! its `kid` naming the key), its signature verified by jsonwebtoken's crypto, its claims read
//! once into their type, and `aud` and `iss` compared when configured. jsonwebtoken's
//! `decode` reads the header twice and the claims twice, into a map each time, which was
//! most of a token check's cost (docs/DESIGN.md, "Cost per request").

use super::jwt::{JwtConfig, JwtError};
use super::keys::SigningKeys;
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::Deserialize;
use serde::de::DeserializeOwned;
use std::borrow::Cow;

/// What of a token's header decides how it is checked; the rest is ignored.
#[derive(Deserialize)]
struct Head<'a> {
    #[serde(borrow)]
    alg: Cow<'a, str>,
    #[serde(borrow, default)]
    kid: Option<Cow<'a, str>>,
}

/// Claims that name an audience and an issuer.
pub(super) trait Scoped {
    fn aud(&self) -> Option<&str>;
    fn iss(&self) -> Option<&str>;
}

/// Whether `claims` name the configured audience and issuer, each when one is configured
/// (SimpleJWT's AUDIENCE and ISSUER).
fn in_scope(config: &JwtConfig, claims: &impl Scoped) -> bool {
    let names = |want: &Option<String>, got: Option<&str>| {
        want.as_deref().is_none_or(|want| got == Some(want))
    };
    names(&config.audience, claims.aud()) && names(&config.issuer, claims.iss())
}

/// The claims of `token` when it is signed under the configured algorithm by the key its
/// `kid` names (the current key when it names none) and names the configured audience and
/// issuer; its times are the caller's to check.
pub(super) fn verified<T: DeserializeOwned + Scoped>(
    keys: &SigningKeys,
    config: &JwtConfig,
    token: &str,
) -> Result<T, JwtError> {
    read(keys, token)
        .filter(|claims| in_scope(config, claims))
        .ok_or(JwtError::Invalid)
}

fn read<T: DeserializeOwned>(keys: &SigningKeys, token: &str) -> Option<T> {
    let (message, signature) = token.rsplit_once('.')?;
    let (header, payload) = message.split_once('.')?;
    let header = URL_SAFE_NO_PAD.decode(header).ok()?;
    let head: Head<'_> = object(&header)?;
    if head.alg.parse().ok() != Some(keys.algorithm()) {
        return None;
    }
    let key = keys.decoding(head.kid.as_deref())?;
    let message = message.as_bytes();
    jsonwebtoken::crypto::verify(signature, message, key, keys.algorithm())
        .ok()
        .filter(|signed| *signed)?;
    object(&URL_SAFE_NO_PAD.decode(payload).ok()?)
}

/// `json` read into `T` when it is an object (serde reads a struct from an array too).
fn object<'a, T: Deserialize<'a>>(json: &'a [u8]) -> Option<T> {
    match json.trim_ascii_start().first() {
        Some(b'{') => serde_json::from_slice(json).ok(),
        _ => None,
    }
}
