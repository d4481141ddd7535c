//! `EmailAddress`: an address Django's `EmailValidator` would accept, with a case-insensitive key.

use super::ParseError;
use std::fmt;

const MAX_LEN: usize = 254;

/// A syntactically valid e-mail address. The domain is lowercased (Django's `normalize_email`);
/// `key()` is the whole address lowercased, which is what uniqueness and look-ups use.
#[derive(Clone, PartialEq, Eq)]
pub struct EmailAddress(String);

impl EmailAddress {
    pub fn parse(raw: &str) -> Result<Self, ParseError> {
        let raw = raw.trim();
        if raw.is_empty() {
            return Err(ParseError::Blank);
        }
        if raw.chars().count() > MAX_LEN {
            return Err(ParseError::TooLong(MAX_LEN));
        }
        let (user, domain) = raw.rsplit_once('@').ok_or(ParseError::NotAnEmail)?;
        if !valid_user_part(user) || !valid_domain(domain) {
            return Err(ParseError::NotAnEmail);
        }
        Ok(Self(format!("{user}@{}", domain.to_lowercase())))
    }

    /// Rebuild from storage, where it was parsed before.
    pub fn from_trusted(stored: String) -> Self {
        Self(stored)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The case-insensitive identity of this address.
    pub fn key(&self) -> String {
        self.0.to_lowercase()
    }
}

/// Django's dot-atom user part: atoms of allowed characters separated by single dots.
fn valid_user_part(user: &str) -> bool {
    const SPECIALS: &str = "-!#$%&'*+/=?^_`{}|~";
    !user.is_empty()
        && user.split('.').all(|atom| {
            !atom.is_empty()
                && atom
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || SPECIALS.contains(c))
        })
}

/// Django's domain rule: dot-separated labels of letters, digits and inner hyphens, with a
/// top-level label of at least two characters (internationalised letters allowed).
fn valid_domain(domain: &str) -> bool {
    let labels: Vec<&str> = domain.split('.').collect();
    if labels.len() < 2 {
        return false;
    }
    let label_ok = |l: &str| {
        let n = l.chars().count();
        (1..=63).contains(&n)
            && !l.starts_with('-')
            && !l.ends_with('-')
            && l.chars().all(|c| c.is_alphanumeric() || c == '-')
    };
    let tld = labels[labels.len() - 1];
    labels.iter().all(|l| label_ok(l)) && tld.chars().count() >= 2
}

impl fmt::Display for EmailAddress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for EmailAddress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "EmailAddress({})", self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_and_normalises() {
        let e = EmailAddress::parse("Ann.Lee+x@Example.COM").unwrap();
        assert_eq!(e.as_str(), "Ann.Lee+x@example.com");
        assert_eq!(e.key(), "ann.lee+x@example.com");
    }

    #[test]
    fn refuses_bad_addresses() {
        for bad in [
            "",
            "plain",
            "a@b",
            "a@@b.io",
            "a..b@x.io",
            ".a@x.io",
            "a@-x.io",
            "a b@x.io",
            "a@x.c",
        ] {
            assert!(EmailAddress::parse(bad).is_err(), "{bad}");
        }
        let long = format!("{}@x.io", "a".repeat(250));
        assert_eq!(EmailAddress::parse(&long), Err(ParseError::TooLong(254)));
    }
}
