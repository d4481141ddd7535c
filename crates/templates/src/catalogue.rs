//! `Catalogue`: every sentence of the mails and pages in one language, one `key = text` line
//! each (`#` starts a comment). A text names the template's values it needs as `{name}`, and
//! says a counted thing as `{name, plural, one {# code} other {# codes}}` (see `message`).

use crate::TemplateError;
use crate::message::Message;
use std::collections::BTreeMap;

#[derive(Debug, Clone, Default)]
pub struct Catalogue {
    entries: BTreeMap<String, Message>,
}

impl Catalogue {
    /// Read `source`; `file` names it in errors.
    pub fn parse(file: &str, source: &str) -> Result<Self, TemplateError> {
        let mut entries = BTreeMap::new();
        for (n, line) in source.lines().enumerate() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let at = |message: String| TemplateError::new(format!("{file}:{}", n + 1), message);
            let Some((key, text)) = line.split_once('=') else {
                return Err(at("expected `key = text`".into()));
            };
            let (key, text) = (key.trim(), text.trim());
            if key.is_empty() || text.is_empty() {
                return Err(at("expected `key = text`".into()));
            }
            let message = Message::parse(text).map_err(|e| at(format!("`{key}`: {e}")))?;
            if entries.insert(key.to_owned(), message).is_some() {
                return Err(at(format!("`{key}` is given twice")));
            }
        }
        Ok(Self { entries })
    }

    pub fn get(&self, key: &str) -> Option<&Message> {
        self.entries.get(key)
    }

    #[cfg(test)]
    pub fn keys(&self) -> impl Iterator<Item = &str> {
        self.entries.keys().map(String::as_str)
    }

    /// `overrides` laid over these entries: each of its keys must be one of ours, with the
    /// same placeholders as `reference` (the English text) has.
    pub fn overlay(
        &mut self,
        file: &str,
        overrides: Catalogue,
        reference: &Catalogue,
    ) -> Result<(), TemplateError> {
        for (key, text) in overrides.entries {
            let Some(original) = reference.get(&key) else {
                return Err(TemplateError::new(
                    file,
                    format!("`{key}` is not a known text"),
                ));
            };
            if text.placeholders() != original.placeholders() {
                return Err(TemplateError::new(
                    file,
                    format!(
                        "`{key}` must use exactly the values {:?}",
                        original.placeholders()
                    ),
                ));
            }
            self.entries.insert(key, text);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_placeholders_and_overlays() {
        let message = |text| Message::parse(text).unwrap();
        let en = Catalogue::parse("en.txt", "# c\na.b = Hi {name} on {site}\n\nc = x\n").unwrap();
        assert_eq!(en.get("a.b"), Some(&message("Hi {name} on {site}")));
        assert_eq!(
            message("Hi {name} on {site}").placeholders(),
            ["name", "site"]
        );
        let filled = message("Hi {name}!").fill("en", |n| (n == "name").then(|| "Ann".into()));
        assert_eq!(filled.unwrap(), "Hi Ann!");
        assert!(message("Hi {who}!").fill("en", |_| None).is_err());
        let bad = Catalogue::parse("en.txt", "a.b Hi\n").unwrap_err();
        assert_eq!(bad.file, "en.txt:1");
        let bad = Catalogue::parse("en.txt", "\na.b = Hi {name\n").unwrap_err();
        assert_eq!(bad.file, "en.txt:2");
        assert!(bad.message.contains("`a.b`"), "{}", bad.message);
        let mut es = en.clone();
        let ok = Catalogue::parse("es.txt", "a.b = Hola {name} en {site}").unwrap();
        es.overlay("es.txt", ok, &en).unwrap();
        assert_eq!(es.get("a.b"), Some(&message("Hola {name} en {site}")));
        let wrong = Catalogue::parse("es.txt", "a.b = Hola {nombre}").unwrap();
        assert!(es.overlay("es.txt", wrong, &en).is_err());
        let unknown = Catalogue::parse("es.txt", "zz = Hola").unwrap();
        assert!(es.overlay("es.txt", unknown, &en).is_err());
        let counted = "a.b = {site}: {name, plural, one {# nombre} other {# nombres}}";
        let counted = Catalogue::parse("es.txt", counted).unwrap();
        es.overlay("es.txt", counted, &en).unwrap();
    }
}
