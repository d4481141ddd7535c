//! `Metrics`: one app's registry, rendered at `GET /metrics` in Prometheus's text format.
//! Every series is a handle registered once on this app's own recorder (never the process's
//! global one, so apps started side by side count apart) and then only incremented or set:
//! requests by route template, logins and second steps by outcome, rate-limit refusals by
//! rule, mail, the hashing pool, the database pool and the outbox (the last three read when
//! scraped), and the build.

mod requests;

use crate::limits::Rule;
use crate::{AppState, MetricsAt};
use axum::Router;
use axum::extract::State;
use axum::http::header::CONTENT_TYPE;
use axum::response::IntoResponse;
use axum::routing::get;
use metrics::{Counter, Gauge, Histogram, Key, KeyName, Label, Level, Metadata, Recorder};
use metrics_exporter_prometheus::{
    Matcher, PrometheusBuilder, PrometheusHandle, PrometheusRecorder,
};
use std::time::Duration;
use tessera_core::accounts::Vitals;
use tessera_core::mail::Channel;
use tessera_core::observe::{Delivery, HashJob, Login, Observe, SecondStep};

pub(crate) use requests::method_label;

const META: Metadata<'static> = Metadata::new("tessera", Level::INFO, None);

const REQUESTS: &str = "tessera_http_requests_total";
const REQUEST_SECONDS: &str = "tessera_http_request_duration_seconds";
const HASH_SECONDS: &str = "tessera_password_hash_duration_seconds";

/// Upper bounds of the latency buckets, in seconds: a token check takes well under a
/// millisecond, a login tens of milliseconds.
const REQUEST_BUCKETS: [f64; 14] = [
    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
];
/// Argon2id at OWASP's cost takes 15–25 ms a hash on one core; Django's PBKDF2 ~180 ms.
const HASH_BUCKETS: [f64; 10] = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0];

/// The type of the text `GET /metrics` answers.
const TEXT_FORMAT: &str = "text/plain; version=0.0.4; charset=utf-8";

pub struct Metrics {
    recorder: PrometheusRecorder,
    handle: PrometheusHandle,
    requests: requests::Requests,
    /// By `Login as usize`, `SecondStep as usize`, `Rule as usize`: each enum's `ALL` order.
    logins: [Counter; Login::ALL.len()],
    second_steps: [Counter; SecondStep::ALL.len()],
    rate_limited: [Counter; Rule::ALL.len()],
    mails_queued: Counter,
    mails_sent: Counter,
    mail_retries: Counter,
    mails_failed: Counter,
    webhooks: [Counter; 3],
    outbox_pending: Gauge,
    outbox_oldest: Gauge,
    hash_waiting: Gauge,
    hash_running: Gauge,
    hash_seconds: [Histogram; HashJob::ALL.len()],
    connections_in_use: Gauge,
    connections_idle: Gauge,
}

impl Metrics {
    /// A fresh registry with every series but the requests' at zero, for this build.
    pub fn new(version: &str) -> Self {
        let recorder = PrometheusBuilder::new()
            .set_buckets_for_metric(Matcher::Full(REQUEST_SECONDS.into()), &REQUEST_BUCKETS)
            .and_then(|b| {
                b.set_buckets_for_metric(Matcher::Full(HASH_SECONDS.into()), &HASH_BUCKETS)
            })
            .map(PrometheusBuilder::build_recorder)
            .unwrap_or_else(|_| PrometheusBuilder::new().build_recorder());
        let r = &recorder;
        describe(r);
        let build = gauge(
            r,
            "tessera_build_info",
            vec![Label::new("version", version.to_owned())],
        );
        build.set(1.0);
        let labelled = |name: &'static str, key: &'static str, value: &'static str| {
            counter(r, name, vec![Label::from_static_parts(key, value)])
        };
        let connections = |state: &'static str| {
            gauge(
                r,
                "tessera_database_connections",
                vec![Label::from_static_parts("state", state)],
            )
        };
        let hash_waiting = gauge(r, "tessera_password_hash_queue", Vec::new());
        let hash_running = gauge(r, "tessera_password_hash_running", Vec::new());
        Self {
            handle: recorder.handle(),
            requests: requests::Requests::default(),
            logins: Login::ALL.map(|o| labelled("tessera_logins_total", "outcome", o.as_str())),
            second_steps: SecondStep::ALL
                .map(|o| labelled("tessera_two_factor_challenges_total", "outcome", o.as_str())),
            rate_limited: Rule::ALL
                .map(|rule| labelled("tessera_rate_limited_total", "rule", rule.name())),
            mails_queued: counter(r, "tessera_mails_queued_total", Vec::new()),
            mails_sent: counter(r, "tessera_mails_sent_total", Vec::new()),
            mail_retries: counter(r, "tessera_mail_retries_total", Vec::new()),
            mails_failed: counter(r, "tessera_mails_failed_total", Vec::new()),
            webhooks: Delivery::ALL
                .map(|o| labelled("tessera_webhook_deliveries_total", "outcome", o.as_str())),
            outbox_pending: gauge(r, "tessera_outbox_pending", Vec::new()),
            outbox_oldest: gauge(r, "tessera_outbox_oldest_pending_age_seconds", Vec::new()),
            hash_waiting,
            hash_running,
            hash_seconds: HashJob::ALL.map(|job| {
                let label = vec![Label::from_static_parts("job", job.as_str())];
                r.register_histogram(&Key::from_parts(HASH_SECONDS, label), &META)
            }),
            connections_in_use: connections("in_use"),
            connections_idle: connections("idle"),
            recorder,
        }
    }

    /// A request under `rule` refused with 429.
    pub(crate) fn rate_limited(&self, rule: Rule) {
        self.rate_limited[rule as usize].increment(1);
    }

    /// One answered request: `route` is its template, `None` when no route matched.
    pub(crate) fn request(
        &self,
        route: Option<&str>,
        method: &'static str,
        status: u16,
        took: Duration,
    ) {
        let route = route.unwrap_or(requests::UNMATCHED);
        self.requests
            .record(&self.recorder, route, method, status, took.as_secs_f64());
    }

    /// Everything, in Prometheus's text format, with the scrape-time readings in `vitals`.
    pub fn render(&self, vitals: &Vitals) -> String {
        let pool = vitals.connections;
        self.connections_in_use.set(f64::from(pool.in_use()));
        self.connections_idle.set(f64::from(pool.idle));
        self.hash_waiting.set(count(vitals.hashing.waiting));
        self.hash_running.set(count(vitals.hashing.running));
        // An outbox the database did not show in time keeps its last reading.
        if let Some(outbox) = vitals.outbox {
            self.outbox_pending.set(outbox.pending as f64);
            self.outbox_oldest.set(vitals.oldest_pending_secs as f64);
        }
        self.handle.render()
    }

    /// Fold the latency samples recorded since the last time into their histograms (a
    /// scrape does it too); run every few seconds so that memory stays flat unscraped.
    pub fn upkeep(&self) {
        self.handle.run_upkeep();
    }
}

impl Observe for Metrics {
    fn login(&self, outcome: Login) {
        self.logins[outcome as usize].increment(1);
    }

    fn second_step(&self, outcome: SecondStep) {
        self.second_steps[outcome as usize].increment(1);
    }

    fn mails_queued(&self, count: u64) {
        self.mails_queued.increment(count);
    }

    fn delivery(&self, channel: Channel, outcome: Delivery) {
        if channel == Channel::Webhook {
            self.webhooks[outcome as usize].increment(1);
            return;
        }
        match outcome {
            Delivery::Sent => &self.mails_sent,
            Delivery::Retrying => &self.mail_retries,
            Delivery::GivenUp => &self.mails_failed,
        }
        .increment(1);
    }

    fn hashed(&self, job: HashJob, took: Duration) {
        self.hash_seconds[job as usize].record(took.as_secs_f64());
    }
}

/// `GET /metrics`, where `at` puts it.
pub(crate) fn routes(at: MetricsAt) -> Router<AppState> {
    match at {
        MetricsAt::ThisListener => Router::new().route("/metrics", get(exposition)),
        MetricsAt::OwnListener => Router::new(),
    }
}

async fn exposition(State(state): State<AppState>) -> impl IntoResponse {
    let vitals = state.accounts.vitals().await;
    ([(CONTENT_TYPE, TEXT_FORMAT)], state.metrics.render(&vitals))
}

fn counter(r: &PrometheusRecorder, name: &'static str, labels: Vec<Label>) -> Counter {
    r.register_counter(&Key::from_parts(name, labels), &META)
}

fn gauge(r: &PrometheusRecorder, name: &'static str, labels: Vec<Label>) -> Gauge {
    r.register_gauge(&Key::from_parts(name, labels), &META)
}

fn count(n: usize) -> f64 {
    u32::try_from(n).map_or(f64::from(u32::MAX), f64::from)
}

/// The HELP line of every metric.
fn describe(r: &PrometheusRecorder) {
    let counters = [
        (
            REQUESTS,
            "HTTP requests answered, by route template, method and status",
        ),
        ("tessera_logins_total", "password logins, by outcome"),
        (
            "tessera_two_factor_challenges_total",
            "answers to a login's second-factor challenge, by outcome",
        ),
        (
            "tessera_rate_limited_total",
            "requests refused with 429, by rate-limit rule",
        ),
        (
            "tessera_mails_queued_total",
            "mails committed to the outbox",
        ),
        ("tessera_mails_sent_total", "mails the mail server accepted"),
        (
            "tessera_mail_retries_total",
            "failed delivery attempts that will be retried",
        ),
        (
            "tessera_mails_failed_total",
            "mails given up after their last attempt failed",
        ),
        (
            "tessera_webhook_deliveries_total",
            "webhook POST attempts, by outcome (sent, retrying, given_up)",
        ),
    ];
    for (name, help) in counters {
        r.describe_counter(KeyName::from_const_str(name), None, help.into());
    }
    let gauges = [
        ("tessera_build_info", "the running build (always 1)"),
        ("tessera_outbox_pending", "mails waiting in the outbox"),
        (
            "tessera_outbox_oldest_pending_age_seconds",
            "how long the oldest pending mail has waited",
        ),
        (
            "tessera_password_hash_queue",
            "password hashes waiting for a slot of the hashing pool",
        ),
        ("tessera_password_hash_running", "password hashes computing"),
        (
            "tessera_database_connections",
            "database pool connections, in use or idle",
        ),
    ];
    for (name, help) in gauges {
        r.describe_gauge(KeyName::from_const_str(name), None, help.into());
    }
    let histograms = [
        (
            REQUEST_SECONDS,
            "time to answer a request, by route template, method and status",
        ),
        (
            HASH_SECONDS,
            "time one password hash or check took on the hashing pool",
        ),
    ];
    for (name, help) in histograms {
        r.describe_histogram(KeyName::from_const_str(name), None, help.into());
    }
}

#[cfg(test)]
mod tests;
