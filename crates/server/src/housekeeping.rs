//! Housekeeping beside the service: audit events older than their retention are pruned at
//! start and every hour.

use std::sync::Arc;
use std::time::Duration;
use tessera_core::accounts::Accounts;
use tessera_core::events::Retention;

/// How often old events are looked for.
const EVERY: Duration = Duration::from_secs(3600);

/// Prune events past `retention` now and every hour, until `stopped` resolves; `None` keeps
/// them forever.
pub async fn prune_events(
    accounts: Arc<Accounts>,
    retention: Option<Retention>,
    stopped: impl Future<Output = ()>,
) {
    let Some(retention) = retention else {
        return;
    };
    let pruning = async {
        loop {
            match accounts.prune_events(retention).await {
                Ok(0) => {}
                Ok(gone) => tracing::info!(gone, days = retention.days, "old audit events pruned"),
                Err(e) => tracing::warn!(error = %e, "audit events could not be pruned"),
            }
            tokio::time::sleep(EVERY).await;
        }
    };
    tokio::select! {
        () = pruning => {}
        () = stopped => {}
    }
}
