//! `Username`: Django's `UnicodeUsernameValidator` rules, at most 150 characters, and the
//! names no account may take (they would collide with the service's own paths).

use super::ParseError;
use std::fmt;

pub const MAX_LEN: usize = 150;

/// Names no account may take, compared case-insensitively: the original Auth API's own list
/// (`deleted_account` is what its sibling services call a deleted user), every path segment
/// of both dialects' routes (accounts are shared: a user named `login` would shadow
/// `/api/auth/login/`), and the service's own top-level paths.
pub const RESERVED: &[&str] = &[
    // The original service's list.
    "create",
    "update",
    "delete",
    "login",
    "logout",
    "refresh",
    "increment",
    "add",
    "admin",
    "deleted_account",
    // The Auth API's routes.
    "otp",
    "2fa",
    "totp",
    "confirm",
    "disable",
    "recovery_codes",
    "email",
    "sessions",
    "dump_data",
    "internal",
    "auth",
    "verify_email",
    "password",
    "password_reset",
    "reset",
    "set-password",
    "done",
    // The Djoser dialect's routes.
    "users",
    "user",
    "me",
    "activation",
    "resend_activation",
    "set_password",
    "reset_password",
    "reset_password_confirm",
    "set_email",
    "reset_email",
    "reset_email_confirm",
    "confirm-activation",
    "jwt",
    "verify",
    // The service's own paths and words close to them.
    "api",
    ".well-known",
    "jwks",
    "jwks.json",
    "healthz",
    "readyz",
    "metrics",
    "docs",
    "openapi.json",
    "keys",
    "services",
    "recovery",
];

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
            return Err(ParseError::UsernameCharacters);
        }
        let lower = raw.to_lowercase();
        if RESERVED.contains(&lower.as_str()) {
            return Err(ParseError::ReservedUsername);
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

    #[test]
    fn reserved_names_are_refused_in_any_case() {
        for name in ["admin", "Deleted_Account", "LOGIN", " otp ", "users"] {
            assert_eq!(
                Username::parse(name),
                Err(ParseError::ReservedUsername),
                "{name}"
            );
        }
        assert!(Username::parse("administrator").is_ok());
    }
}
