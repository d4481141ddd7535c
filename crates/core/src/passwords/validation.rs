//! Django's four default password validators, with Django's algorithms; what they find is a
//! `PasswordProblem` (the HTTP layer says it in Django's words).

use std::collections::HashSet;
use std::sync::LazyLock;

/// Django's list of 20,000 common passwords (django/contrib/auth/common-passwords.txt.gz).
static COMMON: LazyLock<HashSet<&'static str>> = LazyLock::new(|| {
    include_str!("../../data/common-passwords.txt")
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect()
});

const MAX_SIMILARITY: f64 = 0.7;

/// The user attributes the similarity validator compares against, with their verbose names.
#[derive(Debug, Clone, Default)]
pub struct UserAttributes<'a> {
    pub username: &'a str,
    pub first_name: &'a str,
    pub last_name: &'a str,
    pub email: &'a str,
}

/// An attribute of the user a password may be too similar to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UserAttribute {
    Username,
    FirstName,
    LastName,
    Email,
}

/// Why Django's validators refuse a password.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PasswordProblem {
    TooSimilar(UserAttribute),
    TooShort { min_length: usize },
    TooCommon,
    EntirelyNumeric,
}

impl PasswordProblem {
    /// Django's `ValidationError` code for it.
    pub fn code(self) -> &'static str {
        match self {
            Self::TooSimilar(_) => "password_too_similar",
            Self::TooShort { .. } => "password_too_short",
            Self::TooCommon => "password_too_common",
            Self::EntirelyNumeric => "password_entirely_numeric",
        }
    }
}

/// The validators in force: Django's `AUTH_PASSWORD_VALIDATORS` defaults.
#[derive(Debug, Clone)]
pub struct PasswordPolicy {
    pub min_length: usize,
}

impl Default for PasswordPolicy {
    fn default() -> Self {
        Self { min_length: 8 }
    }
}

impl PasswordPolicy {
    /// Every problem the validators find, in Django's order; empty means accepted.
    pub fn check(&self, password: &str, user: &UserAttributes<'_>) -> Vec<PasswordProblem> {
        let mut problems = Vec::new();
        if let Some(attribute) = too_similar(password, user) {
            problems.push(PasswordProblem::TooSimilar(attribute));
        }
        if password.chars().count() < self.min_length {
            problems.push(PasswordProblem::TooShort {
                min_length: self.min_length,
            });
        }
        if COMMON.contains(password.trim().to_lowercase().as_str()) {
            problems.push(PasswordProblem::TooCommon);
        }
        if !password.is_empty() && password.chars().all(char::is_numeric) {
            problems.push(PasswordProblem::EntirelyNumeric);
        }
        problems
    }
}

/// `UserAttributeSimilarityValidator`: the first attribute the password is too similar to.
fn too_similar(password: &str, user: &UserAttributes<'_>) -> Option<UserAttribute> {
    let password: Vec<char> = password.to_lowercase().chars().collect();
    let attributes = [
        (UserAttribute::Username, user.username),
        (UserAttribute::FirstName, user.first_name),
        (UserAttribute::LastName, user.last_name),
        (UserAttribute::Email, user.email),
    ];
    for (attribute, value) in attributes {
        if value.is_empty() {
            continue;
        }
        let lower = value.to_lowercase();
        let parts = lower
            .split(|c: char| !(c.is_alphanumeric() || c == '_'))
            .chain(std::iter::once(lower.as_str()));
        for part in parts {
            let part: Vec<char> = part.chars().collect();
            if exceeds_length_ratio(password.len(), part.len()) {
                continue;
            }
            if quick_ratio(&password, &part) >= MAX_SIMILARITY {
                return Some(attribute);
            }
        }
    }
    None
}

/// Django's `exceeds_maximum_length_ratio`: a value far shorter than the password is skipped.
fn exceeds_length_ratio(pwd_len: usize, value_len: usize) -> bool {
    let bound = MAX_SIMILARITY / 2.0 * pwd_len as f64;
    pwd_len >= 10 * value_len && (value_len as f64) < bound
}

/// Python's `SequenceMatcher(a, b).quick_ratio()`: shared characters as a multiset.
fn quick_ratio(a: &[char], b: &[char]) -> f64 {
    let total = a.len() + b.len();
    if total == 0 {
        return 1.0;
    }
    let mut counts = std::collections::HashMap::<char, isize>::new();
    for c in b {
        *counts.entry(*c).or_default() += 1;
    }
    let mut matches = 0usize;
    for c in a {
        let n = counts.entry(*c).or_default();
        if *n > 0 {
            matches += 1;
        }
        *n -= 1;
    }
    2.0 * matches as f64 / total as f64
}

#[cfg(test)]
mod tests {
    use super::*;
    use PasswordProblem::*;

    fn check(pw: &str) -> Vec<PasswordProblem> {
        let user = UserAttributes {
            username: "yotiño",
            email: "yotoelectronics@gmail.com",
            ..Default::default()
        };
        PasswordPolicy::default().check(pw, &user)
    }

    #[test]
    fn djangos_validators() {
        assert!(check("passwordS.-").is_empty());
        assert_eq!(check("Zk3#q"), [TooShort { min_length: 8 }]);
        assert_eq!(check("password"), [TooCommon]);
        assert_eq!(check("12345678"), [TooCommon, EntirelyNumeric]);
        assert_eq!(check("98237461029"), [EntirelyNumeric]);
        assert_eq!(check("yotoelectronics"), [TooSimilar(UserAttribute::Email)]);
    }
}
