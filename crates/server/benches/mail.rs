//! Hand-run mail benchmark (never in CI): fills the outbox of a throw-away SQLite database
//! with `BENCH_MAILS` activation mails, starts Tessera in-process with SMTP delivery to a
//! local sink on 127.0.0.1, and prints how fast the worker empties the queue. See
//! `benches/README.md`.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};
use tessera_core::Timestamp;
use tessera_core::domain::EmailAddress;
use tessera_core::mail::{MailContext, MailKind, NewMail};
use tessera_server::Overrides;
use tessera_server::config::{EmailBackend, SmtpTls};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::Notify;

mod common;
use common::{BoxError, config};

/// Mails written to the outbox in one transaction while filling it.
const FILL_BATCH: usize = 500;
/// The benchmark gives up when the queue is not empty by then.
const DEADLINE: Duration = Duration::from_secs(300);

/// A minimal SMTP server that accepts every message and only counts them, answering each
/// command at once (with `TCP_NODELAY`, so that its own replies are never held back).
#[derive(Clone, Default)]
struct Sink {
    received: Arc<AtomicUsize>,
    arrived: Arc<Notify>,
}

impl Sink {
    async fn start(&self) -> Result<u16, BoxError> {
        let listener = TcpListener::bind("127.0.0.1:0").await?;
        let port = listener.local_addr()?.port();
        let sink = self.clone();
        tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                let sink = sink.clone();
                tokio::spawn(async move { sink.session(stream).await });
            }
        });
        Ok(port)
    }

    async fn session(&self, stream: TcpStream) {
        let _ = stream.set_nodelay(true);
        let (read, mut write) = stream.into_split();
        let mut lines = BufReader::new(read);
        let mut line = String::new();
        if write.write_all(b"220 sink ESMTP\r\n").await.is_err() {
            return;
        }
        loop {
            line.clear();
            if lines.read_line(&mut line).await.unwrap_or(0) == 0 {
                return;
            }
            let upper = line.to_ascii_uppercase();
            let reply: &[u8] = if upper.starts_with("EHLO") {
                b"250-sink\r\n250 8BITMIME\r\n"
            } else if upper.starts_with("DATA") {
                if write.write_all(b"354 go ahead\r\n").await.is_err() {
                    return;
                }
                loop {
                    line.clear();
                    if lines.read_line(&mut line).await.unwrap_or(0) == 0 {
                        return;
                    }
                    if line == ".\r\n" {
                        break;
                    }
                }
                self.received.fetch_add(1, Ordering::SeqCst);
                self.arrived.notify_waiters();
                b"250 queued\r\n"
            } else if upper.starts_with("QUIT") {
                let _ = write.write_all(b"221 bye\r\n").await;
                return;
            } else {
                b"250 OK\r\n"
            };
            if write.write_all(reply).await.is_err() {
                return;
            }
        }
    }

    fn count(&self) -> usize {
        self.received.load(Ordering::SeqCst)
    }

    /// Wait until `n` messages have arrived; the instant the first one did.
    async fn wait_for(&self, n: usize) -> Result<Option<Instant>, BoxError> {
        let deadline = tokio::time::Instant::now() + DEADLINE;
        let mut first = None;
        loop {
            let notified = self.arrived.notified();
            let count = self.count();
            if count > 0 && first.is_none() {
                first = Some(Instant::now());
            }
            if count >= n {
                return Ok(first);
            }
            // Woken by each arrival, and at least every 10 ms.
            let wait = tokio::time::timeout(Duration::from_millis(10), notified);
            if tokio::time::Instant::now() > deadline {
                return Err(format!("only {count} of {n} mails arrived in {DEADLINE:?}").into());
            }
            let _ = wait.await;
        }
    }
}

fn mail(i: usize) -> Result<NewMail, BoxError> {
    let to =
        EmailAddress::parse(&format!("bench{i}@tessera.test")).map_err(|e| format!("{e:?}"))?;
    Ok(NewMail {
        kind: MailKind::Activation,
        user_id: None,
        to,
        context: MailContext {
            site_name: "Tessera".into(),
            username: format!("bench{i}"),
            email: format!("bench{i}@tessera.test"),
            url: Some(format!(
                "https://front.example/activate/MQ/{i}-0123456789abcdef"
            )),
            uid: Some("MQ".into()),
            ..MailContext::default()
        },
    })
}

async fn fill(config: &tessera_server::Config, mails: usize) -> Result<(), BoxError> {
    let store = tessera_server::open_store(config, true).await?.store;
    let now = Timestamp(0);
    let mut written = 0;
    while written < mails {
        let mut tx = store.begin().await?;
        for i in written..(written + FILL_BATCH).min(mails) {
            tx.enqueue_mail(&mail(i)?, now).await?;
        }
        tx.commit().await?;
        written = (written + FILL_BATCH).min(mails);
    }
    Ok(())
}

async fn run(dir: std::path::PathBuf) -> Result<(), BoxError> {
    let mails: usize = std::env::var("BENCH_MAILS")
        .ok()
        .map(|v| v.parse())
        .transpose()?
        .unwrap_or(3000);
    let sink = Sink::default();
    let port = sink.start().await?;
    let mut config = config(&dir)?;
    config.email_backend = EmailBackend::Smtp;
    config.smtp_host = "127.0.0.1".into();
    config.smtp_port = port;
    config.smtp_tls = SmtpTls::None;
    bench_settings(&mut config)?;
    fill(&config, mails).await?;
    println!("{mails} mails queued; starting the service");

    let started = Instant::now();
    let running = tessera_server::start(&config, Overrides::default()).await?;
    let first = sink.wait_for(mails).await?;
    let elapsed = started.elapsed();
    running.stop().await;
    let to_first = first.map(|f| f.duration_since(started)).unwrap_or_default();
    let rate = mails as f64 / elapsed.as_secs_f64();
    println!(
        "delivered {mails} mails in {:.2} s: {rate:.1} mails/s (first mail after {:.0} ms)",
        elapsed.as_secs_f64(),
        to_first.as_secs_f64() * 1000.0,
    );
    Ok(())
}

/// `BENCH_MAIL_CONCURRENCY` (deliveries at once; default: the setting's default).
fn bench_settings(config: &mut tessera_server::Config) -> Result<(), BoxError> {
    if let Ok(concurrency) = std::env::var("BENCH_MAIL_CONCURRENCY") {
        config.mail_concurrency = concurrency.parse()?;
    }
    Ok(())
}

#[tokio::main(flavor = "multi_thread")]
async fn main() -> Result<(), BoxError> {
    common::in_temp_dir("tessera-mail-bench", run).await
}
