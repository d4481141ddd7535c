//! `TestClock`: the real time plus an offset a test can move forward (TOTP steps, expiry).

use std::sync::atomic::{AtomicI64, Ordering};
use tessera_core::{Clock, SystemClock, Timestamp};

#[derive(Debug, Default)]
pub struct TestClock {
    offset: AtomicI64,
}

impl Clock for TestClock {
    fn now(&self) -> Timestamp {
        SystemClock
            .now()
            .plus_secs(self.offset.load(Ordering::SeqCst))
    }
}

impl TestClock {
    pub fn advance(&self, secs: i64) {
        self.offset.fetch_add(secs, Ordering::SeqCst);
    }
}
