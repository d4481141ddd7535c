//! Wiring: open the store, build the use cases, start the outbox's workers and the HTTP
//! server, and stop them cleanly.

use crate::config::{Config, DatabaseUrl, EmailBackend, RedisFailure};
use crate::secret_key;
pub use crate::workers::Wakes;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;
use tessera_core::accounts::{Accounts, Links, Lockout, Options, Parts};
use tessera_core::events::Retention;
use tessera_core::limits::Limiter;
use tessera_core::observe::{Ignore, Observe};
use tessera_core::passwords::{HasherConfig, PasswordHasher, PasswordPolicy};
use tessera_core::ports::Store;
use tessera_core::tokens::{JwtConfig, JwtKeys, ResetTokens, SigningKeys, VERIFY_EMAIL_SALT};
use tessera_core::two_factor::TwoFactorKeys;
use tessera_core::{Clock, SystemClock};
use tessera_http::{Metrics, RateLimits};
use tessera_limits::{MemoryLimiter, RedisLimiter, WhenRedisFails};
use tessera_store_postgres::PgStore;
use tessera_store_sqlite::SqliteStore;
use tokio::sync::watch;
use tokio::task::JoinHandle;

/// Test seams; production uses the defaults.
#[derive(Default, Clone)]
pub struct Overrides {
    pub clock: Option<Arc<dyn Clock>>,
    /// How often the mail worker looks at the outbox when nothing wakes it.
    pub mail_poll_interval: Option<Duration>,
}

#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error("database: {0}")]
    Store(#[from] tessera_core::ports::StoreError),
    #[error(transparent)]
    SecretKey(#[from] secret_key::SecretKeyError),
    #[error("password hashing: {0}")]
    Hasher(#[from] tessera_core::passwords::HashError),
    #[error("mail: {0}")]
    Mail(String),
    #[error("JWT keys: {0}")]
    Keys(String),
    #[error("configuration: {0}")]
    Config(String),
    #[error("templates: {0}")]
    Templates(String),
    #[error("cannot listen on {0}: {1}")]
    Bind(SocketAddr, std::io::Error),
    #[error(
        "no database at {}: run `tessera migrate` (or `serve`) with the same TESSERA_DATABASE_URL first, or pass --create",
        .0.display()
    )]
    NoDatabase(std::path::PathBuf),
}

/// How long open connections and the mails in hand may still take once stopping.
const STOP_GRACE: Duration = Duration::from_secs(5);

/// An open, migrated database.
pub struct Opened {
    pub store: Arc<dyn Store>,
    /// The migrations this opening applied (`version description`); none when up to date.
    pub applied: Vec<String>,
}

/// Open and migrate the configured database (see `check_exists` for `may_create`).
pub async fn open_store(config: &Config, may_create: bool) -> Result<Opened, StartError> {
    let timeout = Duration::from_secs(config.database_acquire_timeout);
    check_exists(config, may_create)?;
    match &config.database_url {
        DatabaseUrl::Postgres(url) => {
            let store = PgStore::connect(url, timeout).await?;
            let applied = store.migrate().await?;
            Ok(Opened {
                store: Arc::new(store),
                applied,
            })
        }
        DatabaseUrl::Sqlite(url) => {
            let store = SqliteStore::connect(url, timeout).await?;
            let applied = store.migrate().await?;
            Ok(Opened {
                store: Arc::new(store),
                applied,
            })
        }
    }
}

/// The secret key and the JWT signing keys, read (and checked) before any database is
/// opened, so a bad key file leaves nothing made.
pub struct Keys {
    secret: tessera_core::Secret,
    signing: SigningKeys,
}

/// `may_create` as for `open_store`: a secret generated beside a database that may not be
/// made would be left behind alone.
pub fn keys(config: &Config, may_create: bool) -> Result<Keys, StartError> {
    if config.secret_key.is_none() {
        check_exists(config, may_create)?;
    }
    let secret = secret_key::resolve(config)?;
    let signing = signing_keys(config, &secret)?;
    Ok(Keys { secret, signing })
}

/// A SQLite database file that is not there may be made only when `may_create` or when its
/// path is absolute: a command run in the wrong directory must not start an empty database
/// beside it, while an absolute path names the same file from anywhere.
pub fn check_exists(config: &Config, may_create: bool) -> Result<(), StartError> {
    match config.database_url.sqlite_path() {
        Some(path) if !may_create && path.is_relative() && !path.exists() => Err(
            StartError::NoDatabase(std::path::absolute(&path).unwrap_or(path)),
        ),
        _ => Ok(()),
    }
}

/// Build the use cases over `store`, observed by nobody (a command run beside the service).
pub fn accounts(
    config: &Config,
    keys: Keys,
    store: Arc<dyn Store>,
    clock: Arc<dyn Clock>,
    limiter: Arc<dyn Limiter>,
    wakes: Wakes,
) -> Result<Accounts, StartError> {
    let parts = (store, clock, limiter, wakes);
    observed_accounts(config, keys, parts, Arc::new(Ignore))
}

/// Build the use cases over `store`, telling `observe` how logins, second steps and
/// password hashes went and how much mail they queued.
fn observed_accounts(
    config: &Config,
    Keys { secret, signing }: Keys,
    (store, clock, limiter, wakes): UseCaseParts,
    observe: Arc<dyn Observe>,
) -> Result<Accounts, StartError> {
    let mut hasher = HasherConfig {
        memory_kib: config.argon2_memory_kib,
        iterations: config.argon2_iterations,
        parallelism: config.argon2_parallelism,
        ..HasherConfig::default()
    };
    if config.hash_concurrency > 0 {
        hasher.max_concurrent = config.hash_concurrency;
    }
    let jwt = JwtConfig {
        access_lifetime_secs: config.access_token_lifetime,
        refresh_lifetime_secs: config.refresh_token_lifetime,
        rotate_refresh_tokens: config.rotate_refresh_tokens,
        blacklist_after_rotation: config.blacklist_after_rotation,
        service_lifetime_secs: config.service_token_lifetime,
        leeway_secs: config.jwt_leeway,
        audience: config.jwt_audience.clone(),
        issuer: config.jwt_issuer.clone(),
    };
    Ok(Accounts::new(Parts {
        store,
        clock,
        hasher: PasswordHasher::new(hasher)?.observed_by(observe.clone()),
        policy: PasswordPolicy::default(),
        reset_tokens: ResetTokens::new(secret.clone(), config.password_reset_timeout),
        verify_tokens: ResetTokens::with_salt(
            secret.clone(),
            config.password_reset_timeout,
            VERIFY_EMAIL_SALT,
        ),
        jwt: JwtKeys::with_keys(signing, jwt),
        two_factor: TwoFactorKeys::derive(config.encryption_key.as_ref().unwrap_or(&secret)),
        limiter,
        links: Links {
            site_name: config.site_name.clone(),
            frontend_url: config.frontend_url.clone(),
            activation: config.activation_url.clone(),
            password_reset: config.password_reset_confirm_url.clone(),
            email_reset: config.email_reset_confirm_url.clone(),
            public_url: config.public_base(),
            pages: tessera_http::own_pages(),
        },
        options: Options {
            send_confirmation_email: config.send_confirmation_email,
            revoke_on_password_change: config.revoke_on_password_change,
            refresh_grace_secs: config.refresh_grace_period,
            email_codes: config.two_fa_email_codes,
            default_lang: config.default_lang,
            lockout: Lockout {
                delay_after: config.login_delay_after,
                lock_after: config.login_lockout_threshold,
                lock_secs: config.login_lockout_duration,
                ..Lockout::default()
            },
        },
        mail_queued: wakes.mail,
        webhooks: config.webhook_urls.clone(),
        webhook_queued: wakes.webhooks,
        observe,
    }))
}

/// The store, clock, limiter and outbox wake-ups the use cases work with.
type UseCaseParts = (Arc<dyn Store>, Arc<dyn Clock>, Arc<dyn Limiter>, Wakes);

/// Where rate-limit state lives: Redis when configured, else this process's memory.
pub fn limiter(config: &Config) -> Result<Arc<dyn Limiter>, StartError> {
    let Some(url) = &config.redis_url else {
        return Ok(Arc::new(MemoryLimiter::new()));
    };
    let when_fails = match config.redis_failure {
        RedisFailure::Memory => WhenRedisFails::Memory,
        RedisFailure::Open => WhenRedisFails::Open,
        RedisFailure::Closed => WhenRedisFails::Closed,
    };
    let redis =
        RedisLimiter::new(url, &config.redis_prefix, when_fails).map_err(StartError::Config)?;
    Ok(Arc::new(redis))
}

/// HS256 with the secret key, or the configured asymmetric key pair(s).
fn signing_keys(config: &Config, secret: &tessera_core::Secret) -> Result<SigningKeys, StartError> {
    let algorithm = config.jwt_algorithm;
    let Some(current) = &config.jwt_private_key_file else {
        return Ok(SigningKeys::hmac(algorithm, secret.expose().as_bytes()));
    };
    let read = |path: &std::path::PathBuf| {
        std::fs::read(path)
            .map_err(|e| StartError::Keys(format!("cannot read {}: {e}", path.display())))
    };
    let current = read(current)?;
    let previous = config
        .jwt_previous_key_file
        .as_ref()
        .map(read)
        .transpose()?;
    SigningKeys::from_pem(algorithm, &current, previous.as_deref())
        .map_err(|e| StartError::Keys(e.to_string()))
}

/// A started service.
pub struct Running {
    pub addr: SocketAddr,
    /// Where `/metrics` is served when it has a listener of its own.
    pub metrics_addr: Option<SocketAddr>,
    stop: watch::Sender<bool>,
    server: JoinHandle<()>,
    workers: Vec<JoinHandle<()>>,
    metrics: JoinHandle<()>,
}

impl Running {
    /// Stop accepting, finish in-flight requests and the mails and webhooks in hand (within a
    /// few seconds, whatever the clients and the receivers do), stop the outbox's workers.
    pub async fn stop(self) {
        let _ = self.stop.send(true);
        let _ = self.server.await;
        for worker in self.workers {
            let _ = worker.await;
        }
        let _ = self.metrics.await;
    }

    /// Run until Ctrl-C or SIGTERM, then stop.
    pub async fn until_signal(self) {
        crate::signals::stop_requested().await;
        tracing::info!("shutting down");
        self.stop().await;
    }
}

/// Listen, open the store, start the worker and the server. The port is taken first, so a
/// port in use leaves no database or secret file behind.
pub async fn start(config: &Config, overrides: Overrides) -> Result<Running, StartError> {
    let listener = tokio::net::TcpListener::bind(config.bind)
        .await
        .map_err(|e| StartError::Bind(config.bind, e))?;
    let addr = listener
        .local_addr()
        .map_err(|e| StartError::Bind(config.bind, e))?;
    let own_metrics = crate::metrics::bind(config.metrics_bind).await?;
    let keys = keys(config, true)?;
    let webhooks = crate::workers::webhooks(config)?;
    let store = open_store(config, true).await?.store;
    let clock: Arc<dyn Clock> = overrides
        .clock
        .clone()
        .unwrap_or_else(|| Arc::new(SystemClock));
    let wakes = Wakes::default();
    let limiter = limiter(config)?;
    let metrics = Arc::new(Metrics::new(env!("CARGO_PKG_VERSION")));
    let couriers = crate::workers::couriers(config, webhooks)?;
    let parts = (store.clone(), clock.clone(), limiter.clone(), wakes.clone());
    let accounts = Arc::new(observed_accounts(config, keys, parts, metrics.clone())?);
    let limits = RateLimits::new(
        &config.rate_limits,
        config.rate_limiting,
        limiter,
        clock.clone(),
        metrics.clone(),
    );
    let (stop, stopped) = watch::channel(false);

    let workers = crate::workers::spawn(
        config,
        couriers,
        (store, clock),
        wakes,
        &overrides,
        metrics.clone(),
        &stopped,
    );
    let retention = (config.event_retention_days > 0).then(|| Retention {
        days: i64::from(config.event_retention_days),
    });
    tokio::spawn(crate::housekeeping::prune_events(
        accounts.clone(),
        retention,
        crate::signals::stopped(stopped.clone()),
    ));
    if config.email_backend == EmailBackend::Smtp {
        tokio::spawn(crate::telemetry::warn_if_silent(
            config.smtp_host.clone(),
            config.smtp_port,
        ));
    }

    let state = tessera_http::AppState::new(
        accounts,
        config.trusted_proxies.clone(),
        limits,
        config.template_dir.as_deref(),
        metrics.clone(),
    )
    .map_err(|e| StartError::Templates(e.to_string()))?;
    let placement = crate::metrics::placement(own_metrics.as_ref());
    let app = tessera_http::router(state.clone(), &config.cors_origins(), placement);
    let limits = crate::serve::Limits {
        header_timeout: Duration::from_secs(config.header_timeout),
        body_timeout: Duration::from_secs(config.body_timeout),
        max_connections: crate::descriptors::connection_cap(config.max_connections),
        drain_grace: STOP_GRACE,
    };
    let metrics_addr = own_metrics.as_ref().map(|own| own.addr);
    let exposition = crate::metrics::run(metrics, own_metrics, state, limits, stopped.clone());
    let metrics = tokio::spawn(exposition);
    let server = tokio::spawn(crate::serve::serve(listener, app, limits, stopped));
    crate::telemetry::started(config, addr, metrics_addr);
    Ok(Running {
        addr,
        metrics_addr,
        stop,
        server,
        workers,
        metrics,
    })
}
