//! Tokens: Django's stateless uid/token pairs and SimpleJWT-compatible JWTs.

mod check;
mod jwt;
mod keys;
mod reset;

pub use jsonwebtoken::Algorithm;
pub use jwt::{Claims, JwtConfig, JwtError, JwtKeys, ServiceClaims, Subject, TokenPair, TokenType};
pub use keys::{KeyError, SigningKeys, algorithm, is_symmetric};
pub use reset::{ResetTokens, VERIFY_EMAIL_SALT, decode_uid, encode_uid};
