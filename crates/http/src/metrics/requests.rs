//! Requests counted and timed by route template (axum's `MatchedPath`; every path no route
//! matched is one `unmatched`), method and status (recorded by the telemetry layer around the
//! whole router): the series, registered on a request's first sight of its (route, method,
//! status) and found again after that without allocating.

use super::{META, REQUEST_SECONDS, REQUESTS};
use axum::http::Method;
use metrics::{Counter, Histogram, Key, Label, Recorder};
use metrics_exporter_prometheus::PrometheusRecorder;
use std::collections::HashMap;
use std::sync::{PoisonError, RwLock};

/// The route label of a request no route matched (so unknown paths are one series).
pub(super) const UNMATCHED: &str = "unmatched";

/// The series of one (route, method, status).
struct Series {
    method: &'static str,
    status: u16,
    count: Counter,
    seconds: Histogram,
}

impl Series {
    fn is(&self, method: &str, status: u16) -> bool {
        self.status == status && self.method == method
    }

    fn record(&self, secs: f64) {
        self.count.increment(1);
        self.seconds.record(secs);
    }
}

/// Every series seen so far, by route (a route has few methods and statuses).
#[derive(Default)]
pub(super) struct Requests {
    routes: RwLock<HashMap<Box<str>, Vec<Series>>>,
}

impl Requests {
    pub(super) fn record(
        &self,
        recorder: &PrometheusRecorder,
        route: &str,
        method: &'static str,
        status: u16,
        secs: f64,
    ) {
        {
            let routes = self.routes.read().unwrap_or_else(PoisonError::into_inner);
            let known = routes
                .get(route)
                .and_then(|s| s.iter().find(|s| s.is(method, status)));
            if let Some(series) = known {
                series.record(secs);
                return;
            }
        }
        let mut routes = self.routes.write().unwrap_or_else(PoisonError::into_inner);
        let list = routes.entry(route.into()).or_default();
        // Another request may have registered it between the two locks.
        let at = match list.iter().position(|s| s.is(method, status)) {
            Some(at) => at,
            None => {
                list.push(register(recorder, route, method, status));
                list.len() - 1
            }
        };
        list[at].record(secs);
    }
}

fn register(
    recorder: &PrometheusRecorder,
    route: &str,
    method: &'static str,
    status: u16,
) -> Series {
    let labels = || {
        vec![
            Label::new("route", route.to_owned()),
            Label::from_static_parts("method", method),
            Label::new("status", status.to_string()),
        ]
    };
    Series {
        method,
        status,
        count: recorder.register_counter(&Key::from_parts(REQUESTS, labels()), &META),
        seconds: recorder.register_histogram(&Key::from_parts(REQUEST_SECONDS, labels()), &META),
    }
}

/// A method as a static label: the standard ones by name, any other as `OTHER`.
pub(crate) fn method_label(method: &Method) -> &'static str {
    const KNOWN: [(Method, &str); 9] = [
        (Method::GET, "GET"),
        (Method::POST, "POST"),
        (Method::PUT, "PUT"),
        (Method::PATCH, "PATCH"),
        (Method::DELETE, "DELETE"),
        (Method::HEAD, "HEAD"),
        (Method::OPTIONS, "OPTIONS"),
        (Method::TRACE, "TRACE"),
        (Method::CONNECT, "CONNECT"),
    ];
    KNOWN
        .iter()
        .find(|(known, _)| known == method)
        .map_or("OTHER", |(_, name)| name)
}
