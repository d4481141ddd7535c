//! `Worker`: drains one channel of the outbox (mail, or webhook POSTs), several deliveries at
//! once: carry, record. A failure retries with exponential backoff up to a bounded number of
//! attempts, then the row is marked failed with its error. On stop, the rows in hand get a
//! short grace and the rest stay queued for the next start.

use crate::courier::{Courier, Undelivered};
use crate::lane::{Lane, Outcome};
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;
use tessera_core::availability::chain;
use tessera_core::observe::{Delivery, Observe};
use tessera_core::ports::{MailFailure, Store, StoreError};
use tessera_core::records::MailRecord;
use tessera_core::{Clock, Timestamp};
use tokio::sync::Notify;
use tokio::task::JoinSet;

#[derive(Debug, Clone, Copy)]
pub struct RetryPolicy {
    /// Attempts before a mail is given up.
    pub max_attempts: i32,
    /// Delay after the first failure; doubled after each further one.
    pub base_delay_secs: i64,
    pub max_delay_secs: i64,
    /// How often the outbox is read when nothing wakes the worker.
    pub poll_interval: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            max_attempts: 8,
            base_delay_secs: 10,
            max_delay_secs: 3600,
            poll_interval: Duration::from_secs(2),
        }
    }
}

impl RetryPolicy {
    /// When to try again after the `attempts`-th failure, or `None` to give up.
    pub fn next_attempt(&self, attempts: i32, now: Timestamp) -> Option<Timestamp> {
        if attempts >= self.max_attempts {
            return None;
        }
        let exp = u32::try_from(attempts.saturating_sub(1))
            .unwrap_or(0)
            .min(30);
        let delay = self
            .base_delay_secs
            .saturating_mul(1_i64 << exp)
            .min(self.max_delay_secs);
        Some(now.plus_secs(delay))
    }
}

pub struct Worker {
    pub store: Arc<dyn Store>,
    pub clock: Arc<dyn Clock>,
    pub courier: Courier,
    pub wake: Arc<Notify>,
    pub policy: RetryPolicy,
    /// Deliveries at once (at least one).
    pub concurrency: usize,
    /// How long the mails in hand may still take once `run`'s shutdown resolved.
    pub stop_grace: Duration,
    /// How long a claimed mail stays this worker's: longer than a delivery may take, so no
    /// other worker takes it meanwhile; a worker that died lets it go when it runs out.
    pub claim: Duration,
    /// Told how each delivery attempt ended.
    pub observe: Arc<dyn Observe>,
}

impl Worker {
    /// Run until `shutdown` resolves, then finish (or, after the grace, abandon) the mails in
    /// hand; the rest stay queued.
    pub async fn run(self, shutdown: impl Future<Output = ()>) {
        let concurrency = self.concurrency.max(1);
        let grace = self.stop_grace;
        let worker = Arc::new(self);
        let mut lane = Lane::default();
        let mut deliveries = JoinSet::new();
        tokio::pin!(shutdown);
        loop {
            worker.record_pending(&mut lane).await;
            worker.fill(&mut lane, &mut deliveries, concurrency).await;
            tokio::select! {
                () = &mut shutdown => break,
                Some(done) = deliveries.join_next_with_id(), if !deliveries.is_empty() => {
                    lane.finished(done);
                }
                () = worker.wake.notified() => {}
                () = tokio::time::sleep(worker.policy.poll_interval) => {}
            }
        }
        let in_hand = deliveries.len();
        let finished = tokio::time::timeout(grace, async {
            while let Some(done) = deliveries.join_next_with_id().await {
                lane.finished(done);
            }
        })
        .await;
        if finished.is_err() {
            tracing::warn!(
                abandoned = deliveries.len(),
                "{} worker stopped with deliveries unfinished; they stay queued",
                worker.courier.channel().as_str()
            );
            deliveries.shutdown().await;
        }
        worker.record_pending(&mut lane).await;
        // What was claimed and not delivered goes back to the queue at once, for the next start
        // or another instance.
        for id in lane.undelivered() {
            if let Err(e) = worker.store.release_mail(id).await {
                worker.store_failed("letting a claimed mail go failed", &e);
            }
        }
        tracing::info!(
            in_hand,
            "{} worker stopped",
            worker.courier.channel().as_str()
        );
    }

    /// Start deliveries until `concurrency` run or nothing more is due.
    async fn fill(
        self: &Arc<Self>,
        lane: &mut Lane,
        deliveries: &mut JoinSet<Outcome>,
        concurrency: usize,
    ) {
        while deliveries.len() < concurrency {
            let free = concurrency - deliveries.len();
            if lane.queued() == 0 && !self.fetch(lane, free).await {
                return;
            }
            let Some(record) = lane.next() else {
                return;
            };
            let id = record.id;
            let worker = self.clone();
            let task = deliveries.spawn(async move { worker.deliver(record).await });
            lane.started(task.id(), id);
        }
    }

    /// Claim as much due mail as can start at once (`free` deliveries), so that none waits
    /// here while its claim runs out; false when there is none (or no answer).
    async fn fetch(&self, lane: &mut Lane, free: usize) -> bool {
        let now = self.clock.now();
        let secs = i64::try_from(self.claim.as_secs()).unwrap_or(i64::MAX);
        let limit = i64::try_from(free).unwrap_or(i64::MAX);
        let channel = self.courier.channel();
        match self
            .store
            .claim_outbox(channel, now, now.plus_secs(secs), limit)
            .await
        {
            Ok(batch) => lane.queue(batch) > 0,
            Err(e) => {
                self.store_failed("reading the outbox failed", &e);
                false
            }
        }
    }

    /// Record again what could not be recorded (the mail was delivered or tried meanwhile:
    /// it is not sent again while this process runs).
    async fn record_pending(&self, lane: &mut Lane) {
        for outcome in lane.unrecorded() {
            let id = outcome.id();
            match self.record(&outcome).await {
                Ok(()) => lane.recorded(id),
                Err(e) => {
                    self.store_failed("recording a delivery failed", &e);
                    lane.still_unrecorded(outcome);
                }
            }
        }
    }

    async fn deliver(&self, record: MailRecord) -> Outcome {
        let before = i32::try_from(record.attempts).unwrap_or(i32::MAX);
        let attempts = before.saturating_add(1);
        let (id, what) = (record.id, self.courier.channel().as_str());
        match self.courier.carry(record, self.clock.now()).await {
            Ok(kind) => {
                if before > 0 {
                    tracing::warn!(
                        mail_id = id,
                        kind,
                        attempts,
                        "{what} delivered after failed attempts"
                    );
                } else {
                    tracing::info!(mail_id = id, kind, "{what} delivered");
                }
                self.observe
                    .delivery(self.courier.channel(), Delivery::Sent);
                self.settle(Outcome::Sent(id, self.clock.now())).await
            }
            Err(Undelivered { error, retry }) => self.failed(id, attempts, error, retry).await,
        }
    }

    /// One WARN line when a row starts failing, one ERROR line when it is given up.
    async fn failed(&self, id: i64, attempts: i32, error: String, retry: bool) -> Outcome {
        let retry_at = retry
            .then(|| self.policy.next_attempt(attempts, self.clock.now()))
            .flatten();
        let what = self.courier.channel().as_str();
        match retry_at {
            Some(at) if attempts == 1 => {
                tracing::warn!(mail_id = id, retry_at = at.0, %error, "{what} delivery failing; will retry")
            }
            Some(at) => {
                tracing::debug!(mail_id = id, attempts, retry_at = at.0, %error, "{what} delivery failed again")
            }
            None => {
                tracing::error!(mail_id = id, attempts, %error, "{what} delivery failed; giving up")
            }
        }
        let channel = self.courier.channel();
        self.observe.delivery(
            channel,
            match retry_at {
                Some(_) => Delivery::Retrying,
                None => Delivery::GivenUp,
            },
        );
        let failure = MailFailure {
            attempts,
            retry_at,
            error,
        };
        self.settle(Outcome::Failed(id, failure)).await
    }

    /// Record `outcome`, or hand it back to be recorded later.
    async fn settle(&self, outcome: Outcome) -> Outcome {
        match self.record(&outcome).await {
            Ok(()) => Outcome::Recorded(outcome.id()),
            Err(e) => {
                self.store_failed("recording a delivery failed", &e);
                outcome
            }
        }
    }

    async fn record(&self, outcome: &Outcome) -> Result<(), StoreError> {
        match outcome {
            Outcome::Sent(id, at) => self.store.mail_sent(*id, *at).await,
            Outcome::Failed(id, failure) => self.store.mail_failed(*id, failure).await,
            Outcome::Recorded(_) => Ok(()),
        }
    }

    /// A database outage is logged once by the store's availability; anything else here.
    fn store_failed(&self, what: &str, e: &StoreError) {
        match e {
            StoreError::Unavailable(_) => self.store.availability().lost(&chain(e)),
            _ => tracing::error!(error = ?e, "{what}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_and_gives_up() {
        let p = RetryPolicy {
            max_attempts: 4,
            base_delay_secs: 10,
            max_delay_secs: 25,
            ..RetryPolicy::default()
        };
        let now = Timestamp(1000);
        assert_eq!(p.next_attempt(1, now), Some(Timestamp(1010)));
        assert_eq!(p.next_attempt(2, now), Some(Timestamp(1020)));
        assert_eq!(p.next_attempt(3, now), Some(Timestamp(1025)));
        assert_eq!(p.next_attempt(4, now), None);
    }
}
