//! `TestClock`: the real time plus an offset a test can move forward (TOTP steps, expiry), or
//! a frozen time that moves only when the test moves it (exact waits and Retry-After figures).

use std::sync::atomic::{AtomicI64, Ordering};
use tessera_core::{Clock, SystemClock, Timestamp};

#[derive(Debug, Default)]
pub struct TestClock {
    offset: AtomicI64,
    /// When non-zero, the time it stands at (before `offset`).
    frozen_at: AtomicI64,
}

impl Clock for TestClock {
    fn now(&self) -> Timestamp {
        let frozen = self.frozen_at.load(Ordering::SeqCst);
        let base = if frozen == 0 {
            SystemClock.now()
        } else {
            Timestamp(frozen)
        };
        base.plus_secs(self.offset.load(Ordering::SeqCst))
    }
}

impl TestClock {
    pub fn advance(&self, secs: i64) {
        self.offset.fetch_add(secs, Ordering::SeqCst);
    }

    /// Stop the clock at Unix time `at` (a moment another system's tokens were made at).
    pub fn freeze_at(&self, at: i64) {
        self.offset.store(0, Ordering::SeqCst);
        self.frozen_at.store(at, Ordering::SeqCst);
    }

    /// Stop the clock where it is: from now on only `advance` moves it.
    pub fn freeze(&self) {
        self.frozen_at.store(SystemClock.now().0, Ordering::SeqCst);
    }
}
