//! The metrics registry's place in the process: a listener of its own for `GET /metrics`
//! when `TESSERA_METRICS_BIND` names one (taken at start, like the main port, before
//! anything is made), and the upkeep that folds latency samples into their histograms
//! between scrapes.

use crate::app::StartError;
use crate::serve::{Limits, serve};
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;
use tessera_http::{AppState, Metrics, MetricsAt};
use tokio::net::TcpListener;
use tokio::sync::watch;

/// How often the latency samples are folded when nobody scrapes.
const UPKEEP: Duration = Duration::from_secs(5);
/// A scraper or two, and someone with curl.
const MAX_CONNECTIONS: usize = 16;

/// The metrics' own listener.
pub(crate) struct OwnListener {
    listener: TcpListener,
    pub addr: SocketAddr,
}

/// Listen on `at`, when given.
pub(crate) async fn bind(at: Option<SocketAddr>) -> Result<Option<OwnListener>, StartError> {
    let Some(at) = at else {
        return Ok(None);
    };
    let listener = TcpListener::bind(at)
        .await
        .map_err(|e| StartError::Bind(at, e))?;
    let addr = listener.local_addr().map_err(|e| StartError::Bind(at, e))?;
    Ok(Some(OwnListener { listener, addr }))
}

/// Where the main router serves `/metrics`: there unless the metrics have a listener.
pub(crate) fn placement(own: Option<&OwnListener>) -> MetricsAt {
    match own {
        Some(_) => MetricsAt::OwnListener,
        None => MetricsAt::ThisListener,
    }
}

/// Serve `/metrics` on `own` (when given) with `limits` but fewer connections, and keep
/// the registry folded, until `stop` turns true.
pub(crate) async fn run(
    metrics: Arc<Metrics>,
    own: Option<OwnListener>,
    state: AppState,
    limits: Limits,
    stop: watch::Receiver<bool>,
) {
    let upkeep = upkeep(metrics, stop.clone());
    let Some(own) = own else {
        return upkeep.await;
    };
    let limits = Limits {
        max_connections: MAX_CONNECTIONS,
        ..limits
    };
    let app = tessera_http::metrics_router(state);
    tokio::join!(upkeep, serve(own.listener, app, limits, stop));
}

async fn upkeep(metrics: Arc<Metrics>, mut stop: watch::Receiver<bool>) {
    let mut every = tokio::time::interval(UPKEEP);
    loop {
        tokio::select! {
            _ = every.tick() => metrics.upkeep(),
            _ = stop.wait_for(|s| *s) => return,
        }
    }
}
