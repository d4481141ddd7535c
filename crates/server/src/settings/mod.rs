//! `SETTINGS`: every `TESSERA_*` setting with its default and meaning, in one table: the
//! README's settings table is made from it, and tests check both against `Config`.

/// One setting as the README tells it.
#[derive(Debug, Clone, Copy)]
pub struct Setting {
    /// The environment variable (the TOML key is its lower-case rest).
    pub name: &'static str,
    /// Markdown: a literal in backticks when the default is a value (tests load it and find
    /// `Config::default()`), else words.
    pub default: &'static str,
    pub meaning: &'static str,
}

pub const SETTINGS: &[Setting] = &[
    Setting {
        name: "TESSERA_BIND",
        default: "`127.0.0.1:8000`",
        meaning: "listen address: `IP:PORT` or `HOST:PORT` (`localhost:8000`); listening on every address (`0.0.0.0`, `[::]`) needs `TESSERA_PUBLIC_URL`",
    },
    Setting {
        name: "TESSERA_METRICS_BIND",
        default: "none",
        meaning: "a listen address of its own for `GET /metrics` (Prometheus text), which is then not served on `TESSERA_BIND`; unset, `/metrics` is served beside the API (see [Metrics and health](#metrics-and-health))",
    },
    Setting {
        name: "TESSERA_DATABASE_URL",
        default: "`sqlite://tessera.db`",
        meaning: "`sqlite://path` or `postgres://user@host/db`",
    },
    Setting {
        name: "TESSERA_SECRET_KEY",
        default: "generated",
        meaning: "signs JWTs and mailed tokens; at least 32 bytes. When unset, `serve` generates one and keeps it beside the SQLite file (`tessera.secret`, mode 0600); required with PostgreSQL",
    },
    Setting {
        name: "TESSERA_ENCRYPTION_KEY",
        default: "derived from the secret key",
        meaning: "seals TOTP secrets at rest and keys the hashes of one-time codes; at least 32 bytes. Set it before you enrol users if the secret key may ever change: with the derived default, a new secret key makes enrolled authenticators and recovery codes unreadable (mailed codes still work)",
    },
    Setting {
        name: "TESSERA_EMAIL_BACKEND",
        default: "`console`",
        meaning: "`console`, `smtp` or `file`",
    },
    Setting {
        name: "TESSERA_SMTP_HOST",
        default: "`localhost`",
        meaning: "the SMTP server's host",
    },
    Setting {
        name: "TESSERA_SMTP_PORT",
        default: "`25`",
        meaning: "the SMTP server's port",
    },
    Setting {
        name: "TESSERA_SMTP_USERNAME",
        default: "none",
        meaning: "the SMTP user name, when the server wants one",
    },
    Setting {
        name: "TESSERA_SMTP_PASSWORD",
        default: "none",
        meaning: "the SMTP password",
    },
    Setting {
        name: "TESSERA_SMTP_TLS",
        default: "`none`",
        meaning: "`none`, `starttls` or `tls`",
    },
    Setting {
        name: "TESSERA_EMAIL_FROM",
        default: "`webmaster@localhost`",
        meaning: "sender",
    },
    Setting {
        name: "TESSERA_EMAIL_DIR",
        default: "`mail-out`",
        meaning: "where the `file` backend writes one `.eml` per message",
    },
    Setting {
        name: "TESSERA_FRONTEND_URL",
        default: "`http://localhost:3000`",
        meaning: "base of the links in mails",
    },
    Setting {
        name: "TESSERA_CORS_ALLOWED_ORIGINS",
        default: "the frontend URL's origin",
        meaning: "comma-separated origins (`https://app.example`) whose browser frontends may call the API cross-origin (bearer tokens, no cookies); `*` allows any origin; empty allows none",
    },
    Setting {
        name: "TESSERA_PUBLIC_URL",
        default: "`http://` + bind address",
        meaning: "where Tessera itself is reached: base of links to its own pages (password reset, e-mail verification), and the origin their forms may be posted from; `https://` turns on `Strict-Transport-Security`",
    },
    Setting {
        name: "TESSERA_SITE_NAME",
        default: "`Tessera`",
        meaning: "shown in mails",
    },
    Setting {
        name: "TESSERA_ACTIVATION_URL",
        default: "`activate/{uid}/{token}`",
        meaning: "Djoser's ACTIVATION_URL",
    },
    Setting {
        name: "TESSERA_PASSWORD_RESET_CONFIRM_URL",
        default: "`password/reset/confirm/{uid}/{token}`",
        meaning: "Djoser's PASSWORD_RESET_CONFIRM_URL",
    },
    Setting {
        name: "TESSERA_EMAIL_RESET_CONFIRM_URL",
        default: "`email/reset/confirm/{uid}/{token}`",
        meaning: "Djoser's USERNAME_RESET_CONFIRM_URL",
    },
    Setting {
        name: "TESSERA_ACCESS_TOKEN_LIFETIME",
        default: "`300`",
        meaning: "seconds",
    },
    Setting {
        name: "TESSERA_REFRESH_TOKEN_LIFETIME",
        default: "`86400`",
        meaning: "seconds",
    },
    Setting {
        name: "TESSERA_ROTATE_REFRESH_TOKENS",
        default: "`false`",
        meaning: "refresh answers a new refresh token too",
    },
    Setting {
        name: "TESSERA_BLACKLIST_AFTER_ROTATION",
        default: "`false`",
        meaning: "the rotated-out refresh token is blacklisted (Djoser dialect; the Auth API always rotates and blacklists)",
    },
    Setting {
        name: "TESSERA_SERVICE_TOKEN_LIFETIME",
        default: "`43200`",
        meaning: "seconds, tokens issued at `internal/auth/`",
    },
    Setting {
        name: "TESSERA_JWT_ALGORITHM",
        default: "`HS256`",
        meaning: "`HS256`, `HS384`, `HS512` (keyed by the secret key), or `RS256`, `RS512`, `ES256`, `EdDSA` (with `TESSERA_JWT_PRIVATE_KEY_FILE`)",
    },
    Setting {
        name: "TESSERA_JWT_PRIVATE_KEY_FILE",
        default: "none",
        meaning: "the private key (PKCS#8 PEM) for an asymmetric algorithm",
    },
    Setting {
        name: "TESSERA_JWT_PREVIOUS_KEY_FILE",
        default: "none",
        meaning: "the previous private key during a rotation: its tokens still verify and its public key stays published",
    },
    Setting {
        name: "TESSERA_REVOKE_ON_PASSWORD_CHANGE",
        default: "`true`",
        meaning: "a password change (Djoser's `set_password`, the Auth API's `password/`) ends the account's other sessions, keeping the caller's; a password reset always ends them all",
    },
    Setting {
        name: "TESSERA_REFRESH_GRACE_PERIOD",
        default: "`10`",
        meaning: "seconds a rotated-out refresh token still refreshes (two tabs refreshing at once); presented after that, it ends its whole session",
    },
    Setting {
        name: "TESSERA_JWT_LEEWAY",
        default: "`0`",
        meaning: "seconds of clock skew allowed on `exp` and `nbf` (at most 300)",
    },
    Setting {
        name: "TESSERA_JWT_AUDIENCE",
        default: "none",
        meaning: "written into every token as `aud`, and then required of every token presented",
    },
    Setting {
        name: "TESSERA_JWT_ISSUER",
        default: "none",
        meaning: "written into every token as `iss`, and then required of every token presented",
    },
    Setting {
        name: "TESSERA_TRUSTED_PROXIES",
        default: "none",
        meaning: "comma-separated addresses or CIDR blocks of reverse proxies whose `Forwarded` / `X-Forwarded-For` name the client; otherwise the socket's peer is the client",
    },
    Setting {
        name: "TESSERA_PASSWORD_RESET_TIMEOUT",
        default: "`259200`",
        meaning: "seconds a mailed uid/token stays valid",
    },
    Setting {
        name: "TESSERA_SEND_CONFIRMATION_EMAIL",
        default: "`false`",
        meaning: "mail a confirmation after activation",
    },
    Setting {
        name: "TESSERA_ARGON2_MEMORY_KIB",
        default: "`19456`",
        meaning: "Argon2id memory, KiB; never below OWASP's minimum",
    },
    Setting {
        name: "TESSERA_ARGON2_ITERATIONS",
        default: "`2`",
        meaning: "Argon2id passes; never below OWASP's minimum",
    },
    Setting {
        name: "TESSERA_ARGON2_PARALLELISM",
        default: "`1`",
        meaning: "Argon2id lanes",
    },
    Setting {
        name: "TESSERA_HASH_CONCURRENCY",
        default: "cores",
        meaning: "password hashes computed at once",
    },
    Setting {
        name: "TESSERA_MAIL_MAX_ATTEMPTS",
        default: "`8`",
        meaning: "deliveries tried before a mail is marked failed",
    },
    Setting {
        name: "TESSERA_MAIL_RETRY_DELAY",
        default: "`10`",
        meaning: "seconds before the first retry, doubled each time (max 1 h)",
    },
    Setting {
        name: "TESSERA_MAIL_TIMEOUT",
        default: "`30`",
        meaning: "seconds one delivery may take as a whole (connecting, the server's greeting, every command, the message) before it counts as a failed attempt",
    },
    Setting {
        name: "TESSERA_MAIL_CONCURRENCY",
        default: "`4`",
        meaning: "deliveries at once (1–64); as many SMTP connections are kept open between mails",
    },
    Setting {
        name: "TESSERA_EVENT_RETENTION_DAYS",
        default: "`90`",
        meaning: "days the audit events are kept (older ones are pruned at start and hourly); `0` keeps them forever",
    },
    Setting {
        name: "TESSERA_WEBHOOK_URLS",
        default: "none",
        meaning: "receivers of the audit events as signed JSON POSTs, separated by spaces: `URL`, or `URL#account.deleted,two_factor.*` for only those events (see [Webhooks](#webhooks))",
    },
    Setting {
        name: "TESSERA_WEBHOOK_SECRET",
        default: "none",
        meaning: "signs every webhook POST (Standard Webhooks): `whsec_` and the base64 of at least 24 random bytes (`echo whsec_$(openssl rand -base64 32)`); required with `TESSERA_WEBHOOK_URLS`",
    },
    Setting {
        name: "TESSERA_WEBHOOK_TIMEOUT",
        default: "`10`",
        meaning: "seconds one webhook POST may take (1–300) before it counts as a failed attempt",
    },
    Setting {
        name: "TESSERA_WEBHOOK_MAX_ATTEMPTS",
        default: "`8`",
        meaning: "attempts before a webhook POST is given up (it stays in the outbox as failed, with its error)",
    },
    Setting {
        name: "TESSERA_WEBHOOK_RETRY_DELAY",
        default: "`10`",
        meaning: "seconds before a webhook's first retry, doubled each time (max 1 h)",
    },
    Setting {
        name: "TESSERA_DATABASE_ACQUIRE_TIMEOUT",
        default: "`2`",
        meaning: "seconds a request waits for a database connection (on SQLite also for the write lock) before it answers 503 with `Retry-After`; start-up gives up as soon when the database does not answer, saying which",
    },
    Setting {
        name: "TESSERA_LOG_FORMAT",
        default: "`text`",
        meaning: "`text` or `json` (log level: `RUST_LOG`, default `info`)",
    },
    Setting {
        name: "TESSERA_HEADER_TIMEOUT",
        default: "`10`",
        meaning: "seconds a client may take to send a request's headers, and a keep-alive connection may stay idle, before it is closed",
    },
    Setting {
        name: "TESSERA_BODY_TIMEOUT",
        default: "`10`",
        meaning: "seconds a client may take to send a request's body, counted from the end of its headers; then 408 and the connection is closed",
    },
    Setting {
        name: "TESSERA_MAX_CONNECTIONS",
        default: "`0`",
        meaning: "client connections served at once; at the cap, new ones wait in the listen queue until one closes. `0`: as many as the file-descriptor limit leaves room for (256 are kept for the database, SMTP and files), at most 10,000",
    },
    Setting {
        name: "TESSERA_RATE_LIMITING",
        default: "`true`",
        meaning: "every rate limit on or off (see [Abuse resistance](#abuse-resistance))",
    },
    Setting {
        name: "TESSERA_RATE_LIMITS",
        default: "none",
        meaning: "overrides of single limits, comma-separated: `login_ip=60/1m,reset_address=off`",
    },
    Setting {
        name: "TESSERA_REDIS_URL",
        default: "none",
        meaning: "`redis://host:6379/0`: limits and failure counts shared by every instance; in memory when unset",
    },
    Setting {
        name: "TESSERA_REDIS_PREFIX",
        default: "`tessera`",
        meaning: "prefix of Tessera's keys in Redis",
    },
    Setting {
        name: "TESSERA_REDIS_FAILURE",
        default: "`memory`",
        meaning: "while Redis cannot be reached: `memory` (count per instance, logged loudly), `open` (no limits) or `closed` (refuse limited requests)",
    },
    Setting {
        name: "TESSERA_LOGIN_DELAY_AFTER",
        default: "`5`",
        meaning: "wrong passwords in a row for a name before each further attempt waits (1 s, doubling, at most 60 s)",
    },
    Setting {
        name: "TESSERA_LOGIN_LOCKOUT_THRESHOLD",
        default: "`10`",
        meaning: "wrong passwords in a row that lock the name; `0` never locks",
    },
    Setting {
        name: "TESSERA_LOGIN_LOCKOUT_DURATION",
        default: "`900`",
        meaning: "seconds a lock lasts",
    },
    Setting {
        name: "TESSERA_2FA_EMAIL_CODES",
        default: "`true`",
        meaning: "six-digit codes mailed to the account's address count as a second factor (login codes, security codes); a pending enrolment takes them whatever this says",
    },
    Setting {
        name: "TESSERA_DEFAULT_LANG",
        default: "`en`",
        meaning: "`en`, `es` or `fr`: the language of accounts made through the Djoser dialect (its sign-up names none), stored with the account, and of the pages that know no account (see [Mail and pages](#mail-and-pages)); an Auth API account's own `lang` decides its mail and pages",
    },
    Setting {
        name: "TESSERA_TEMPLATE_DIR",
        default: "none",
        meaning: "a directory of templates that replace the built-in ones (see [Mail and pages](#mail-and-pages)): `mail/KIND.subject.txt`, `mail/KIND.body.txt`, `mail/KIND.body.html`, `pages/NAME.html`, and `lang/en.txt`, `es.txt`, `fr.txt` with single sentences; checked at start, where a broken one stops start-up naming the file",
    },
];

/// The README's settings table, as Markdown.
pub fn markdown_table() -> String {
    let mut table = String::from("| variable | default | meaning |\n|---|---|---|\n");
    for s in SETTINGS {
        table.push_str(&format!(
            "| `{}` | {} | {} |\n",
            s.name, s.default, s.meaning
        ));
    }
    table
}

/// `deploy/tessera.toml`: every setting as a TOML file can give it, commented out at its
/// default, with its meaning.
pub fn example_toml() -> String {
    let mut file = String::from(
        "# Tessera's settings (tessera --config tessera.toml), each at its default: uncomment and\n\
         # change what you need. Variables (TESSERA_ and the upper-case name) win over this file.\n\
         # Made from crates/server/src/settings/mod.rs; a test keeps the two the same.\n",
    );
    for s in SETTINGS {
        let key = s.name.trim_start_matches("TESSERA_").to_lowercase();
        file.push_str(&format!("\n# {}\n", s.meaning));
        match toml_literal(s.default) {
            Some(value) => file.push_str(&format!("# {key} = {value}\n")),
            None => file.push_str(&format!("# {key} =    (default: {})\n", s.default)),
        }
    }
    file
}

/// The default as a TOML value, when the table gives a value (not words).
fn toml_literal(default: &str) -> Option<String> {
    let value = default.strip_prefix('`')?.strip_suffix('`')?;
    let bare = value.parse::<i64>().is_ok() || value == "true" || value == "false";
    Some(if bare {
        value.to_owned()
    } else {
        format!("{value:?}")
    })
}

#[cfg(test)]
mod tests;
