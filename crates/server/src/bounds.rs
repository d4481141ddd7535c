//! The ranges settings must fall in, checked when the configuration is loaded: beyond them a
//! value would overflow a timestamp, panic a semaphore, exhaust memory, or name no origin.

use crate::config::{Config, ConfigError};
use tessera_core::passwords::HasherConfig;

const TEN_YEARS: i64 = 10 * 365 * 86_400;
const ONE_YEAR: i64 = 365 * 86_400;

/// Every bound below, or the first one broken (naming the variable).
pub fn check(c: &Config) -> Result<(), ConfigError> {
    let seconds: [(&str, i64, i64, i64); 7] = [
        (
            "TESSERA_ACCESS_TOKEN_LIFETIME",
            c.access_token_lifetime,
            1,
            TEN_YEARS,
        ),
        (
            "TESSERA_REFRESH_TOKEN_LIFETIME",
            c.refresh_token_lifetime,
            1,
            TEN_YEARS,
        ),
        (
            "TESSERA_SERVICE_TOKEN_LIFETIME",
            c.service_token_lifetime,
            1,
            TEN_YEARS,
        ),
        (
            "TESSERA_REFRESH_GRACE_PERIOD",
            c.refresh_grace_period,
            0,
            TEN_YEARS,
        ),
        (
            "TESSERA_PASSWORD_RESET_TIMEOUT",
            c.password_reset_timeout,
            1,
            TEN_YEARS,
        ),
        (
            "TESSERA_LOGIN_LOCKOUT_DURATION",
            c.login_lockout_duration,
            1,
            ONE_YEAR,
        ),
        ("TESSERA_MAIL_RETRY_DELAY", c.mail_retry_delay, 1, 86_400),
    ];
    for (name, value, min, max) in seconds {
        within(name, value, min, max)?;
    }
    let counts: [(&str, i64, i64, i64); 5] = [
        (
            "TESSERA_MAIL_MAX_ATTEMPTS",
            c.mail_max_attempts.into(),
            1,
            1000,
        ),
        (
            "TESSERA_HASH_CONCURRENCY",
            count(c.hash_concurrency),
            0,
            1024,
        ),
        (
            "TESSERA_ARGON2_MEMORY_KIB",
            c.argon2_memory_kib.into(),
            0,
            HasherConfig::MAX_MEMORY_KIB.into(),
        ),
        (
            "TESSERA_ARGON2_ITERATIONS",
            c.argon2_iterations.into(),
            0,
            HasherConfig::MAX_ITERATIONS.into(),
        ),
        (
            "TESSERA_ARGON2_PARALLELISM",
            c.argon2_parallelism.into(),
            0,
            HasherConfig::MAX_PARALLELISM.into(),
        ),
    ];
    for (name, value, min, max) in counts {
        within(name, value, min, max)?;
    }
    for origin in c.cors_origins() {
        if origin != "*" && !is_origin(&origin) {
            return Err(ConfigError::Invalid(format!(
                "TESSERA_CORS_ALLOWED_ORIGINS: {origin:?} is neither * nor an origin like https://app.example"
            )));
        }
    }
    if let Some(url) = &c.public_url
        && !is_origin(&crate::config::origin_of(url).unwrap_or_default())
    {
        return Err(ConfigError::Invalid(
            "TESSERA_PUBLIC_URL must start with http:// or https:// and a host".into(),
        ));
    }
    Ok(())
}

fn within(name: &str, value: i64, min: i64, max: i64) -> Result<(), ConfigError> {
    if (min..=max).contains(&value) {
        Ok(())
    } else {
        Err(ConfigError::Invalid(format!(
            "{name} must be between {min} and {max}"
        )))
    }
}

fn count(n: usize) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

/// `http(s)://host[:port]`, nothing after, and fit for a header.
fn is_origin(origin: &str) -> bool {
    let Some((scheme, host)) = origin.split_once("://") else {
        return false;
    };
    matches!(scheme, "http" | "https")
        && !host.is_empty()
        && !host.contains(['/', '?', '#', '@'])
        && host.bytes().all(|b| b.is_ascii_graphic())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn origins_are_scheme_host_and_port_only() {
        for good in [
            "https://app.example",
            "http://127.0.0.1:3000",
            "http://[::1]:8000",
        ] {
            assert!(is_origin(good), "{good}");
        }
        for bad in [
            "app.example",
            "ftp://x",
            "https://",
            "https://a/b",
            "https://a b",
            "*x",
        ] {
            assert!(!is_origin(bad), "{bad}");
        }
    }
}
