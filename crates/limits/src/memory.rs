//! `MemoryLimiter`: GCRA cells and failure counts in one process's memory, pruned as they
//! expire.

use async_trait::async_trait;
use std::collections::HashMap;
use std::sync::Mutex;
use tessera_core::Timestamp;
use tessera_core::limits::{Failures, Limit, Limiter, retry_secs};

/// Entries written between two sweeps of the expired ones.
const SWEEP_EVERY: u32 = 4096;

#[derive(Debug, Default)]
pub struct MemoryLimiter {
    state: Mutex<State>,
}

#[derive(Debug, Default)]
struct State {
    /// key → (theoretical arrival time, ms; forgotten after that).
    cells: HashMap<String, i64>,
    /// key → (failures, last failure, forgotten at), seconds.
    failures: HashMap<String, (u32, i64, i64)>,
    writes: u32,
}

impl State {
    fn sweep(&mut self, now_ms: i64) {
        self.writes += 1;
        if self.writes < SWEEP_EVERY {
            return;
        }
        self.writes = 0;
        self.cells.retain(|_, tat| *tat > now_ms);
        let now = now_ms / 1000;
        self.failures.retain(|_, (_, _, until)| *until > now);
    }
}

impl MemoryLimiter {
    pub fn new() -> Self {
        Self::default()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        // A poisoned lock only means another request panicked mid-update; the map is intact.
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }
}

#[async_trait]
impl Limiter for MemoryLimiter {
    async fn hit(&self, key: &str, limit: Limit, now_ms: i64) -> Result<(), u64> {
        let mut state = self.lock();
        let tat = state.cells.get(key).copied().filter(|t| *t > now_ms);
        let new_tat = limit.gcra(tat, now_ms).map_err(retry_secs)?;
        state.cells.insert(key.to_owned(), new_tat);
        state.sweep(now_ms);
        Ok(())
    }

    async fn fail(&self, key: &str, now: Timestamp, keep_secs: i64) -> Failures {
        let mut state = self.lock();
        let entry = state
            .failures
            .entry(key.to_owned())
            .or_insert((0, now.0, now.0));
        if entry.2 <= now.0 {
            *entry = (0, now.0, now.0);
        }
        *entry = (entry.0.saturating_add(1), now.0, now.0 + keep_secs);
        let failures = Failures {
            count: entry.0,
            last: Some(now),
        };
        state.sweep(now.0.saturating_mul(1000));
        failures
    }

    async fn failures(&self, key: &str, now: Timestamp) -> Failures {
        let state = self.lock();
        match state
            .failures
            .get(key)
            .filter(|(_, _, until)| *until > now.0)
        {
            Some((count, last, _)) => Failures {
                count: *count,
                last: Some(Timestamp(*last)),
            },
            None => Failures::default(),
        }
    }

    async fn clear(&self, key: &str) {
        self.lock().failures.remove(key);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn limits_trip_and_recover_and_failures_count_until_cleared() {
        let m = MemoryLimiter::new();
        let limit = Limit::per_secs(2, 10);
        assert!(m.hit("a", limit, 0).await.is_ok());
        assert!(m.hit("a", limit, 0).await.is_ok());
        assert_eq!(m.hit("a", limit, 0).await, Err(5));
        assert!(m.hit("b", limit, 0).await.is_ok());
        assert!(m.hit("a", limit, 5_000).await.is_ok());
        let now = Timestamp(100);
        assert_eq!(m.fail("k", now, 60).await.count, 1);
        assert_eq!(m.fail("k", now, 60).await.count, 2);
        assert_eq!(m.failures("k", now).await.count, 2);
        assert_eq!(m.failures("k", Timestamp(161)).await.count, 0);
        assert_eq!(
            m.fail("k", Timestamp(200), 60).await.count,
            1,
            "forgotten after 60 s"
        );
        m.clear("k").await;
        assert_eq!(m.failures("k", now).await, Failures::default());
    }
}
