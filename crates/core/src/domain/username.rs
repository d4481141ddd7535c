//! `Username`: Django's `UnicodeUsernameValidator` rules, at most 150 characters.

use super::ParseError;
use std::fmt;

pub const MAX_LEN: usize = 150;
const INVALID: &str = "Enter a valid username. This value may contain only letters, numbers, and @/./+/-/_ characters.";

#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Username(String);

impl Username {
    pub fn parse(raw: &str) -> Result<Self, ParseError> {
        let raw = raw.trim();
        if raw.is_empty() {
            return Err(ParseError::Blank);
        }
        if raw.chars().count() > MAX_LEN {
            return Err(ParseError::TooLong(MAX_LEN));
        }
        let ok = raw
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '_' | '.' | '@' | '+' | '-'));
        if !ok {
            return Err(ParseError::Invalid(INVALID));
        }
        Ok(Self(raw.to_owned()))
    }

    pub fn from_trusted(stored: String) -> Self {
        Self(stored)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Username {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for Username {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Username({})", self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn django_characters() {
        assert!(Username::parse("yotiño").is_ok());
        assert!(Username::parse("a.b@c+d-e_f").is_ok());
        assert!(Username::parse("a b").is_err());
        assert!(Username::parse("a/b").is_err());
        assert_eq!(
            Username::parse(&"x".repeat(151)),
            Err(ParseError::TooLong(150))
        );
        assert!(Username::parse(&"x".repeat(150)).is_ok());
    }
}
