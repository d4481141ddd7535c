//! Hand-run enumeration-timing benchmark (never in CI): the answers that must not tell
//! whether an account exists, timed for a known and an unknown account side by side. See
//! `benches/README.md`.

use std::path::PathBuf;
use std::time::{Duration, Instant};
use tessera_server::Overrides;

mod common;
use common::{BoxError, EMAIL, USERNAME, accounts, config, create_user, register};
use tessera_core::accounts::Operator;

/// An account whose password an operator made unusable (`tessera user reset-password`).
const UNUSABLE: &str = "unusable@tessera.test";

/// One request, for the known account and for an unknown one.
struct Probe {
    name: &'static str,
    path: &'static str,
    known: serde_json::Value,
    unknown: serde_json::Value,
}

fn probes() -> Vec<Probe> {
    let wrong = "Wrong-password-42";
    vec![
        Probe {
            name: "POST jwt/create (wrong password)",
            path: "/auth/jwt/create/",
            known: serde_json::json!({"email": EMAIL, "password": wrong}),
            unknown: serde_json::json!({"email": "nobody@tessera.test", "password": wrong}),
        },
        Probe {
            name: "POST jwt/create (unusable password)",
            path: "/auth/jwt/create/",
            known: serde_json::json!({"email": UNUSABLE, "password": wrong}),
            unknown: serde_json::json!({"email": "nobody@tessera.test", "password": wrong}),
        },
        Probe {
            name: "POST login/ (wrong password)",
            path: "/api/auth/login/",
            known: serde_json::json!({"username": USERNAME, "password": wrong}),
            unknown: serde_json::json!({"username": "nobody", "password": wrong}),
        },
        Probe {
            name: "POST users/reset_password/",
            path: "/auth/users/reset_password/",
            known: serde_json::json!({"email": EMAIL}),
            unknown: serde_json::json!({"email": "nobody@tessera.test"}),
        },
        Probe {
            name: "POST password_reset/ (JSON)",
            path: "/api/auth/password_reset/",
            known: serde_json::json!({"email": EMAIL}),
            unknown: serde_json::json!({"email": "nobody@tessera.test"}),
        },
    ]
}

/// `p`-th percentile (nearest rank) of sorted latencies, in ms.
fn percentile(sorted: &[Duration], p: usize) -> f64 {
    let rank = (sorted.len() * p).div_ceil(100).clamp(1, sorted.len());
    sorted[rank - 1].as_secs_f64() * 1000.0
}

fn summary(mut times: Vec<Duration>) -> String {
    times.sort();
    let mean = times.iter().sum::<Duration>().as_secs_f64() * 1000.0 / times.len() as f64;
    format!(
        "{:>7.2} {:>7.2} {:>7.2} {:>7.2} {:>7.2}",
        percentile(&times, 10),
        percentile(&times, 50),
        percentile(&times, 90),
        percentile(&times, 99),
        mean
    )
}

async fn run(dir: PathBuf) -> Result<(), BoxError> {
    let rounds: usize = std::env::var("BENCH_ROUNDS").map_or(Ok(200), |v| v.parse())?;
    let mut config = config(&dir)?;
    // One name is tried again and again: the per-name login throttle would answer instead.
    config.login_lockout_threshold = 0;
    config.login_delay_after = u32::MAX;
    create_user(&config).await?;
    let operator = accounts(&config).await?;
    let unusable = register(&operator, UNUSABLE, "unusable").await?;
    operator
        .force_password_reset(&Operator::Cli, &unusable)
        .await
        .map_err(|e| format!("{e:?}"))?;
    drop(operator);
    let running = tessera_server::start(&config, Overrides::default()).await?;
    let base = format!("http://{}", running.addr);
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(1)
        .build()?;
    println!(
        "tessera timing benchmark: {rounds} rounds per probe, known and unknown interleaved, one client"
    );
    println!(
        "latency in ms            |  known: p10     p50     p90     p99    mean | unknown: p10     p50     p90     p99    mean"
    );
    for probe in probes() {
        let (mut known, mut unknown) = (Vec::new(), Vec::new());
        for round in 0..rounds + 10 {
            for (body, times) in [(&probe.known, &mut known), (&probe.unknown, &mut unknown)] {
                let start = Instant::now();
                let r = client
                    .post(format!("{base}{}", probe.path))
                    .json(body)
                    .send()
                    .await?;
                let status = r.status();
                r.bytes().await?;
                if round >= 10 {
                    times.push(start.elapsed());
                }
                if status.is_server_error() {
                    return Err(format!("{}: {status}", probe.name).into());
                }
            }
        }
        println!(
            "{:<34} {} | {}",
            probe.name,
            summary(known),
            summary(unknown)
        );
    }
    running.stop().await;
    Ok(())
}

#[tokio::main(flavor = "multi_thread")]
async fn main() -> Result<(), BoxError> {
    common::in_temp_dir("tessera-timing", run).await
}
