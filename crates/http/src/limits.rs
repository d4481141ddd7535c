//! Rate limits, checked before a request does any work: per client address, and per account,
//! address or service name where a request names one. Over a limit: 429 with Retry-After in
//! DRF's shape, and nothing else happens.

use crate::Metrics;
use crate::drf::{self, ApiError};
use std::collections::HashMap;
use std::sync::Arc;
use tessera_core::Clock;
use tessera_core::domain::ClientInfo;
use tessera_core::limits::{Limit, Limiter};

/// Every limit, by name (`TESSERA_RATE_LIMITS` overrides them by these names).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Rule {
    LoginIp,
    TwoFactorIp,
    SignupIp,
    ResendIp,
    ResendAddress,
    ResetIp,
    ResetAddress,
    VerifyIp,
    VerifyAccount,
    PollIp,
    ServiceIp,
    ServiceName,
    PasswordIp,
    PasswordAccount,
    /// Calls to the admin API, per staff account.
    AdminAccount,
}

impl Rule {
    pub const ALL: [Rule; 15] = [
        Self::LoginIp,
        Self::TwoFactorIp,
        Self::SignupIp,
        Self::ResendIp,
        Self::ResendAddress,
        Self::ResetIp,
        Self::ResetAddress,
        Self::VerifyIp,
        Self::VerifyAccount,
        Self::PollIp,
        Self::ServiceIp,
        Self::ServiceName,
        Self::PasswordIp,
        Self::PasswordAccount,
        Self::AdminAccount,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Self::LoginIp => "login_ip",
            Self::TwoFactorIp => "two_factor_ip",
            Self::SignupIp => "signup_ip",
            Self::ResendIp => "resend_ip",
            Self::ResendAddress => "resend_address",
            Self::ResetIp => "reset_ip",
            Self::ResetAddress => "reset_address",
            Self::VerifyIp => "verify_ip",
            Self::VerifyAccount => "verify_account",
            Self::PollIp => "poll_ip",
            Self::ServiceIp => "service_ip",
            Self::ServiceName => "service_name",
            Self::PasswordIp => "password_ip",
            Self::PasswordAccount => "password_account",
            Self::AdminAccount => "admin_account",
        }
    }

    /// django-allauth's defaults where it has the same limit; one-second activation polling
    /// fits in `poll_ip`.
    fn default_limit(self) -> Limit {
        let (max, secs) = match self {
            Self::LoginIp | Self::TwoFactorIp | Self::ServiceIp => (30, 60),
            Self::SignupIp | Self::ResetIp | Self::VerifyIp => (20, 60),
            Self::ResendIp | Self::PasswordIp | Self::ServiceName => (10, 60),
            Self::ResendAddress => (5, 600),
            Self::ResetAddress => (5, 60),
            Self::VerifyAccount => (1, 180),
            Self::PollIp => (120, 60),
            Self::PasswordAccount => (5, 300),
            Self::AdminAccount => (120, 60),
        };
        Limit::per_secs(max, secs)
    }
}

/// The limits in force (`None`: switched off) and where their state lives.
#[derive(Clone)]
pub struct RateLimits {
    table: HashMap<Rule, Option<Limit>>,
    limiter: Arc<dyn Limiter>,
    clock: Arc<dyn Clock>,
    /// Counts the refusals by rule.
    metrics: Arc<Metrics>,
}

/// Changes to the default limits: `name=N/PERIOD` or `name=off`, comma-separated; a period
/// is `s`, `m`, `h` or a number of them (`10s`, `3m`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LimitOverrides(Vec<(Rule, Option<Limit>)>);

impl std::str::FromStr for LimitOverrides {
    type Err = String;

    fn from_str(list: &str) -> Result<Self, String> {
        let items = list.split(',').map(str::trim).filter(|s| !s.is_empty());
        let parsed = items.map(|item| {
            let (name, value) = item
                .split_once('=')
                .ok_or_else(|| format!("{item:?} is not name=N/PERIOD"))?;
            let name = name.trim();
            let rule = Rule::ALL
                .into_iter()
                .find(|r| r.name().eq_ignore_ascii_case(name))
                .ok_or_else(|| format!("no rate limit is named {name:?}"))?;
            Ok((rule, parse_limit(value.trim())?))
        });
        Ok(Self(parsed.collect::<Result<_, String>>()?))
    }
}

impl RateLimits {
    /// The defaults with `overrides`; all off unless `enabled`.
    pub fn new(
        overrides: &LimitOverrides,
        enabled: bool,
        limiter: Arc<dyn Limiter>,
        clock: Arc<dyn Clock>,
        metrics: Arc<Metrics>,
    ) -> Self {
        let mut table: HashMap<Rule, Option<Limit>> = Rule::ALL
            .iter()
            .map(|r| (*r, enabled.then(|| r.default_limit())))
            .collect();
        for (rule, limit) in &overrides.0 {
            table.insert(*rule, limit.filter(|_| enabled));
        }
        Self {
            table,
            limiter,
            clock,
            metrics,
        }
    }

    /// Count a request from `client` under `rule`.
    pub async fn ip(&self, rule: Rule, client: &ClientInfo) -> Result<(), ApiError> {
        self.check(rule, &client.ip_text()).await
    }

    /// Count a request under `rule` for `key` (an account, an address, a service).
    pub async fn check(&self, rule: Rule, key: &str) -> Result<(), ApiError> {
        let Some(limit) = self.limit(rule) else {
            return Ok(());
        };
        self.limiter
            .hit(&Self::key(rule, key), limit, self.clock.now_millis())
            .await
            .map_err(|retry_after| self.refused(rule, retry_after))
    }

    /// Refuse while `key` has failed `rule`'s number of times, each within its period of
    /// the one before; a request that never failed is never refused (see `failed`).
    pub async fn failures_below(&self, rule: Rule, key: &str) -> Result<(), ApiError> {
        let Some(limit) = self.limit(rule) else {
            return Ok(());
        };
        let now = self.clock.now();
        let failures = self.limiter.failures(&Self::key(rule, key), now).await;
        let period = limit.window_ms / 1000;
        match failures.last {
            Some(last) if failures.count >= limit.max && last.0 + period > now.0 => {
                Err(self.refused(rule, u64::try_from(last.0 + period - now.0).unwrap_or(1)))
            }
            _ => Ok(()),
        }
    }

    /// Count a failure of `key` under `rule`.
    pub async fn failed(&self, rule: Rule, key: &str) {
        if let Some(limit) = self.limit(rule) {
            let now = self.clock.now();
            let keep = limit.window_ms / 1000;
            self.limiter.fail(&Self::key(rule, key), now, keep).await;
        }
    }

    /// The 429 of `rule`, counted.
    fn refused(&self, rule: Rule, retry_after: u64) -> ApiError {
        self.metrics.rate_limited(rule);
        drf::throttled(retry_after)
    }

    fn limit(&self, rule: Rule) -> Option<Limit> {
        self.table.get(&rule).copied().flatten()
    }

    fn key(rule: Rule, key: &str) -> String {
        format!("{}:{}", rule.name(), key.to_lowercase())
    }
}

/// `N/PERIOD` or `off`.
fn parse_limit(value: &str) -> Result<Option<Limit>, String> {
    if value.eq_ignore_ascii_case("off") {
        return Ok(None);
    }
    let bad = || format!("{value:?} is not N/PERIOD (like 30/1m) or off");
    let (max, period) = value.split_once('/').ok_or_else(bad)?;
    let max: u32 = max.trim().parse().map_err(|_| bad())?;
    let period = period.trim();
    let split = period.find(|c: char| !c.is_ascii_digit()).ok_or_else(bad)?;
    let (count, unit) = period.split_at(split);
    let count: i64 = if count.is_empty() {
        1
    } else {
        count.parse().map_err(|_| bad())?
    };
    let unit = match unit {
        "s" => 1,
        "m" => 60,
        "h" => 3600,
        _ => return Err(bad()),
    };
    // A period of more than a year is no rate limit (and could overflow the arithmetic).
    let secs = count
        .checked_mul(unit)
        .filter(|s| (1..=365 * 86_400).contains(s))
        .ok_or_else(bad)?;
    if max == 0 {
        return Err(bad());
    }
    Ok(Some(Limit::per_secs(max, secs)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limits_parse() {
        assert_eq!(parse_limit("30/1m"), Ok(Some(Limit::per_secs(30, 60))));
        assert_eq!(parse_limit("1/3m"), Ok(Some(Limit::per_secs(1, 180))));
        assert_eq!(parse_limit("5/m"), Ok(Some(Limit::per_secs(5, 60))));
        assert_eq!(parse_limit("2/10s"), Ok(Some(Limit::per_secs(2, 10))));
        assert_eq!(parse_limit("off"), Ok(None));
        for bad in [
            "30",
            "x/1m",
            "0/1m",
            "3/1d",
            "3/0m",
            "",
            "3/9000000000000000000h",
        ] {
            assert!(parse_limit(bad).is_err(), "{bad}");
        }
    }
}
