//! Rate limits and failure counts, as the `Limiter` port keeps them: in memory on one
//! instance, in a store several instances share. Both count on the service's clock.

use crate::Timestamp;
use async_trait::async_trait;

/// At most `max` hits per `window_ms`, a burst of `max` allowed (GCRA).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limit {
    pub max: u32,
    pub window_ms: i64,
}

impl Limit {
    pub fn per_secs(max: u32, secs: i64) -> Self {
        Self {
            max,
            window_ms: secs.saturating_mul(1000),
        }
    }

    /// Milliseconds between two hits at the sustained rate.
    pub fn interval_ms(self) -> i64 {
        (self.window_ms / i64::from(self.max.max(1))).max(1)
    }

    /// The generic cell rate algorithm on a stored "theoretical arrival time" `tat`: the new
    /// `tat` when the hit is allowed, or the milliseconds to wait.
    pub fn gcra(self, tat: Option<i64>, now_ms: i64) -> Result<i64, i64> {
        let new_tat = tat.unwrap_or(now_ms).max(now_ms) + self.interval_ms();
        if new_tat - now_ms > self.window_ms {
            Err(new_tat - self.window_ms - now_ms)
        } else {
            Ok(new_tat)
        }
    }
}

/// Consecutive failures counted under one key.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Failures {
    pub count: u32,
    pub last: Option<Timestamp>,
}

#[async_trait]
pub trait Limiter: Send + Sync + 'static {
    /// Count a hit on `key` under `limit`; over it, the seconds to wait (the hit is not counted).
    async fn hit(&self, key: &str, limit: Limit, now_ms: i64) -> Result<(), u64>;
    /// Count a failure on `key`, forgotten `keep_secs` after the last one; the count so far.
    async fn fail(&self, key: &str, now: Timestamp, keep_secs: i64) -> Failures;
    async fn failures(&self, key: &str, now: Timestamp) -> Failures;
    /// Forget `key`'s failures (after a success).
    async fn clear(&self, key: &str);
    /// Whether the store that several instances share answers now, asked directly (not
    /// through any fallback); `None` when the state is this process's own memory.
    async fn ping(&self) -> Option<Result<(), String>> {
        None
    }
}

/// Seconds to wait for `ms` milliseconds, rounded up (a Retry-After).
pub fn retry_secs(ms: i64) -> u64 {
    u64::try_from((ms + 999) / 1000).unwrap_or(1).max(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gcra_allows_a_burst_then_one_per_interval() {
        let limit = Limit::per_secs(3, 60);
        let mut tat = None;
        for _ in 0..3 {
            tat = Some(limit.gcra(tat, 0).unwrap());
        }
        let wait = limit.gcra(tat, 0).unwrap_err();
        assert_eq!(wait, 20_000);
        assert_eq!(retry_secs(wait), 20);
        assert!(limit.gcra(tat, 20_000).is_ok());
        assert!(limit.gcra(tat, 60_000).is_ok());
        assert_eq!(retry_secs(1), 1);
    }
}
