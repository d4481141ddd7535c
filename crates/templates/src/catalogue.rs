//! `Catalogue`: every sentence of the mails and pages in one language, one `key = text` line
//! each (`#` starts a comment). A text names the template's values it needs as `{name}`.

use crate::TemplateError;
use std::collections::BTreeMap;

#[derive(Debug, Clone, Default)]
pub struct Catalogue {
    entries: BTreeMap<String, String>,
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
            if entries.insert(key.to_owned(), text.to_owned()).is_some() {
                return Err(at(format!("`{key}` is given twice")));
            }
        }
        Ok(Self { entries })
    }

    pub fn get(&self, key: &str) -> Option<&str> {
        self.entries.get(key).map(String::as_str)
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
            if placeholders(&text) != placeholders(original) {
                return Err(TemplateError::new(
                    file,
                    format!(
                        "`{key}` must use exactly the values {:?}",
                        placeholders(original)
                    ),
                ));
            }
            self.entries.insert(key, text);
        }
        Ok(())
    }
}

/// The `{name}` placeholders of `text`, sorted.
pub fn placeholders(text: &str) -> Vec<&str> {
    let mut names: Vec<&str> = text
        .split('{')
        .skip(1)
        .filter_map(|rest| rest.split_once('}').map(|(name, _)| name))
        .collect();
    names.sort_unstable();
    names.dedup();
    names
}

/// `text` with each `{name}` replaced by `value(name)`; `None` for a name it does not know.
pub fn fill(text: &str, mut value: impl FnMut(&str) -> Option<String>) -> Result<String, String> {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some((before, after)) = rest.split_once('{') {
        out.push_str(before);
        let Some((name, tail)) = after.split_once('}') else {
            return Err(format!("an unclosed `{{` in {text:?}"));
        };
        match value(name) {
            Some(v) => out.push_str(&v),
            None => return Err(format!("no value `{name}` for {text:?}")),
        }
        rest = tail;
    }
    out.push_str(rest);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_placeholders_and_overlays() {
        let en = Catalogue::parse("en.txt", "# c\na.b = Hi {name} on {site}\n\nc = x\n").unwrap();
        assert_eq!(en.get("a.b"), Some("Hi {name} on {site}"));
        assert_eq!(placeholders("Hi {name} on {site}"), ["name", "site"]);
        let filled = fill("Hi {name}!", |n| (n == "name").then(|| "Ann".into()));
        assert_eq!(filled.unwrap(), "Hi Ann!");
        assert!(fill("Hi {who}!", |_| None).is_err());
        let bad = Catalogue::parse("en.txt", "a.b Hi\n").unwrap_err();
        assert_eq!(bad.file, "en.txt:1");
        let mut es = en.clone();
        let ok = Catalogue::parse("es.txt", "a.b = Hola {name} en {site}").unwrap();
        es.overlay("es.txt", ok, &en).unwrap();
        assert_eq!(es.get("a.b"), Some("Hola {name} en {site}"));
        let wrong = Catalogue::parse("es.txt", "a.b = Hola {nombre}").unwrap();
        assert!(es.overlay("es.txt", wrong, &en).is_err());
        let unknown = Catalogue::parse("es.txt", "zz = Hola").unwrap();
        assert!(es.overlay("es.txt", unknown, &en).is_err());
    }
}
