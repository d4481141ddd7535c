//! What an operator's probes and scrapes ask of the service's dependencies: readiness (the
//! database takes a writer, and the rate-limit store instances share answers, each within
//! `READY_TIMEOUT`), and the vitals a metrics scrape reads (the connection pool, the outbox,
//! the hashing pool).

use super::Accounts;
use crate::availability::chain;
use crate::passwords::HashLoad;
use crate::ports::{Connections, OutboxDepth};
use std::time::Duration;

/// How long readiness waits for each dependency (a probe's own timeout should be longer).
pub const READY_TIMEOUT: Duration = Duration::from_secs(1);

/// One dependency, as readiness found it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Check {
    Ok,
    /// It failed, or did not answer within `READY_TIMEOUT` (the log says which and why).
    Unavailable,
}

impl Check {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Ok => "ok",
            Self::Unavailable => "unavailable",
        }
    }
}

/// Whether this instance can serve: its database, and the shared limits when configured.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Readiness {
    pub database: Check,
    /// `None` when the limits are kept in this process's memory.
    pub shared_limits: Option<Check>,
}

impl Readiness {
    pub fn is_ready(&self) -> bool {
        self.database == Check::Ok && self.shared_limits != Some(Check::Unavailable)
    }
}

/// What a metrics scrape reads at the moment it is made.
#[derive(Debug, Clone, Copy, Default)]
pub struct Vitals {
    pub connections: Connections,
    /// `None` when the database did not answer within `READY_TIMEOUT`.
    pub outbox: Option<OutboxDepth>,
    /// Seconds the oldest pending mail has waited (0 when none waits).
    pub oldest_pending_secs: i64,
    pub hashing: HashLoad,
}

impl Accounts {
    /// Ask the database for a writer (on SQLite the write lock, which readers never wait
    /// for) and the shared limit store for an answer, at once; a database that fails is
    /// reported to its availability (logged once).
    pub async fn readiness(&self) -> Readiness {
        let database = async {
            match tokio::time::timeout(READY_TIMEOUT, self.store.begin()).await {
                // Dropped unused: rolled back.
                Ok(Ok(_tx)) => Check::Ok,
                Ok(Err(e)) => {
                    self.availability().lost(&chain(&e));
                    Check::Unavailable
                }
                Err(_) => {
                    self.availability()
                        .lost("no answer to the readiness check within its timeout");
                    Check::Unavailable
                }
            }
        };
        let shared_limits = async {
            match tokio::time::timeout(READY_TIMEOUT, self.limiter.ping()).await {
                Ok(None) => None,
                Ok(Some(Ok(()))) => Some(Check::Ok),
                Ok(Some(Err(_))) | Err(_) => Some(Check::Unavailable),
            }
        };
        let (database, shared_limits) = tokio::join!(database, shared_limits);
        Readiness {
            database,
            shared_limits,
        }
    }

    /// The pool, the outbox (one cheap read) and the hashing pool, now.
    pub async fn vitals(&self) -> Vitals {
        let read = tokio::time::timeout(READY_TIMEOUT, self.store.outbox_depth()).await;
        let outbox = read.ok().and_then(Result::ok);
        let now = self.now();
        let oldest = outbox.and_then(|o| o.oldest);
        Vitals {
            connections: self.store.connections(),
            outbox,
            oldest_pending_secs: oldest.map_or(0, |t| (now.0 - t.0).max(0)),
            hashing: self.hasher.load(),
        }
    }
}
