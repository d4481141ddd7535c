//! `Refusal`: what a page says when it refuses a form, as a catalogue sentence and its
//! values, so it is said in the page's language: Django's form errors and password-validator
//! messages, and the reasons of its CSRF failure page. The JSON answers keep Django's English
//! (`crate::django`); the English sentences here are the same words.

use minijinja::{Value, context};
use tessera_core::passwords::{PasswordProblem, UserAttribute};

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    InvalidEmail,
    PasswordsRequired,
    PasswordMismatch,
    Password(PasswordProblem),
    /// A form POST whose `Origin` is another site's.
    Origin(String),
    /// A form POST, without `Origin`, whose `Referer` is another site's.
    Referer,
}

impl Refusal {
    /// The catalogue key of its sentence.
    pub fn key(&self) -> &'static str {
        match self {
            Self::InvalidEmail => "page.error.invalid_email",
            Self::PasswordsRequired => "page.error.passwords_required",
            Self::PasswordMismatch => "page.error.password_mismatch",
            Self::Password(problem) => match problem {
                PasswordProblem::TooSimilar(attribute) => match attribute {
                    UserAttribute::Username => "page.error.password_similar_username",
                    UserAttribute::FirstName => "page.error.password_similar_first_name",
                    UserAttribute::LastName => "page.error.password_similar_last_name",
                    UserAttribute::Email => "page.error.password_similar_email",
                },
                PasswordProblem::TooShort { .. } => "page.error.password_too_short",
                PasswordProblem::TooCommon => "page.error.password_too_common",
                PasswordProblem::EntirelyNumeric => "page.error.password_entirely_numeric",
            },
            Self::Origin(_) => "page.csrf.origin",
            Self::Referer => "page.csrf.referer",
        }
    }

    /// The values its sentence names.
    pub fn values(&self) -> Value {
        match self {
            Self::Password(PasswordProblem::TooShort { min_length }) => {
                context! { min_length => *min_length }
            }
            Self::Origin(origin) => context! { origin => origin },
            _ => Value::UNDEFINED,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pages::render::{Pages, Site};
    use tessera_core::domain::Lang;

    fn every_refusal() -> Vec<Refusal> {
        let mut all = vec![
            Refusal::InvalidEmail,
            Refusal::PasswordsRequired,
            Refusal::PasswordMismatch,
            Refusal::Origin("https://evil.example".into()),
            Refusal::Referer,
        ];
        let attributes = [
            UserAttribute::Username,
            UserAttribute::FirstName,
            UserAttribute::LastName,
            UserAttribute::Email,
        ];
        all.extend(
            attributes
                .into_iter()
                .map(PasswordProblem::TooSimilar)
                .chain([
                    PasswordProblem::TooShort { min_length: 1 },
                    PasswordProblem::TooShort { min_length: 8 },
                    PasswordProblem::TooCommon,
                    PasswordProblem::EntirelyNumeric,
                ])
                .map(Refusal::Password),
        );
        all
    }

    fn pages() -> Pages {
        let site = Site {
            name: "Tessera",
            public_url: "https://auth.example",
            frontend_url: "https://app.example",
        };
        Pages::new(&site, Lang::En, None).unwrap()
    }

    /// In English a page says what Django's JSON answers say, word for word; every language
    /// has its own sentence for every refusal.
    #[test]
    fn each_refusal_is_djangos_in_english_and_translated() {
        let pages = pages();
        for refusal in every_refusal() {
            let english = pages.text(Lang::En, refusal.key(), &refusal.values());
            if let Refusal::Password(problem) = &refusal {
                assert_eq!(english, crate::django::password_messages(&[*problem])[0]);
            }
            for lang in [Lang::Es, Lang::Fr] {
                let text = pages.text(lang, refusal.key(), &refusal.values());
                assert!(text != english && !text.starts_with("page."), "{refusal:?}");
            }
        }
        assert_eq!(
            pages.text(Lang::En, "page.error.invalid_email", &Value::UNDEFINED),
            crate::messages::INVALID_EMAIL
        );
        let short = Refusal::Password(PasswordProblem::TooShort { min_length: 1 });
        let text = pages.text(Lang::Es, short.key(), &short.values());
        assert!(text.ends_with("al menos 1 carácter."), "{text}");
        let origin = Refusal::Origin("https://evil.example".into());
        let text = pages.text(Lang::Fr, origin.key(), &origin.values());
        assert!(text.contains("https://evil.example"), "{text}");
    }
}
