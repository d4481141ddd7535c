//! `Lang`: the user's preferred language (en, es, fr).

use super::ParseError;

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    #[default]
    En,
    Es,
    Fr,
}

impl Lang {
    pub fn parse(raw: &str) -> Result<Self, ParseError> {
        match raw.trim() {
            "en" => Ok(Self::En),
            "es" => Ok(Self::Es),
            "fr" => Ok(Self::Fr),
            _ => Err(ParseError::UnknownLang),
        }
    }

    pub const ALL: [Lang; 3] = [Self::En, Self::Es, Self::Fr];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::En => "en",
            Self::Es => "es",
            Self::Fr => "fr",
        }
    }
}
