//! `Carried`: the language a page was asked in with `?lang=` (`en`, `es`, `fr`), which the
//! pages' own forms and redirects add, so a form's answer and the page it redirects to speak
//! the form's language. Anything else there is ignored, never refused.

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use std::convert::Infallible;
use tessera_core::domain::Lang;

/// The `?lang=` of the request, when it names a language served.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Carried(pub Option<Lang>);

impl<S: Send + Sync> FromRequestParts<S> for Carried {
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Infallible> {
        Ok(Self::from_query(parts.uri.query().unwrap_or("")))
    }
}

impl Carried {
    fn from_query(query: &str) -> Self {
        let lang = query
            .split('&')
            .filter_map(|pair| pair.split_once('='))
            .find(|(name, _)| *name == "lang")
            .and_then(|(_, value)| Lang::parse(&value.to_ascii_lowercase()).ok());
        Self(lang)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_language_served_is_carried() {
        assert_eq!(Carried::from_query("lang=es"), Carried(Some(Lang::Es)));
        assert_eq!(Carried::from_query("x=1&lang=FR"), Carried(Some(Lang::Fr)));
        for query in ["", "lang=de", "lang=", "language=es", "lang"] {
            assert_eq!(Carried::from_query(query), Carried(None), "{query}");
        }
    }
}
