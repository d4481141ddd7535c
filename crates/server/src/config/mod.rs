//! `Config`: the one typed settings tree, read once at start from `TESSERA_*` variables and an
//! optional TOML file. Unknown keys and bad values stop start-up with a message naming them.

use figment::Figment;
use figment::providers::{Env, Format, Toml};
use serde::Deserialize;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use tessera_core::Secret;
use tessera_core::tokens::Algorithm;
use tessera_core::webhooks::{SigningKey, Targets};
use tessera_http::{LimitOverrides, TrustedProxies};

mod values;

pub use values::{DatabaseUrl, EmailBackend, LogFormat, RedisFailure, SmtpTls};
use values::{
    describe, jwt_algorithm, lang, optional_socket_address, parsed, socket_address, some_parsed,
};

#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    #[serde(deserialize_with = "socket_address")]
    pub bind: SocketAddr,
    /// A listener of its own for `GET /metrics`, which is then not served on `bind`.
    #[serde(deserialize_with = "optional_socket_address")]
    pub metrics_bind: Option<SocketAddr>,
    pub database_url: DatabaseUrl,
    pub secret_key: Option<Secret>,
    /// Seals TOTP secrets and keys one-time code hashes; derived from the secret key when
    /// unset. Set it to rotate the secret key without losing the enrolled authenticators.
    pub encryption_key: Option<Secret>,
    pub email_backend: EmailBackend,
    pub smtp_host: String,
    pub smtp_port: u16,
    pub smtp_username: Option<String>,
    pub smtp_password: Option<Secret>,
    pub smtp_tls: SmtpTls,
    pub email_from: String,
    pub email_dir: PathBuf,
    pub frontend_url: String,
    /// Origins (comma-separated) whose browser frontends may call the API cross-origin.
    /// Defaults to the origin of `frontend_url`; empty allows none.
    pub cors_allowed_origins: Option<String>,
    /// Where Tessera itself is reached from outside; links to its own pages start here.
    /// Defaults to `http://` + the bind address.
    pub public_url: Option<String>,
    pub site_name: String,
    pub activation_url: String,
    pub password_reset_confirm_url: String,
    pub email_reset_confirm_url: String,
    /// Seconds.
    pub access_token_lifetime: i64,
    /// Seconds.
    pub refresh_token_lifetime: i64,
    pub rotate_refresh_tokens: bool,
    pub blacklist_after_rotation: bool,
    /// Seconds a rotated-out refresh token still refreshes (concurrent clients); presented
    /// later, it ends its whole session.
    pub refresh_grace_period: i64,
    /// Seconds of clock skew tolerated on a token's `exp` and `nbf`.
    pub jwt_leeway: u64,
    /// Written into every token as `aud` and required of every token presented.
    pub jwt_audience: Option<String>,
    /// Written into every token as `iss` and required of every token presented.
    pub jwt_issuer: Option<String>,
    /// Comma-separated proxies (addresses or CIDR blocks) whose `Forwarded` /
    /// `X-Forwarded-For` headers name the client; none by default.
    #[serde(deserialize_with = "parsed")]
    pub trusted_proxies: TrustedProxies,
    /// HS256, HS384, HS512 (with the secret key), or RS256, RS512, ES256, EdDSA with a
    /// private key file.
    #[serde(deserialize_with = "jwt_algorithm")]
    pub jwt_algorithm: Algorithm,
    /// PKCS#8 PEM private key for an asymmetric `jwt_algorithm`.
    pub jwt_private_key_file: Option<PathBuf>,
    /// The previous private key during a rotation: its tokens still verify, its public key is
    /// still published.
    pub jwt_previous_key_file: Option<PathBuf>,
    /// Seconds; tokens other micro-services obtain at internal/auth/.
    pub service_token_lifetime: i64,
    /// Seconds a mailed uid/token link stays valid (Django's PASSWORD_RESET_TIMEOUT).
    pub password_reset_timeout: i64,
    pub send_confirmation_email: bool,
    /// A password change (either dialect) ends the account's other sessions, keeping the
    /// caller's.
    pub revoke_on_password_change: bool,
    pub argon2_memory_kib: u32,
    pub argon2_iterations: u32,
    pub argon2_parallelism: u32,
    /// Hashes computed at once (the hasher's threads); 0 means one per core.
    pub hash_concurrency: usize,
    pub mail_max_attempts: i32,
    /// Seconds before the first retry; doubled after each failure.
    pub mail_retry_delay: i64,
    /// Seconds one delivery may take as a whole (connect, greeting, every command, the
    /// data) before it counts as a failed attempt.
    pub mail_timeout: u64,
    /// Deliveries at once (and SMTP connections kept open between mails).
    pub mail_concurrency: usize,
    /// Days audit events are kept; 0 keeps them forever.
    pub event_retention_days: u32,
    /// Receivers of the events: `URL` or `URL#name,prefix.*`, separated by spaces.
    #[serde(deserialize_with = "parsed")]
    pub webhook_urls: Targets,
    /// `whsec_` and the base64 of 32 random bytes: signs every webhook POST.
    #[serde(deserialize_with = "some_parsed")]
    pub webhook_secret: Option<SigningKey>,
    /// Seconds one webhook POST may take.
    pub webhook_timeout: u64,
    pub webhook_max_attempts: i32,
    /// Seconds before a webhook's first retry; doubled after each failure.
    pub webhook_retry_delay: i64,
    /// Seconds a request waits for a database connection (and, on SQLite, for the write
    /// lock) before it answers 503.
    pub database_acquire_timeout: u64,
    pub log_format: LogFormat,
    /// Seconds a client may take to send a request's headers, and a keep-alive connection
    /// may stay idle, before the connection is closed.
    pub header_timeout: u64,
    /// Seconds a client may take to send a request's body, from the end of its headers.
    pub body_timeout: u64,
    /// Connections served at once; further ones wait to be accepted. 0: as many as the
    /// file-descriptor limit leaves room for.
    pub max_connections: usize,
    /// All rate limits on or off.
    pub rate_limiting: bool,
    /// Overrides of single limits: `name=N/PERIOD` or `name=off`, comma-separated.
    #[serde(deserialize_with = "parsed")]
    pub rate_limits: LimitOverrides,
    /// Rate-limit state shared by several instances; in memory when unset.
    pub redis_url: Option<String>,
    /// Prefix of Tessera's keys in Redis.
    pub redis_prefix: String,
    pub redis_failure: RedisFailure,
    /// Consecutive wrong passwords for a name before each further attempt waits.
    pub login_delay_after: u32,
    /// Consecutive wrong passwords that lock the account for `login_lockout_duration`; 0 never.
    pub login_lockout_threshold: u32,
    /// Seconds.
    pub login_lockout_duration: i64,
    /// Six-digit codes mailed to the account's address count as a second factor
    /// (`TESSERA_2FA_EMAIL_CODES`).
    #[serde(rename = "2fa_email_codes")]
    pub two_fa_email_codes: bool,
    /// The language of mail and pages for accounts whose sign-up names none (the Djoser
    /// dialect's): `en`, `es` or `fr`, in any case.
    #[serde(deserialize_with = "lang")]
    pub default_lang: tessera_core::domain::Lang,
    /// The operator's templates and catalogues, laid over the built-in ones.
    pub template_dir: Option<PathBuf>,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            bind: SocketAddr::from(([127, 0, 0, 1], 8000)),
            metrics_bind: None,
            database_url: DatabaseUrl::Sqlite("sqlite://tessera.db".into()),
            secret_key: None,
            encryption_key: None,
            email_backend: EmailBackend::Console,
            smtp_host: "localhost".into(),
            smtp_port: 25,
            smtp_username: None,
            smtp_password: None,
            smtp_tls: SmtpTls::None,
            email_from: "webmaster@localhost".into(),
            email_dir: PathBuf::from("mail-out"),
            frontend_url: "http://localhost:3000".into(),
            public_url: None,
            cors_allowed_origins: None,
            site_name: "Tessera".into(),
            activation_url: "activate/{uid}/{token}".into(),
            password_reset_confirm_url: "password/reset/confirm/{uid}/{token}".into(),
            email_reset_confirm_url: "email/reset/confirm/{uid}/{token}".into(),
            access_token_lifetime: 300,
            refresh_token_lifetime: 86_400,
            rotate_refresh_tokens: false,
            blacklist_after_rotation: false,
            refresh_grace_period: 10,
            jwt_leeway: 0,
            jwt_audience: None,
            jwt_issuer: None,
            trusted_proxies: TrustedProxies::default(),
            service_token_lifetime: 43_200,
            jwt_algorithm: Algorithm::HS256,
            jwt_private_key_file: None,
            jwt_previous_key_file: None,
            password_reset_timeout: 259_200,
            send_confirmation_email: false,
            revoke_on_password_change: true,
            argon2_memory_kib: 19_456,
            argon2_iterations: 2,
            argon2_parallelism: 1,
            hash_concurrency: 0,
            mail_max_attempts: 8,
            mail_retry_delay: 10,
            mail_timeout: 30,
            mail_concurrency: 4,
            event_retention_days: 90,
            webhook_urls: Targets::default(),
            webhook_secret: None,
            webhook_timeout: 10,
            webhook_max_attempts: 8,
            webhook_retry_delay: 10,
            database_acquire_timeout: 2,
            log_format: LogFormat::Text,
            header_timeout: 10,
            body_timeout: 10,
            max_connections: 0,
            rate_limiting: true,
            rate_limits: LimitOverrides::default(),
            redis_url: None,
            redis_prefix: "tessera".into(),
            redis_failure: RedisFailure::Memory,
            login_delay_after: 5,
            login_lockout_threshold: 10,
            login_lockout_duration: 900,
            two_fa_email_codes: true,
            default_lang: tessera_core::domain::Lang::En,
            template_dir: None,
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("configuration: {}", describe(.0))]
    Load(#[from] Box<figment::Error>),
    #[error("configuration: {0}")]
    Invalid(String),
}

impl Config {
    /// Defaults, then the TOML file (when given), then `TESSERA_*` variables.
    pub fn load(file: Option<&Path>) -> Result<Self, ConfigError> {
        let mut figment = Figment::new();
        if let Some(file) = file {
            if !file.exists() {
                return Err(ConfigError::Invalid(format!(
                    "config file {} not found",
                    file.display()
                )));
            }
            figment = figment.merge(Toml::file(file));
        }
        let config: Config = figment
            .merge(Env::prefixed("TESSERA_"))
            .extract()
            .map_err(Box::new)?;
        config.validate()?;
        Ok(config)
    }

    pub fn validate(&self) -> Result<(), ConfigError> {
        let bad = |m: &str| Err(ConfigError::Invalid(m.to_owned()));
        if let Some(key) = &self.secret_key
            && key.expose().len() < 32
        {
            return bad("TESSERA_SECRET_KEY must be at least 32 bytes");
        }
        if let Some(key) = &self.encryption_key
            && key.expose().len() < 32
        {
            return bad("TESSERA_ENCRYPTION_KEY must be at least 32 bytes");
        }
        if self.access_token_lifetime <= 0
            || self.refresh_token_lifetime <= 0
            || self.service_token_lifetime <= 0
        {
            return bad("token lifetimes must be positive numbers of seconds");
        }
        if self.refresh_grace_period < 0 || self.jwt_leeway > 300 {
            return bad(
                "TESSERA_REFRESH_GRACE_PERIOD must be >= 0 and TESSERA_JWT_LEEWAY at most 300 seconds",
            );
        }
        for (name, secs, max) in [
            ("TESSERA_HEADER_TIMEOUT", self.header_timeout, 3600),
            ("TESSERA_BODY_TIMEOUT", self.body_timeout, 3600),
            ("TESSERA_MAIL_TIMEOUT", self.mail_timeout, 3600),
            ("TESSERA_WEBHOOK_TIMEOUT", self.webhook_timeout, 300),
            (
                "TESSERA_DATABASE_ACQUIRE_TIMEOUT",
                self.database_acquire_timeout,
                300,
            ),
        ] {
            if !(1..=max).contains(&secs) {
                return Err(ConfigError::Invalid(format!(
                    "{name} must be between 1 and {max} seconds"
                )));
            }
        }
        if self.metrics_bind == Some(self.bind) && self.bind.port() != 0 {
            return bad("TESSERA_METRICS_BIND must differ from TESSERA_BIND");
        }
        if !(1..=64).contains(&self.mail_concurrency) {
            return bad("TESSERA_MAIL_CONCURRENCY must be between 1 and 64");
        }
        if self.login_lockout_duration <= 0 {
            return bad("TESSERA_LOGIN_LOCKOUT_DURATION must be positive");
        }
        if self.password_reset_timeout <= 0 {
            return bad("TESSERA_PASSWORD_RESET_TIMEOUT must be positive");
        }
        if self.public_url.is_none() && self.bind.ip().is_unspecified() {
            return Err(ConfigError::Invalid(format!(
                "TESSERA_PUBLIC_URL must be set when TESSERA_BIND listens on every address ({}): \
                 mailed links to Tessera's own pages would read http://{}/…",
                self.bind, self.bind
            )));
        }
        if !(self.frontend_url.starts_with("http://") || self.frontend_url.starts_with("https://"))
        {
            return bad("TESSERA_FRONTEND_URL must start with http:// or https://");
        }
        for (name, template) in [
            ("TESSERA_ACTIVATION_URL", &self.activation_url),
            (
                "TESSERA_PASSWORD_RESET_CONFIRM_URL",
                &self.password_reset_confirm_url,
            ),
            (
                "TESSERA_EMAIL_RESET_CONFIRM_URL",
                &self.email_reset_confirm_url,
            ),
        ] {
            if !template.contains("{uid}") || !template.contains("{token}") {
                return Err(ConfigError::Invalid(format!(
                    "{name} must contain {{uid}} and {{token}}"
                )));
            }
        }
        let asymmetric = !tessera_core::tokens::is_symmetric(self.jwt_algorithm);
        if asymmetric != self.jwt_private_key_file.is_some() {
            return bad(
                "TESSERA_JWT_PRIVATE_KEY_FILE is needed with (and only with) an asymmetric TESSERA_JWT_ALGORITHM",
            );
        }
        if self.mail_max_attempts < 1 || self.mail_retry_delay < 1 {
            return bad(
                "TESSERA_MAIL_MAX_ATTEMPTS and TESSERA_MAIL_RETRY_DELAY must be at least 1",
            );
        }
        if self.webhook_max_attempts < 1 || self.webhook_retry_delay < 1 {
            return bad(
                "TESSERA_WEBHOOK_MAX_ATTEMPTS and TESSERA_WEBHOOK_RETRY_DELAY must be at least 1",
            );
        }
        if !self.webhook_urls.is_empty() && self.webhook_secret.is_none() {
            return bad(
                "TESSERA_WEBHOOK_URLS needs TESSERA_WEBHOOK_SECRET (whsec_ and the base64 of 32 random bytes) to sign the POSTs",
            );
        }
        crate::bounds::check(self)
    }

    /// The origins allowed cross-origin: the configured list, or the frontend's origin.
    pub fn cors_origins(&self) -> Vec<String> {
        match &self.cors_allowed_origins {
            Some(list) => list
                .split(',')
                .map(|o| o.trim().trim_end_matches('/').to_owned())
                .filter(|o| !o.is_empty())
                .collect(),
            None => origin_of(&self.frontend_url).into_iter().collect(),
        }
    }

    /// The base of links to Tessera's own pages.
    pub fn public_base(&self) -> String {
        self.public_url
            .clone()
            .unwrap_or_else(|| format!("http://{}", self.bind))
    }
}

/// `scheme://host[:port]` of a URL.
pub(crate) fn origin_of(url: &str) -> Option<String> {
    let (scheme, rest) = url.split_once("://")?;
    let host = rest.split('/').next().filter(|h| !h.is_empty())?;
    Some(format!("{scheme}://{host}"))
}
