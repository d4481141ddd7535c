//! Tessera's templates, as mail and pages share them: one minijinja set-up (`.html` templates
//! auto-escaped with escaping fit for attributes), one catalogue of sentences per language
//! (`catalogues/en.txt`, `es.txt`, `fr.txt`) that templates take their words from with
//! `t("key")`, and the operator's overrides from `TESSERA_TEMPLATE_DIR`, all checked at load.

mod catalogue;
mod escape;
mod library;
mod message;

pub use escape::environment;
pub use library::{Library, Sources};

/// The languages every mail and page is written in.
pub const LANGS: [&str; 3] = ["en", "es", "fr"];

/// A template or catalogue that cannot be used, and the file it is in.
#[derive(Debug, Clone, thiserror::Error)]
#[error("{file}: {message}")]
pub struct TemplateError {
    pub file: String,
    pub message: String,
}

impl TemplateError {
    pub fn new(file: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            file: file.into(),
            message: message.into(),
        }
    }
}
