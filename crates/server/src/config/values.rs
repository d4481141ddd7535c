//! The types of single settings and how each is read from its text: the enumerated ones in
//! any case (the default language too), the database URL by its scheme, listen addresses by
//! name, the JWT algorithm.

use serde::Deserialize;
use std::net::SocketAddr;
use std::path::PathBuf;
use tessera_core::domain::Lang;
use tessera_core::tokens::Algorithm;

/// An enumerated setting: its values are read in any case (`JSON`, `Smtp`).
macro_rules! choice {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident = $text:literal,)+ }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
        #[serde(try_from = "String")]
        pub enum $name {
            $($(#[$vmeta])* $variant,)+
        }

        impl TryFrom<String> for $name {
            type Error = String;

            fn try_from(value: String) -> Result<Self, String> {
                $(if value.trim().eq_ignore_ascii_case($text) {
                    return Ok(Self::$variant);
                })+
                Err(not_one_of(&value, &[$($text),+]))
            }
        }
    };
}

/// The refusal of an enumerated setting's `value`, naming the values it takes.
fn not_one_of(value: &str, accepted: &[&str]) -> String {
    format!("{value:?} is not one of {}", accepted.join(", "))
}

choice!(EmailBackend {
    Console = "console",
    Smtp = "smtp",
    File = "file",
});

choice!(SmtpTls {
    None = "none",
    Starttls = "starttls",
    Tls = "tls",
});

choice!(
    /// What rate limits do while Redis cannot be reached.
    RedisFailure {
        /// Count in each instance's memory meanwhile.
        Memory = "memory",
        /// Let limited requests through.
        Open = "open",
        /// Refuse limited requests.
        Closed = "closed",
    }
);

choice!(LogFormat {
    Text = "text",
    Json = "json",
});

/// The database, as its URL's scheme names it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DatabaseUrl {
    /// `sqlite://path`, `sqlite:path` or `sqlite::memory:`.
    Sqlite(String),
    /// `postgres://…` or `postgresql://…`.
    Postgres(String),
}

impl std::str::FromStr for DatabaseUrl {
    type Err = String;

    fn from_str(url: &str) -> Result<Self, String> {
        let url = url.trim();
        let scheme = url.split_once(':').map(|(s, _)| s.to_ascii_lowercase());
        match scheme.as_deref() {
            Some("sqlite") => Ok(Self::Sqlite(url.to_owned())),
            Some("postgres" | "postgresql") => Ok(Self::Postgres(url.to_owned())),
            Some(other) if url.contains("://") => Err(format!(
                "{other}:// is not a database Tessera can use: sqlite://path or postgres://user@host/db"
            )),
            _ => Err(format!(
                "{url:?} is not a database URL: sqlite://path or postgres://user@host/db"
            )),
        }
    }
}

impl DatabaseUrl {
    pub fn as_str(&self) -> &str {
        match self {
            Self::Sqlite(url) | Self::Postgres(url) => url,
        }
    }

    /// Where the database is, for people: the SQLite file's absolute path, or the
    /// PostgreSQL URL without its password.
    pub fn describe(&self) -> String {
        match self {
            Self::Sqlite(url) => match self.sqlite_path() {
                Some(path) => format!(
                    "SQLite {}",
                    std::path::absolute(&path).unwrap_or(path).display()
                ),
                None => format!("SQLite {url}"),
            },
            Self::Postgres(url) => format!("PostgreSQL {}", without_password(url)),
        }
    }

    /// The SQLite database file, when the database is an SQLite file.
    pub fn sqlite_path(&self) -> Option<PathBuf> {
        let Self::Sqlite(url) = self else {
            return None;
        };
        let rest = url.split_once(':').map_or("", |(_, rest)| rest);
        let path = rest.trim_start_matches("//");
        let path = path.split('?').next().unwrap_or(path);
        (!path.is_empty() && path != ":memory:").then(|| PathBuf::from(path))
    }
}

impl<'de> Deserialize<'de> for DatabaseUrl {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        parsed(d)
    }
}

/// A setting read as text and parsed into its type, the parser's words naming what is wrong.
/// As `parsed`, for a setting that may be left out.
pub(super) fn some_parsed<'de, D, T>(d: D) -> Result<Option<T>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: std::str::FromStr,
    T::Err: std::fmt::Display,
{
    parsed(d).map(Some)
}

pub(super) fn parsed<'de, D, T>(d: D) -> Result<T, D::Error>
where
    D: serde::Deserializer<'de>,
    T: std::str::FromStr,
    T::Err: std::fmt::Display,
{
    let text = String::deserialize(d)?;
    text.parse().map_err(serde::de::Error::custom)
}

/// An address to listen on: `IP:PORT`, or `HOST:PORT` with a name the system resolves
/// (`localhost:8000`; its IPv4 address when it has one).
pub(super) fn socket_address<'de, D: serde::Deserializer<'de>>(
    d: D,
) -> Result<SocketAddr, D::Error> {
    use std::net::ToSocketAddrs;
    let text = String::deserialize(d)?;
    if let Ok(addr) = text.trim().parse() {
        return Ok(addr);
    }
    let bad = |why: String| serde::de::Error::custom(format!("{text:?} is not HOST:PORT ({why})"));
    let found: Vec<SocketAddr> = text
        .trim()
        .to_socket_addrs()
        .map_err(|e| bad(e.to_string()))?
        .collect();
    found
        .iter()
        .find(|a| a.is_ipv4())
        .or(found.first())
        .copied()
        .ok_or_else(|| bad("the name has no address".into()))
}

/// `socket_address`, for a listener that is optional (absent: none).
pub(super) fn optional_socket_address<'de, D: serde::Deserializer<'de>>(
    d: D,
) -> Result<Option<SocketAddr>, D::Error> {
    socket_address(d).map(Some)
}

/// The JWT algorithm, by its name in any case.
pub(super) fn jwt_algorithm<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Algorithm, D::Error> {
    let text = String::deserialize(d)?;
    tessera_core::tokens::algorithm(&text).map_err(serde::de::Error::custom)
}

/// A language served (`en`, `es`, `fr`), in any case like the other enumerated settings.
pub(super) fn lang<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Lang, D::Error> {
    let text = String::deserialize(d)?;
    Lang::ALL
        .into_iter()
        .find(|lang| text.trim().eq_ignore_ascii_case(lang.as_str()))
        .ok_or_else(|| {
            let accepted = Lang::ALL.map(Lang::as_str);
            serde::de::Error::custom(not_one_of(&text, &accepted))
        })
}

/// `scheme://user:password@host/…` as `scheme://user@host/…`.
fn without_password(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_owned();
    };
    let (authority, path) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
    match authority.rsplit_once('@') {
        Some((credentials, host)) => {
            let user = credentials.split(':').next().unwrap_or("");
            format!("{scheme}://{user}@{host}{path}")
        }
        None => url.to_owned(),
    }
}

/// A refused setting in one line, by the name it was given under: the variable, or the key
/// and the file; a setting that does not exist with the closest one that does.
pub(super) fn describe(e: &figment::Error) -> String {
    let from_env = e
        .metadata
        .as_ref()
        .is_some_and(|m| m.name.contains("environment"));
    let name = |key: &str| match from_env {
        true => format!("TESSERA_{}", key.to_uppercase()),
        false => key.to_owned(),
    };
    let file = e
        .metadata
        .as_ref()
        .and_then(|m| m.source.as_ref())
        .and_then(|s| s.file_path());
    let place = file.map_or(String::new(), |f| format!(" (in {})", f.display()));
    match &e.kind {
        figment::error::Kind::UnknownField(found, expected) => {
            let closest = expected
                .iter()
                .map(|known| (strsim::jaro_winkler(found, known), *known))
                .filter(|(score, _)| *score > 0.8)
                .max_by(|a, b| a.0.total_cmp(&b.0));
            let hint = match closest {
                Some((_, known)) => format!("did you mean {}?", name(known)),
                None => "the README lists every setting".to_owned(),
            };
            format!("{} is not a setting{place}; {hint}", name(found))
        }
        kind => format!("{}{place}: {kind}", name(&e.path.join("."))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::de::IntoDeserializer;
    use serde::de::value::Error;

    fn read_lang(text: &str) -> Result<Lang, Error> {
        lang(text.to_owned().into_deserializer())
    }

    #[test]
    fn the_default_language_is_read_in_any_case_as_the_other_choices_are() {
        assert_eq!(read_lang("es").unwrap(), Lang::Es);
        assert_eq!(read_lang(" FR ").unwrap(), Lang::Fr);
        assert_eq!(read_lang("En").unwrap(), Lang::En);
        let refused = read_lang("de").unwrap_err().to_string();
        assert_eq!(refused, r#""de" is not one of en, es, fr"#);
        let other = LogFormat::try_from("xml".to_owned()).unwrap_err();
        assert_eq!(other, r#""xml" is not one of text, json"#);
    }
}
