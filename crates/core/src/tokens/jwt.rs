//! JWTs with SimpleJWT's claims (`token_type`, `exp`, `iat`, `jti`, `user_id`), signed and
//! checked under one configured algorithm.

use super::check::{Scoped, verified};
use super::keys::SigningKeys;
use crate::domain::UserId;
use crate::{Secret, Timestamp};
use serde::{Deserialize, Serialize};
use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum TokenType {
    Access,
    Refresh,
}

impl TokenType {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Access => "access",
            Self::Refresh => "refresh",
        }
    }
}

/// The payload, in SimpleJWT's claim order and JSON types.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Claims {
    pub token_type: String,
    pub exp: i64,
    pub iat: i64,
    pub jti: String,
    pub user_id: UserIdClaim,
    /// The account's username, which the Auth API's consuming services identify users by.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub username: Option<String>,
    /// The session (login) the token belongs to: every refresh token rotated from one login
    /// shares it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sid: Option<String>,
    /// Not valid before (checked when present; Tessera writes none).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nbf: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub aud: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub iss: Option<String>,
}

/// Whom a user token is for.
#[derive(Debug, Clone, Copy)]
pub struct Subject<'a> {
    pub user: UserId,
    pub username: Option<&'a str>,
    pub session: Option<&'a str>,
}

/// A service token's payload: `token_type` is always `service`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ServiceClaims {
    pub token_type: String,
    pub service_name: String,
    pub iat: i64,
    pub exp: i64,
    pub jti: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nbf: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub aud: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub iss: Option<String>,
}

/// SimpleJWT writes `user_id` as a string; either form is read back.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UserIdClaim(pub UserId);

impl Serialize for UserIdClaim {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0.0.to_string())
    }
}

impl<'de> Deserialize<'de> for UserIdClaim {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(IdVisitor).map(|id| Self(UserId(id)))
    }
}

/// A user id as a JSON integer or a string of one (not buffered, as an untagged enum is).
struct IdVisitor;

impl serde::de::Visitor<'_> for IdVisitor {
    type Value = i64;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a user id as an integer or a string")
    }

    fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<i64, E> {
        Ok(v)
    }

    fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<i64, E> {
        i64::try_from(v).map_err(E::custom)
    }

    fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<i64, E> {
        v.parse().map_err(E::custom)
    }
}

impl Claims {
    pub fn user_id(&self) -> UserId {
        self.user_id.0
    }
}

impl Scoped for Claims {
    fn aud(&self) -> Option<&str> {
        self.aud.as_deref()
    }
    fn iss(&self) -> Option<&str> {
        self.iss.as_deref()
    }
}

impl Scoped for ServiceClaims {
    fn aud(&self) -> Option<&str> {
        self.aud.as_deref()
    }
    fn iss(&self) -> Option<&str> {
        self.iss.as_deref()
    }
}

/// Why a token was refused, in SimpleJWT's terms.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum JwtError {
    #[error("Token is invalid")]
    Invalid,
    #[error("Token is expired")]
    Expired,
    #[error("Token has wrong type")]
    WrongType,
}

/// Lifetimes, rotation switches and checks (SimpleJWT's defaults).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JwtConfig {
    pub access_lifetime_secs: i64,
    pub refresh_lifetime_secs: i64,
    pub rotate_refresh_tokens: bool,
    pub blacklist_after_rotation: bool,
    /// Lifetime of the tokens other micro-services obtain at internal/auth/.
    pub service_lifetime_secs: i64,
    /// Seconds of clock skew tolerated on `exp` and `nbf` (SimpleJWT's LEEWAY).
    pub leeway_secs: u64,
    /// Written into every token as `aud`, and required of every token (SimpleJWT's AUDIENCE).
    pub audience: Option<String>,
    /// Written into every token as `iss`, and required of every token (SimpleJWT's ISSUER).
    pub issuer: Option<String>,
}

impl Default for JwtConfig {
    fn default() -> Self {
        Self {
            access_lifetime_secs: 300,
            refresh_lifetime_secs: 86_400,
            service_lifetime_secs: 43_200,
            rotate_refresh_tokens: false,
            blacklist_after_rotation: false,
            leeway_secs: 0,
            audience: None,
            issuer: None,
        }
    }
}

/// A freshly minted pair.
#[derive(Debug, Clone)]
pub struct TokenPair {
    pub access: String,
    pub refresh: String,
    pub refresh_claims: Claims,
}

/// HS256 keys, parsed once.
#[derive(Clone)]
pub struct JwtKeys {
    keys: SigningKeys,
    pub config: JwtConfig,
}

impl fmt::Debug for JwtKeys {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("JwtKeys")
            .field("config", &self.config)
            .finish_non_exhaustive()
    }
}

impl JwtKeys {
    /// HS256 keyed by the secret key.
    pub fn new(secret: &Secret, config: JwtConfig) -> Self {
        Self::with_keys(
            SigningKeys::hmac(jsonwebtoken::Algorithm::HS256, secret.expose().as_bytes()),
            config,
        )
    }

    /// Tokens verify only under the one algorithm of `keys` (never `none`, never an HMAC
    /// keyed with a public key), with `exp` required, `nbf` checked when present, and `aud`
    /// and `iss` required when configured. Times are checked against the service's clock
    /// (`decode`'s `now`), not the machine's, with the configured leeway.
    pub fn with_keys(keys: SigningKeys, config: JwtConfig) -> Self {
        Self { keys, config }
    }

    /// A new token of `kind` for `who`, as SimpleJWT's `for_user` makes it, with the
    /// `username` and `sid` claims when given.
    pub fn mint(&self, kind: TokenType, who: Subject<'_>, now: Timestamp) -> (String, Claims) {
        let lifetime = match kind {
            TokenType::Access => self.config.access_lifetime_secs,
            TokenType::Refresh => self.config.refresh_lifetime_secs,
        };
        let claims = Claims {
            token_type: kind.as_str().to_owned(),
            exp: now.0 + lifetime,
            iat: now.0,
            jti: uuid::Uuid::new_v4().simple().to_string(),
            user_id: UserIdClaim(who.user),
            username: who.username.map(str::to_owned),
            sid: who.session.map(str::to_owned),
            nbf: None,
            aud: self.config.audience.clone(),
            iss: self.config.issuer.clone(),
        };
        (self.sign(&claims), claims)
    }

    pub fn pair(&self, who: Subject<'_>, now: Timestamp) -> TokenPair {
        let (refresh, refresh_claims) = self.mint(TokenType::Refresh, who, now);
        let (access, _) = self.mint(TokenType::Access, who, now);
        TokenPair {
            access,
            refresh,
            refresh_claims,
        }
    }

    /// The published public keys (empty with HS256).
    pub fn jwks(&self) -> &jsonwebtoken::jwk::JwkSet {
        self.keys.jwks()
    }

    /// A token for another micro-service.
    pub fn mint_service(&self, name: &str, now: Timestamp) -> String {
        let claims = ServiceClaims {
            token_type: "service".to_owned(),
            service_name: name.to_owned(),
            iat: now.0,
            exp: now.0 + self.config.service_lifetime_secs,
            jti: uuid::Uuid::new_v4().simple().to_string(),
            nbf: None,
            aud: self.config.audience.clone(),
            iss: self.config.issuer.clone(),
        };
        self.sign(&claims)
    }

    /// Verify a service token (signature, expiry at `now`, type).
    pub fn decode_service(&self, token: &str, now: Timestamp) -> Result<ServiceClaims, JwtError> {
        let claims: ServiceClaims = verified(&self.keys, &self.config, token)?;
        self.check_times(claims.exp, claims.nbf, now)?;
        match claims.token_type.as_str() {
            "service" => Ok(claims),
            _ => Err(JwtError::WrongType),
        }
    }

    /// `exp` not passed and `nbf` reached at `now`, give or take the leeway (as jsonwebtoken
    /// checks them, but on the service's clock).
    fn check_times(&self, exp: i64, nbf: Option<i64>, now: Timestamp) -> Result<(), JwtError> {
        let leeway = i64::try_from(self.config.leeway_secs).unwrap_or(i64::MAX);
        if exp < now.0.saturating_sub(leeway) {
            return Err(JwtError::Expired);
        }
        if nbf.is_some_and(|nbf| nbf > now.0.saturating_add(leeway)) {
            return Err(JwtError::Invalid);
        }
        Ok(())
    }

    fn sign(&self, claims: &impl Serialize) -> String {
        jsonwebtoken::encode(&self.keys.header(), claims, self.keys.encoding())
            .expect("signing plain claims with a key loaded at start cannot fail")
    }

    /// Verify signature and expiry at `now`, and (when given) the token type.
    pub fn decode(
        &self,
        token: &str,
        expected: Option<TokenType>,
        now: Timestamp,
    ) -> Result<Claims, JwtError> {
        let claims: Claims = verified(&self.keys, &self.config, token)?;
        self.check_times(claims.exp, claims.nbf, now)?;
        if let Some(kind) = expected
            && claims.token_type != kind.as_str()
        {
            return Err(JwtError::WrongType);
        }
        Ok(claims)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::SystemClock;
    use crate::time::Clock;

    fn subject(id: i64, username: Option<&str>) -> Subject<'_> {
        Subject {
            user: UserId(id),
            username,
            session: None,
        }
    }

    fn keys() -> JwtKeys {
        JwtKeys::new(&Secret::new("x".repeat(40)), JwtConfig::default())
    }

    #[test]
    fn service_and_user_tokens_are_not_interchangeable() {
        let k = keys();
        let now = SystemClock.now();
        let service = k.mint_service("matchmaking", now);
        let claims = k.decode_service(&service, now).unwrap();
        assert_eq!(
            (claims.service_name.as_str(), claims.exp - claims.iat),
            ("matchmaking", 43_200)
        );
        assert_eq!(
            k.decode(&service, Some(TokenType::Access), now),
            Err(JwtError::Invalid)
        );
        let pair = k.pair(subject(1, None), now);
        assert!(k.decode_service(&pair.access, now).is_err());
    }

    #[test]
    fn round_trip_and_types() {
        let k = keys();
        let now = SystemClock.now();
        let pair = k.pair(subject(7, Some("ann")), now);
        let claims = k
            .decode(&pair.access, Some(TokenType::Access), now)
            .unwrap();
        assert_eq!(claims.user_id(), UserId(7));
        assert_eq!(claims.username.as_deref(), Some("ann"));
        assert_eq!(claims.exp - claims.iat, 300);
        assert_eq!(claims.jti.len(), 32);
        assert_eq!(
            k.decode(&pair.access, Some(TokenType::Refresh), now),
            Err(JwtError::WrongType)
        );
        assert_eq!(k.decode("garbage", None, now), Err(JwtError::Invalid));
        let (old, _) = k.mint(TokenType::Access, subject(7, None), Timestamp(now.0 - 1000));
        assert_eq!(k.decode(&old, None, now), Err(JwtError::Expired));
    }
}
