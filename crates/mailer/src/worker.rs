//! `Worker`: drains the outbox: render, deliver, record; failures retry with exponential
//! backoff up to a bounded number of attempts, then the row is marked failed with its error.

use crate::{Renderer, Transport};
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;
use tessera_core::ports::{MailFailure, Store};
use tessera_core::records::MailRecord;
use tessera_core::{Clock, Timestamp};
use tokio::sync::Notify;

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
    pub transport: Transport,
    pub renderer: Renderer,
    pub wake: Arc<Notify>,
    pub policy: RetryPolicy,
}

impl Worker {
    /// Run until `shutdown` resolves.
    pub async fn run(self, shutdown: impl Future<Output = ()>) {
        tokio::pin!(shutdown);
        loop {
            self.drain().await;
            tokio::select! {
                () = &mut shutdown => break,
                () = self.wake.notified() => {}
                () = tokio::time::sleep(self.policy.poll_interval) => {}
            }
        }
        tracing::info!("mail worker stopped");
    }

    /// Deliver everything due now.
    pub async fn drain(&self) {
        loop {
            let batch = match self.store.due_mail(self.clock.now(), 32).await {
                Ok(batch) => batch,
                Err(e) => {
                    tracing::error!(error = ?e, "reading the outbox failed");
                    return;
                }
            };
            if batch.is_empty() {
                return;
            }
            for record in batch {
                self.deliver(record).await;
            }
        }
    }

    async fn deliver(&self, record: MailRecord) {
        let attempts = i32::try_from(record.attempts)
            .unwrap_or(i32::MAX)
            .saturating_add(1);
        let mail = match record.into_queued() {
            Ok(mail) => mail,
            Err((id, error)) => return self.record_failure(id, attempts, error, false).await,
        };
        let outcome = match self.renderer.render(mail.kind, &mail.context) {
            Ok(rendered) => self
                .transport
                .send(&mail.to, &rendered)
                .await
                .map_err(|e| (e.to_string(), true)),
            Err(e) => Err((format!("template error: {e}"), false)),
        };
        match outcome {
            Ok(()) => {
                tracing::info!(
                    mail_id = mail.id,
                    kind = mail.kind.as_str(),
                    "mail delivered"
                );
                if let Err(e) = self.store.mail_sent(mail.id, self.clock.now()).await {
                    tracing::error!(mail_id = mail.id, error = ?e, "recording a delivery failed");
                }
            }
            Err((error, retry)) => self.record_failure(mail.id, attempts, error, retry).await,
        }
    }

    async fn record_failure(&self, id: i64, attempts: i32, error: String, retry: bool) {
        let retry_at = if retry {
            self.policy.next_attempt(attempts, self.clock.now())
        } else {
            None
        };
        match retry_at {
            Some(at) => {
                tracing::warn!(mail_id = id, attempts, retry_at = at.0, %error, "mail delivery failed; will retry")
            }
            None => {
                tracing::error!(mail_id = id, attempts, %error, "mail delivery failed; giving up")
            }
        }
        let failure = MailFailure {
            attempts,
            retry_at,
            error,
        };
        if let Err(e) = self.store.mail_failed(id, &failure).await {
            tracing::error!(mail_id = id, error = ?e, "recording a delivery failure failed");
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
