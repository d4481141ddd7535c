//! What both hand-run benchmarks share: the throw-away configuration, the benchmark user,
//! and a temporary directory that is removed afterwards.

// Each benchmark uses its part of this module.
#![allow(dead_code)]

use std::error::Error;
use std::future::Future;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use tessera_core::SystemClock;
use tessera_core::accounts::{AccountKind, Accounts, Registration};
use tessera_core::domain::{EmailAddress, Password, Profile, User, Username};
use tessera_server::Config;
use tessera_server::config::EmailBackend;

pub type BoxError = Box<dyn Error + Send + Sync>;

pub const EMAIL: &str = "bench@tessera.test";
pub const USERNAME: &str = "bench";
pub const PASSWORD: &str = "Kx7-quartz-lantern-Q9v";
pub const SECRET_KEY: &str = "bench-secret-key-which-is-long-enough-0123456789";

pub fn config(dir: &Path) -> Result<Config, BoxError> {
    Ok(Config {
        bind: "127.0.0.1:0".parse()?,
        database_url: format!("sqlite://{}", dir.join("tessera.db").display())
            .parse()
            .expect("an SQLite URL"),
        secret_key: Some(tessera_core::Secret::new(SECRET_KEY)),
        email_backend: EmailBackend::File,
        email_dir: dir.join("mail"),
        // Long enough that the token used by every scenario cannot expire mid-run.
        access_token_lifetime: 86_400,
        // Throughput is measured here, not the limits: one client makes every request.
        rate_limiting: false,
        login_lockout_threshold: 0,
        ..Config::default()
    })
}

/// Create the benchmark user, active at once, the way `tessera user create` does.
pub async fn create_user(config: &Config) -> Result<(), BoxError> {
    register(&accounts(config).await?, EMAIL, USERNAME).await?;
    Ok(())
}

/// The use cases over the benchmark's database, as the command line opens them.
pub async fn accounts(config: &Config) -> Result<Accounts, BoxError> {
    let store = tessera_server::open_store(config, true).await?.store;
    let limiter = tessera_server::app::limiter(config)?;
    Ok(tessera_server::app::accounts(
        config,
        tessera_server::app::keys(config, true)?,
        store,
        Arc::new(SystemClock),
        limiter,
        tessera_server::app::Wakes::default(),
    )?)
}

/// An active account with `PASSWORD`, made by the operator.
pub async fn register(accounts: &Accounts, email: &str, username: &str) -> Result<User, BoxError> {
    let registration = Registration {
        email: EmailAddress::parse(email).map_err(|e| format!("{e:?}"))?,
        username: Username::parse(username).map_err(|e| format!("{e:?}"))?,
        password: Password::parse(PASSWORD.to_owned()).map_err(|e| format!("{e:?}"))?,
        profile: Profile::default(),
        lang: Default::default(),
        kind: AccountKind::Operator {
            staff: false,
            superuser: false,
        },
    };
    let user = accounts
        .register(registration)
        .await
        .map_err(|e| format!("creating the benchmark user: {e:?}"))?;
    Ok(user)
}

/// Run `work` in a fresh temporary directory, removed afterwards whatever the outcome.
pub async fn in_temp_dir<F, Fut>(name: &str, work: F) -> Result<(), BoxError>
where
    F: FnOnce(PathBuf) -> Fut,
    Fut: Future<Output = Result<(), BoxError>>,
{
    let dir = std::env::temp_dir().join(format!("{name}-{}", uuid::Uuid::new_v4().simple()));
    std::fs::create_dir_all(&dir)?;
    let result = work(dir.clone()).await;
    let _ = std::fs::remove_dir_all(&dir);
    result
}
