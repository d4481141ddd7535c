//! `Availability`: whether the database answers, as this process last saw it, logged once
//! per change: one line when it stops answering, one when it answers again, whatever the
//! number of requests in between. Whoever meets the failure reports it (`lost`); the store,
//! which knows when it got a connection or a write lock again, reports the recovery.

use std::sync::atomic::{AtomicBool, Ordering};

#[derive(Debug, Default)]
pub struct Availability {
    down: AtomicBool,
}

impl Availability {
    /// The database did not answer (`cause` says how, with its sources): logged if it
    /// answered until now.
    pub fn lost(&self, cause: &str) {
        if !self.down.swap(true, Ordering::AcqRel) {
            tracing::error!(
                error = cause,
                "database unavailable: requests that need it answer 503 until it is back"
            );
        } else {
            tracing::debug!(error = cause, "database still unavailable");
        }
    }

    /// The database answered: logged if it did not until now.
    pub fn regained(&self) {
        if self.down.load(Ordering::Acquire) && self.down.swap(false, Ordering::AcqRel) {
            tracing::warn!("database available again");
        }
    }

    pub fn is_down(&self) -> bool {
        self.down.load(Ordering::Acquire)
    }
}

/// `cause: source: source…`
pub fn chain(cause: &(dyn std::error::Error + 'static)) -> String {
    let mut text = cause.to_string();
    let mut source = cause.source();
    while let Some(s) = source {
        text.push_str(": ");
        text.push_str(&s.to_string());
        source = s.source();
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_change_is_seen_once() {
        let a = Availability::default();
        assert!(!a.is_down());
        a.regained();
        a.lost("refused");
        a.lost("refused");
        assert!(a.is_down());
        a.regained();
        assert!(!a.is_down());
    }
}
