//! `Library`: one crate's templates (mail or pages) with the operator's overrides from
//! `TESSERA_TEMPLATE_DIR` laid over the built-in ones, and `t("key")` giving each sentence in
//! the language of the value `lang`. Everything is checked when it is loaded: a template that
//! does not parse, uses a value or a text that does not exist, or fails to render in any
//! language stops start-up with the file named, so nothing fails at send time. Without
//! overrides the built-in templates are loaded on first use.

use crate::catalogue::Catalogue;
use crate::message::Message;
use crate::{LANGS, TemplateError, escape};
use minijinja::value::Value;
use minijinja::{Environment, Error, ErrorKind, State};
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::sync::{Arc, OnceLock};

/// The folder of the override directory that holds the catalogues (`es.txt`…).
const LANG_FOLDER: &str = "lang";

const BUILT_IN: [(&str, &str); 3] = [
    ("en", include_str!("../catalogues/en.txt")),
    ("es", include_str!("../catalogues/es.txt")),
    ("fr", include_str!("../catalogues/fr.txt")),
];

/// What one crate brings: its built-in templates and where their overrides go.
pub struct Sources {
    /// The override directory's folder for these templates (`mail`, `pages`).
    pub folder: &'static str,
    pub templates: &'static [(&'static str, &'static str)],
    /// Every value the templates may use, each with a sample, to render them all at load.
    pub sample: fn() -> Value,
}

/// A crate's templates. With an override directory they are loaded and checked when the
/// library is made, so a broken override stops start-up; without one, the built-in ones
/// (checked by the tests) are parsed and checked on first use, so that a server that sends
/// no mail or shows no page neither runs the template engine at start nor keeps it resident.
pub struct Library {
    sources: Sources,
    loaded: OnceLock<Result<Loaded, String>>,
}

struct Loaded {
    env: Environment<'static>,
    catalogues: Arc<BTreeMap<&'static str, Catalogue>>,
    /// Each template's source as loaded.
    sources: BTreeMap<&'static str, String>,
}

impl Library {
    /// The templates of `sources`, with the overrides in `dir` (its `folder` and `lang/`).
    pub fn load(sources: Sources, dir: Option<&Path>) -> Result<Self, TemplateError> {
        let loaded = OnceLock::new();
        if let Some(dir) = dir {
            let _ = loaded.set(Ok(Loaded::load(&sources, Some(dir))?));
        }
        Ok(Self { sources, loaded })
    }

    fn loaded(&self) -> Result<&Loaded, Error> {
        self.loaded
            .get_or_init(|| Loaded::load(&self.sources, None).map_err(|e| e.to_string()))
            .as_ref()
            .map_err(|e| failed(e.clone()))
    }

    /// Render `name` with `ctx` (which holds `lang`).
    pub fn render(&self, name: &str, ctx: &Value) -> Result<String, Error> {
        self.loaded()?.env.get_template(name)?.render(ctx)
    }

    /// The source of template `name`, as loaded (the operator's override, when there is one).
    pub fn source(&self, name: &str) -> Option<&str> {
        match self.loaded.get() {
            Some(Ok(loaded)) => loaded.sources.get(name).map(String::as_str),
            _ => self
                .sources
                .templates
                .iter()
                .find(|(known, _)| *known == name)
                .map(|(_, source)| *source),
        }
    }

    /// The sentence `key` in `lang`, its `{name}`s filled from `values`: for the words a
    /// program says on a page (a title, a refusal), as `t("key")` gives templates theirs.
    pub fn text(&self, lang: &str, key: &str, values: &Value) -> Result<String, Error> {
        let message = message(&self.loaded()?.catalogues, lang, key)?;
        message
            .fill(lang, |name| {
                values
                    .get_attr(name)
                    .ok()
                    .filter(|v| !v.is_undefined() && !v.is_none())
                    .map(|v| v.to_string())
            })
            .map_err(|m| failed(format!("`{key}`: {m}")))
    }
}

impl Loaded {
    /// Everything parsed and checked: each template renders in every language.
    fn load(sources: &Sources, dir: Option<&Path>) -> Result<Self, TemplateError> {
        if let Some(dir) = dir {
            check_folders(dir)?;
        }
        let catalogues = Arc::new(catalogues(dir)?);
        let mut env = escape::environment();
        let mut files = BTreeMap::new();
        for (name, source) in sources.templates {
            let path = dir.map(|d| d.join(sources.folder).join(name));
            let (file, source) = match path.filter(|p| p.exists()) {
                Some(p) => (p.display().to_string(), read(&p)?),
                None => (format!("built-in {name}"), (*source).to_owned()),
            };
            env.add_template_owned(*name, source.clone())
                .map_err(|e| TemplateError::new(&file, e.to_string()))?;
            files.insert(*name, (file, source));
        }
        if let Some(dir) = dir {
            unknown_files(&dir.join(sources.folder), sources.templates)?;
        }
        let texts = catalogues.clone();
        env.add_function("t", move |state: &State, key: &str| {
            text(&texts, state, key)
        });
        let loaded = Self {
            env,
            catalogues: catalogues.clone(),
            sources: files
                .iter()
                .map(|(name, (_, source))| (*name, source.clone()))
                .collect(),
        };
        let sample = (sources.sample)();
        for (name, (file, source)) in &files {
            loaded
                .check(name, source, &catalogues["en"], &sample)
                .map_err(|message| TemplateError::new(file, message))?;
        }
        Ok(loaded)
    }

    /// Only known values and texts, and it renders in every language.
    fn check(
        &self,
        name: &str,
        source: &str,
        english: &Catalogue,
        sample: &Value,
    ) -> Result<(), String> {
        let template = self.env.get_template(name).map_err(|e| e.to_string())?;
        let known: BTreeSet<String> = sample
            .try_iter()
            .map_err(|e| e.to_string())?
            .filter_map(|k| k.as_str().map(str::to_owned))
            .chain(["t".to_owned(), "lang".to_owned()])
            .collect();
        if let Some(unknown) = template
            .undeclared_variables(false)
            .into_iter()
            .find(|v| !known.contains(v))
        {
            return Err(format!("`{unknown}` is not a value this template is given"));
        }
        if let Some(key) = text_keys(source).find(|k| english.get(k).is_none()) {
            return Err(format!("`{key}` is not a known text"));
        }
        for lang in LANGS {
            let ctx = minijinja::context! { lang => lang, ..sample.clone() };
            template.render(ctx).map_err(|e| format!("{e:#}"))?;
        }
        Ok(())
    }
}

/// The sentence `key` in the language of `lang`, its `{name}`s filled from the template's values.
fn text(
    catalogues: &BTreeMap<&'static str, Catalogue>,
    state: &State,
    key: &str,
) -> Result<String, Error> {
    let lang = state.lookup("lang");
    let lang = lang.as_ref().and_then(Value::as_str).unwrap_or("en");
    message(catalogues, lang, key)?
        .fill(lang, |name| {
            state
                .lookup(name)
                .filter(|v| !v.is_undefined() && !v.is_none())
                .map(|v| v.to_string())
        })
        .map_err(|m| failed(format!("`{key}`: {m}")))
}

fn message<'a>(
    catalogues: &'a BTreeMap<&'static str, Catalogue>,
    lang: &str,
    key: &str,
) -> Result<&'a Message, Error> {
    catalogues
        .get(lang)
        .ok_or_else(|| failed(format!("no texts in `{lang}`")))?
        .get(key)
        .ok_or_else(|| failed(format!("`{key}` is not a known text")))
}

fn failed(message: String) -> Error {
    Error::new(ErrorKind::InvalidOperation, message)
}

/// The literal keys of `t("…")` calls in `source`.
fn text_keys(source: &str) -> impl Iterator<Item = &str> {
    source.split("t(").skip(1).filter_map(|rest| {
        let quote = rest.chars().next().filter(|c| *c == '"' || *c == '\'')?;
        rest[1..].split_once(quote).map(|(key, _)| key)
    })
}

/// The built-in catalogues with the overrides of `dir/lang/` laid over them.
fn catalogues(dir: Option<&Path>) -> Result<BTreeMap<&'static str, Catalogue>, TemplateError> {
    let mut all = BTreeMap::new();
    for (lang, source) in BUILT_IN {
        all.insert(
            lang,
            Catalogue::parse(&format!("built-in {lang}.txt"), source)?,
        );
    }
    let Some(folder) = dir.map(|d| d.join(LANG_FOLDER)).filter(|f| f.exists()) else {
        return Ok(all);
    };
    let english = all["en"].clone();
    for path in entries(&folder)? {
        let file = path.display().to_string();
        let lang = path
            .file_name()
            .and_then(|n| n.to_str())
            .and_then(|n| n.strip_suffix(".txt"))
            .and_then(|code| LANGS.into_iter().find(|l| *l == code))
            .ok_or_else(|| TemplateError::new(&file, "expected en.txt, es.txt or fr.txt"))?;
        let overrides = Catalogue::parse(&file, &read(&path)?)?;
        if let Some(catalogue) = all.get_mut(lang) {
            catalogue.overlay(&file, overrides, &english)?;
        }
    }
    Ok(all)
}

/// The override directory exists and holds only the folders Tessera reads.
fn check_folders(dir: &Path) -> Result<(), TemplateError> {
    let file = dir.display().to_string();
    if !dir.is_dir() {
        return Err(TemplateError::new(&file, "no such directory"));
    }
    for path in entries(dir)? {
        let name = path
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default();
        if !["mail", "pages", LANG_FOLDER].contains(&name) || !path.is_dir() {
            return Err(TemplateError::new(
                path.display().to_string(),
                "expected only the folders mail/, pages/ and lang/",
            ));
        }
    }
    Ok(())
}

/// A file in `folder` that overrides nothing is a mistake (a misspelt name).
fn unknown_files(folder: &Path, templates: &[(&str, &str)]) -> Result<(), TemplateError> {
    if !folder.exists() {
        return Ok(());
    }
    for path in entries(folder)? {
        let name = path
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default();
        if !templates.iter().any(|(known, _)| *known == name) {
            return Err(TemplateError::new(
                path.display().to_string(),
                "is not the name of a template (see the built-in ones)",
            ));
        }
    }
    Ok(())
}

fn entries(dir: &Path) -> Result<Vec<std::path::PathBuf>, TemplateError> {
    let failed = |e: std::io::Error| TemplateError::new(dir.display().to_string(), e.to_string());
    let mut paths = std::fs::read_dir(dir)
        .map_err(failed)?
        .map(|e| e.map(|e| e.path()))
        .collect::<Result<Vec<_>, _>>()
        .map_err(failed)?;
    paths.sort();
    Ok(paths)
}

fn read(path: &Path) -> Result<String, TemplateError> {
    std::fs::read_to_string(path)
        .map_err(|e| TemplateError::new(path.display().to_string(), e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEMPLATES: &[(&str, &str)] = &[("hello.txt", "{{ t('mail.thanks') }} {{ name }}")];

    fn sources() -> Sources {
        Sources {
            folder: "mail",
            templates: TEMPLATES,
            sample: || minijinja::context! { name => "ann", username => "ann" },
        }
    }

    #[test]
    fn built_in_templates_are_loaded_on_first_use() {
        let library = Library::load(sources(), None).unwrap();
        assert!(library.loaded.get().is_none());
        assert_eq!(library.source("hello.txt"), Some(TEMPLATES[0].1));
        let ctx = minijinja::context! { lang => "en", name => "ann", username => "ann" };
        let text = library.render("hello.txt", &ctx).unwrap();
        assert_eq!(text, "Thanks for using our site! ann");
        assert!(matches!(library.loaded.get(), Some(Ok(_))));
    }

    #[test]
    fn overrides_are_loaded_and_checked_at_once() {
        let dir = std::env::temp_dir().join(format!("tessera-lib-{}", unique_suffix()));
        std::fs::create_dir_all(dir.join("mail")).unwrap();
        std::fs::write(dir.join("mail/hello.txt"), "{{ nobody }}").unwrap();
        let refused = Library::load(sources(), Some(&dir)).err().unwrap();
        assert!(refused.to_string().contains("nobody"), "{refused}");
        std::fs::write(dir.join("mail/hello.txt"), "Hi {{ name }}").unwrap();
        let library = Library::load(sources(), Some(&dir)).unwrap();
        assert!(matches!(library.loaded.get(), Some(Ok(_))));
        assert_eq!(library.source("hello.txt"), Some("Hi {{ name }}"));
        std::fs::remove_dir_all(&dir).unwrap();
    }

    fn unique_suffix() -> String {
        format!("{}-{:?}", std::process::id(), std::thread::current().id())
            .replace(|c: char| !c.is_ascii_alphanumeric(), "")
    }

    #[test]
    fn every_language_has_every_text_with_the_same_values() {
        let all = catalogues(None).unwrap();
        let english = &all["en"];
        for lang in LANGS {
            let catalogue = &all[lang];
            let keys: Vec<&str> = catalogue.keys().collect();
            assert_eq!(keys, english.keys().collect::<Vec<_>>(), "{lang}");
            for key in keys {
                let (text, original) = (catalogue.get(key).unwrap(), english.get(key).unwrap());
                assert_eq!(text.placeholders(), original.placeholders(), "{lang} {key}");
            }
        }
    }
}
