//! `RedisLimiter`: the same GCRA cells and failure counts in Redis, so every instance shares
//! them. When Redis does not answer, requests go on: limits fall back per `WhenRedisFails`
//! (the in-memory twin by default), said once loudly in the log, and Redis is tried again a
//! moment later; the connection re-establishes itself.

use crate::MemoryLimiter;
use async_trait::async_trait;
use redis::aio::{ConnectionManager, ConnectionManagerConfig};
use redis::{AsyncCommands, Script};
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;
use tessera_core::Timestamp;
use tessera_core::limits::{Failures, Limit, Limiter, retry_secs};
use tokio::time::Instant;

/// How long one Redis call may take before the fallback answers.
const TIMEOUT: Duration = Duration::from_millis(500);
/// After a failure, Redis is left alone this long (requests use the fallback meanwhile).
const BACKOFF: Duration = Duration::from_secs(2);
/// Wait asked of a client when Redis is down and limits fail closed.
const CLOSED_RETRY_SECS: u64 = 5;

/// GCRA on the cell `KEYS[1]`: 0 when the hit at `ARGV[1]` ms is allowed, else the ms to wait.
const GCRA: &str = r"
local now = tonumber(ARGV[1])
local interval = tonumber(ARGV[2])
local window = tonumber(ARGV[3])
local tat = tonumber(redis.call('GET', KEYS[1]) or '0')
if tat < now then tat = now end
local new = tat + interval
if new - now > window then return new - window - now end
redis.call('SET', KEYS[1], new, 'PX', new - now)
return 0
";

/// One more failure on `KEYS[1]` at `ARGV[1]`, kept `ARGV[2]` seconds: the count.
const FAIL: &str = r"
local c = redis.call('HINCRBY', KEYS[1], 'c', 1)
redis.call('HSET', KEYS[1], 'l', ARGV[1])
redis.call('EXPIRE', KEYS[1], ARGV[2])
return c
";

/// What limits do while Redis cannot be reached.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WhenRedisFails {
    /// Count in this instance's memory (limits hold per instance).
    Memory,
    /// Let every request through.
    Open,
    /// Refuse every limited request.
    Closed,
}

pub struct RedisLimiter {
    conn: ConnectionManager,
    prefix: String,
    gcra: Script,
    fail: Script,
    fallback: MemoryLimiter,
    when_fails: WhenRedisFails,
    skip_until: Mutex<Option<Instant>>,
    down: AtomicBool,
}

impl RedisLimiter {
    /// Connects lazily: a Redis that is down at start is only a fallback until it is up.
    pub fn new(url: &str, prefix: &str, when_fails: WhenRedisFails) -> Result<Self, String> {
        let client = redis::Client::open(url).map_err(|e| format!("TESSERA_REDIS_URL: {e}"))?;
        let config = ConnectionManagerConfig::new()
            .set_connection_timeout(Some(TIMEOUT))
            .set_response_timeout(Some(TIMEOUT))
            .set_number_of_retries(1);
        let conn = ConnectionManager::new_lazy_with_config(client, config)
            .map_err(|e| format!("Redis: {e}"))?;
        Ok(Self {
            conn,
            prefix: prefix.to_owned(),
            gcra: Script::new(GCRA),
            fail: Script::new(FAIL),
            fallback: MemoryLimiter::new(),
            when_fails,
            skip_until: Mutex::new(None),
            down: AtomicBool::new(false),
        })
    }

    fn key(&self, kind: &str, key: &str) -> String {
        format!("{}:{kind}:{key}", self.prefix)
    }

    /// Whether Redis is worth asking now (not inside the backoff after a failure).
    fn reachable(&self) -> bool {
        let skip = self.skip_until.lock().unwrap_or_else(|e| e.into_inner());
        skip.is_none_or(|until| Instant::now() >= until)
    }

    /// The outcome of a Redis call: `None` (and the fallback) when it failed.
    fn outcome<T>(&self, result: redis::RedisResult<T>) -> Option<T> {
        match result {
            Ok(value) => {
                if self.down.swap(false, Ordering::SeqCst) {
                    tracing::warn!("Redis answers again: rate limits are shared again");
                }
                Some(value)
            }
            Err(e) => {
                *self.skip_until.lock().unwrap_or_else(|e| e.into_inner()) =
                    Some(Instant::now() + BACKOFF);
                if !self.down.swap(true, Ordering::SeqCst) {
                    tracing::error!(
                        error = %e,
                        fallback = ?self.when_fails,
                        "Redis is unreachable: rate limits are NOT shared between instances until it answers"
                    );
                }
                None
            }
        }
    }
}

#[async_trait]
impl Limiter for RedisLimiter {
    async fn hit(&self, key: &str, limit: Limit, now_ms: i64) -> Result<(), u64> {
        if self.reachable() {
            let mut conn = self.conn.clone();
            let invocation = self
                .gcra
                .key(self.key("rl", key))
                .arg(now_ms)
                .arg(limit.interval_ms())
                .arg(limit.window_ms)
                .invoke_async::<i64>(&mut conn)
                .await;
            if let Some(wait_ms) = self.outcome(invocation) {
                return if wait_ms > 0 {
                    Err(retry_secs(wait_ms))
                } else {
                    Ok(())
                };
            }
        }
        match self.when_fails {
            WhenRedisFails::Memory => self.fallback.hit(key, limit, now_ms).await,
            WhenRedisFails::Open => Ok(()),
            WhenRedisFails::Closed => Err(CLOSED_RETRY_SECS),
        }
    }

    async fn fail(&self, key: &str, now: Timestamp, keep_secs: i64) -> Failures {
        if self.reachable() {
            let mut conn = self.conn.clone();
            let invocation = self
                .fail
                .key(self.key("lf", key))
                .arg(now.0)
                .arg(keep_secs.max(1))
                .invoke_async::<u32>(&mut conn)
                .await;
            if let Some(count) = self.outcome(invocation) {
                return Failures {
                    count,
                    last: Some(now),
                };
            }
        }
        self.fallback.fail(key, now, keep_secs).await
    }

    async fn failures(&self, key: &str, now: Timestamp) -> Failures {
        if self.reachable() {
            let mut conn = self.conn.clone();
            let read: redis::RedisResult<(Option<u32>, Option<i64>)> = redis::cmd("HMGET")
                .arg(self.key("lf", key))
                .arg("c")
                .arg("l")
                .query_async(&mut conn)
                .await;
            if let Some((count, last)) = self.outcome(read) {
                return Failures {
                    count: count.unwrap_or(0),
                    last: last.map(Timestamp),
                };
            }
        }
        self.fallback.failures(key, now).await
    }

    /// A PING past the backoff, so that readiness sees Redis come back at once.
    async fn ping(&self) -> Option<Result<(), String>> {
        let mut conn = self.conn.clone();
        let pong: redis::RedisResult<String> = redis::cmd("PING").query_async(&mut conn).await;
        let error = pong.as_ref().err().map(ToString::to_string);
        self.outcome(pong);
        Some(error.map_or(Ok(()), Err))
    }

    async fn clear(&self, key: &str) {
        if self.reachable() {
            let mut conn = self.conn.clone();
            let deleted: redis::RedisResult<i64> = conn.del(self.key("lf", key)).await;
            self.outcome(deleted);
        }
        self.fallback.clear(key).await;
    }
}
