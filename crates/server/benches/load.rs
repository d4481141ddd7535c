//! Hand-run load benchmark (never in CI): starts Tessera in-process on a throw-away SQLite
//! database, drives it from concurrent keep-alive clients on 127.0.0.1 and prints req/s and
//! latency percentiles per scenario. See `benches/README.md`.

use reqwest::{Client, Method, RequestBuilder, header};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tessera_server::Overrides;

mod common;
use common::{BoxError, EMAIL, PASSWORD, config, create_user};

/// Concurrent logins in the login-only scenario (hashing is bounded by one permit per core).
const LOGIN_CONNECTIONS: usize = 16;
/// The mixed scenario: verifiers measured while loggers-in saturate the hash pool.
const MIXED_VERIFY_CONNECTIONS: usize = 8;
const MIXED_LOGIN_CONNECTIONS: usize = 32;
/// Upper bound on one request, so that every loop ends shortly after its deadline.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);

/// One request, sent again and again by the load loops.
struct Call {
    method: Method,
    url: String,
    bearer: Option<String>,
    body: Option<String>,
}

impl Call {
    fn post(url: String, body: serde_json::Value) -> Self {
        let body = Some(body.to_string());
        Self {
            method: Method::POST,
            url,
            bearer: None,
            body,
        }
    }

    fn get_auth(url: String, token: &str) -> Self {
        Self {
            method: Method::GET,
            url,
            bearer: Some(token.to_owned()),
            body: None,
        }
    }

    fn request(&self, client: &Client) -> RequestBuilder {
        let mut request = client.request(self.method.clone(), &self.url);
        if let Some(token) = &self.bearer {
            request = request.bearer_auth(token);
        }
        if let Some(body) = &self.body {
            request = request
                .header(header::CONTENT_TYPE, "application/json")
                .body(body.clone());
        }
        request
    }

    /// Send once and read the whole body (so the connection is reused); true on 2xx.
    async fn once(&self, client: &Client) -> bool {
        match self.request(client).send().await {
            Ok(response) => {
                let success = response.status().is_success();
                response.bytes().await.is_ok() && success
            }
            Err(_) => false,
        }
    }
}

/// What one scenario (or one half of the mixed scenario) measured.
#[derive(Default)]
struct Outcome {
    requests: usize,
    errors: usize,
    elapsed: Duration,
    latencies: Vec<Duration>,
}

impl Outcome {
    fn add(&mut self, other: Outcome) {
        self.requests += other.requests;
        self.errors += other.errors;
        self.latencies.extend(other.latencies);
    }
}

/// A client with a single keep-alive connection to the server.
fn client() -> Result<Client, reqwest::Error> {
    Client::builder()
        .pool_max_idle_per_host(1)
        .timeout(REQUEST_TIMEOUT)
        .build()
}

/// One connection: send `call` back to back until `deadline`, timing every request.
async fn client_loop(call: Arc<Call>, deadline: Instant) -> Result<Outcome, reqwest::Error> {
    let client = client()?;
    let mut outcome = Outcome::default();
    while Instant::now() < deadline {
        let started = Instant::now();
        let success = call.once(&client).await;
        outcome.latencies.push(started.elapsed());
        outcome.requests += 1;
        if !success {
            outcome.errors += 1;
        }
    }
    Ok(outcome)
}

/// Run `connections` client loops for `duration`; wall time runs until the last one ends.
async fn load(call: Call, connections: usize, duration: Duration) -> Result<Outcome, BoxError> {
    let call = Arc::new(call);
    let started = Instant::now();
    let deadline = started + duration;
    let loops: Vec<_> = (0..connections)
        .map(|_| tokio::spawn(client_loop(call.clone(), deadline)))
        .collect();
    let mut total = Outcome::default();
    for handle in loops {
        total.add(handle.await??);
    }
    total.elapsed = started.elapsed();
    Ok(total)
}

/// The nearest-rank percentile `p` (0..=100) of sorted latencies, in milliseconds.
fn percentile_ms(sorted: &[Duration], p: usize) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let rank = (sorted.len() * p).div_ceil(100).max(1);
    sorted[rank - 1].as_secs_f64() * 1000.0
}

fn print_header() {
    println!(
        "{:<24} {:>5} {:>9} {:>7} {:>9} {:>9} {:>9} {:>12}",
        "scenario", "conns", "requests", "errors", "req/s", "p50 ms", "p99 ms", "RSS after"
    );
}

/// One line of the table; RSS is read when the scenario has ended. Returns req/s.
fn print_row(scenario: &str, connections: usize, mut outcome: Outcome) -> f64 {
    outcome.latencies.sort_unstable();
    let rate = outcome.requests as f64 / outcome.elapsed.as_secs_f64();
    println!(
        "{:<24} {:>5} {:>9} {:>7} {:>9.1} {:>9.2} {:>9.2} {:>12}",
        scenario,
        connections,
        outcome.requests,
        outcome.errors,
        rate,
        percentile_ms(&outcome.latencies, 50),
        percentile_ms(&outcome.latencies, 99),
        rss(),
    );
    rate
}

/// Bare Argon2id (the argon2 crate at OWASP's m=19456 t=2 p=1, what every login costs) on
/// every core at once for `duration`: the bound on logins per second.
fn bare_argon2_rate(duration: Duration) -> f64 {
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let started = Instant::now();
    let hashes: usize = std::thread::scope(|scope| {
        let workers: Vec<_> = (0..cores)
            .map(|_| {
                scope.spawn(|| {
                    let argon2 = argon2::Argon2::default();
                    let mut out = [0u8; 32];
                    let mut done = 0;
                    while started.elapsed() < duration {
                        argon2
                            .hash_password_into(PASSWORD.as_bytes(), b"bench-salt-16byte", &mut out)
                            .expect("argon2 at its defaults");
                        done += 1;
                    }
                    done
                })
            })
            .collect();
        workers.into_iter().map(|w| w.join().unwrap_or(0)).sum()
    });
    hashes as f64 / started.elapsed().as_secs_f64()
}

/// Resident set size of this process (server and client together), from /proc.
fn rss() -> String {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|line| line.strip_prefix("VmRSS:"))
        .map_or_else(|| "unknown".to_owned(), |v| v.trim().to_owned())
}

/// A positive integer from the environment, or `default` when unset.
fn env_or(name: &str, default: usize) -> Result<usize, BoxError> {
    match std::env::var(name) {
        Ok(raw) => match raw.trim().parse::<usize>() {
            Ok(n) if n > 0 => Ok(n),
            _ => Err(format!("{name} must be a positive integer, got {raw:?}").into()),
        },
        Err(_) => Ok(default),
    }
}

/// Log in once; returns the access token.
async fn access_token(base: &str) -> Result<String, BoxError> {
    let response = client()?
        .post(format!("{base}/auth/jwt/create/"))
        .json(&serde_json::json!({"email": EMAIL, "password": PASSWORD}))
        .send()
        .await?
        .error_for_status()?;
    let body: serde_json::Value = response.json().await?;
    body["access"]
        .as_str()
        .map(str::to_owned)
        .ok_or_else(|| format!("no access token in {body}").into())
}

/// The requests of the scenarios, bound to one server and one user.
struct Calls {
    base: String,
    access: String,
}

impl Calls {
    fn verify(&self) -> Call {
        let url = format!("{}/auth/jwt/verify/", self.base);
        Call::post(url, serde_json::json!({"token": self.access}))
    }

    fn me(&self) -> Call {
        Call::get_auth(format!("{}/auth/users/me/", self.base), &self.access)
    }

    fn login(&self) -> Call {
        let url = format!("{}/auth/jwt/create/", self.base);
        Call::post(
            url,
            serde_json::json!({"email": EMAIL, "password": PASSWORD}),
        )
    }
}

/// Run the four scenarios in turn and print one row each (two for the mixed one); the
/// logins per second of the login scenario.
async fn scenarios(calls: &Calls, connections: usize, duration: Duration) -> Result<f64, BoxError> {
    print_header();
    let outcome = load(calls.verify(), connections, duration).await?;
    print_row("POST jwt/verify", connections, outcome);
    let outcome = load(calls.me(), connections, duration).await?;
    print_row("GET users/me", connections, outcome);
    let outcome = load(calls.login(), LOGIN_CONNECTIONS, duration).await?;
    let logins = print_row("POST jwt/create", LOGIN_CONNECTIONS, outcome);
    let (verify, login) = tokio::join!(
        load(calls.verify(), MIXED_VERIFY_CONNECTIONS, duration),
        load(calls.login(), MIXED_LOGIN_CONNECTIONS, duration),
    );
    print_row("mixed: POST jwt/verify", MIXED_VERIFY_CONNECTIONS, verify?);
    print_row("mixed: POST jwt/create", MIXED_LOGIN_CONNECTIONS, login?);
    Ok(logins)
}

async fn run(dir: PathBuf) -> Result<(), BoxError> {
    let connections = env_or("BENCH_CONNECTIONS", 64)?;
    let seconds = env_or("BENCH_SECONDS", 10)?;
    let config = config(&dir)?;
    create_user(&config).await?;
    let starting = Instant::now();
    let running = tessera_server::start(&config, Overrides::default()).await?;
    let started = starting.elapsed();
    let base = format!("http://{}", running.addr);
    let access = access_token(&base).await?;
    let calls = Calls { base, access };
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    println!(
        "tessera load benchmark: {cores} cores (shared by client and server), {seconds} s per scenario"
    );
    println!(
        "start to listening {:.1} ms; RSS at idle after start (server + client, one process): {}",
        started.as_secs_f64() * 1000.0,
        rss()
    );
    let duration = Duration::from_secs(u64::try_from(seconds)?);
    let logins = scenarios(&calls, connections, duration).await?;
    println!(
        "RSS after the run (server + client, one process): {}",
        rss()
    );
    let bare =
        tokio::task::spawn_blocking(move || bare_argon2_rate(duration.min(Duration::from_secs(5))))
            .await?;
    println!(
        "logins {logins:.1}/s against bare Argon2id on all cores {bare:.1}/s: {:.2}x",
        logins / bare
    );
    running.stop().await;
    Ok(())
}

#[tokio::main(flavor = "multi_thread")]
async fn main() -> Result<(), BoxError> {
    common::in_temp_dir("tessera-bench", run).await
}
