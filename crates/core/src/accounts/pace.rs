//! Constant pace: an answer that must not tell which path it took (an unknown address, a
//! wrong code) never comes sooner than its floor.

use std::future::Future;
use std::time::Duration;

/// Run `work`, then wait out what is left of `floor`.
pub(super) async fn at_least<T>(floor: Duration, work: impl Future<Output = T>) -> T {
    let deadline = tokio::time::Instant::now() + floor;
    let out = work.await;
    tokio::time::sleep_until(deadline).await;
    out
}
