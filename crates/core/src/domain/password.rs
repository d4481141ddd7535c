//! `Password`: a plaintext password in transit, bounded in size before any hashing.

use crate::Secret;

/// Longest password accepted, in bytes: longer input is refused before it reaches a hasher.
pub const MAX_BYTES: usize = 4096;

/// A password as the user typed it. Redacted in `Debug`.
#[derive(Debug, Clone)]
pub struct Password(Secret);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PasswordInputError {
    #[error("it is blank")]
    Blank,
    #[error("it is longer than {MAX_BYTES} bytes")]
    TooLong,
}

impl Password {
    pub fn parse(raw: String) -> Result<Self, PasswordInputError> {
        if raw.is_empty() {
            return Err(PasswordInputError::Blank);
        }
        if raw.len() > MAX_BYTES {
            return Err(PasswordInputError::TooLong);
        }
        Ok(Self(Secret::new(raw)))
    }

    pub fn expose(&self) -> &str {
        self.0.expose()
    }
}
