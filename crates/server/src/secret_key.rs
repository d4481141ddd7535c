//! The signing secret: from configuration, or generated once and kept beside the SQLite file.

use crate::config::Config;
use std::io::Write;
use std::path::{Path, PathBuf};
use tessera_core::Secret;

#[derive(Debug, thiserror::Error)]
pub enum SecretKeyError {
    #[error(
        "TESSERA_SECRET_KEY is required with PostgreSQL (a generated key is only kept beside a SQLite file)"
    )]
    Required,
    #[error("the stored secret key {0} is unreadable or shorter than 32 bytes")]
    BadFile(PathBuf),
    #[error("could not store a generated secret key at {0}: {1}")]
    Write(PathBuf, std::io::Error),
}

/// The configured key, else the one stored beside the database, else a new one stored there.
pub fn resolve(config: &Config) -> Result<Secret, SecretKeyError> {
    if let Some(key) = &config.secret_key {
        return Ok(key.clone());
    }
    let db = config
        .database_url
        .sqlite_path()
        .ok_or(SecretKeyError::Required)?;
    let path = db.with_file_name(format!(
        "{}.secret",
        db.file_stem().and_then(|s| s.to_str()).unwrap_or("tessera")
    ));
    if path.exists() {
        let key =
            std::fs::read_to_string(&path).map_err(|_| SecretKeyError::BadFile(path.clone()))?;
        let key = key.trim().to_owned();
        if key.len() < 32 {
            return Err(SecretKeyError::BadFile(path));
        }
        return Ok(Secret::new(key));
    }
    let key = format!(
        "{}{}",
        uuid::Uuid::new_v4().simple(),
        uuid::Uuid::new_v4().simple()
    );
    write_private(&path, &format!("{key}\n"))
        .map_err(|e| SecretKeyError::Write(path.clone(), e))?;
    tracing::warn!(path = %path.display(), "no TESSERA_SECRET_KEY set: generated one and stored it beside the database");
    Ok(Secret::new(key))
}

/// Create `path` readable by its owner only and write `contents`; an existing file is
/// never replaced.
pub(crate) fn write_private(path: &Path, contents: &str) -> std::io::Result<()> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options.open(path)?;
    file.write_all(contents.as_bytes())
}
