//! `ServeProcess`: the real `tessera serve` binary on a SQLite file and file mail in a
//! temporary directory (or what the test's own settings say), with its JSON debug log
//! captured (for log-hygiene tests) and its standard output readable while it runs (the
//! console mail backend), stopped with SIGTERM.

use reqwest::StatusCode;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

pub struct ServeProcess {
    child: Child,
    lines: JoinHandle<Vec<String>>,
    stdout: Arc<Mutex<Vec<u8>>>,
    pub base: String,
    pub dir: PathBuf,
}

impl ServeProcess {
    pub async fn start(secret_key: &str) -> Self {
        Self::start_with(secret_key, &[]).await
    }

    /// Started with `settings` (variable, value) over the defaults above.
    pub async fn start_with(secret_key: &str, settings: &[(&str, String)]) -> Self {
        Self::spawn(secret_key, settings, None).await
    }

    /// Started with `settings` and, when given, this soft limit of open files (the shell's
    /// `ulimit -S -n`, then `exec`: the process keeps the shell's id).
    pub async fn spawn(
        secret_key: &str,
        settings: &[(&str, String)],
        soft_open_files: Option<u64>,
    ) -> Self {
        let dir =
            std::env::temp_dir().join(format!("tessera-log-{}", uuid::Uuid::new_v4().simple()));
        std::fs::create_dir_all(&dir).unwrap();
        let port = free_port();
        let binary = env!("CARGO_BIN_EXE_tessera");
        let mut command = match soft_open_files {
            Some(n) => {
                let mut shell = Command::new("sh");
                shell
                    .arg("-c")
                    .arg(format!("ulimit -S -n {n} && exec \"$0\" serve"))
                    .arg(binary);
                shell
            }
            None => {
                let mut direct = Command::new(binary);
                direct.arg("serve");
                direct
            }
        };
        command
            .env("TESSERA_BIND", format!("127.0.0.1:{port}"))
            .env(
                "TESSERA_DATABASE_URL",
                format!("sqlite://{}/t.db", dir.display()),
            )
            .env("TESSERA_SECRET_KEY", secret_key)
            .env("TESSERA_EMAIL_BACKEND", "file")
            .env("TESSERA_EMAIL_DIR", dir.join("mail"))
            .env("TESSERA_LOG_FORMAT", "json")
            .env("RUST_LOG", "debug")
            .env("TESSERA_DATABASE_ACQUIRE_TIMEOUT", "10")
            .envs(settings.iter().map(|(k, v)| (k, v)))
            .stderr(Stdio::piped())
            .stdout(Stdio::piped());
        let mut child = command.spawn().unwrap();
        let stdout = Arc::new(Mutex::new(Vec::new()));
        let mut out = child.stdout.take().unwrap();
        let printed = stdout.clone();
        std::thread::spawn(move || {
            use std::io::Read;
            let mut chunk = [0u8; 4096];
            while let Ok(n @ 1..) = out.read(&mut chunk) {
                printed.lock().unwrap().extend_from_slice(&chunk[..n]);
            }
        });
        let stderr = child.stderr.take().unwrap();
        let lines = std::thread::spawn(move || {
            use std::io::BufRead;
            std::io::BufReader::new(stderr)
                .lines()
                .map_while(Result::ok)
                .collect::<Vec<_>>()
        });
        let base = format!("http://127.0.0.1:{port}");
        wait_until_up(&base).await;
        Self {
            child,
            lines,
            stdout,
            base,
            dir,
        }
    }

    /// What the process printed on its standard output so far.
    pub fn stdout(&self) -> String {
        String::from_utf8_lossy(&self.stdout.lock().unwrap()).into_owned()
    }

    /// The `.eml` files the file backend wrote so far.
    pub fn mail_files(&self) -> Vec<PathBuf> {
        std::fs::read_dir(self.dir.join("mail"))
            .map(|d| d.map_while(Result::ok).map(|e| e.path()).collect())
            .unwrap_or_default()
    }

    /// The default SQLite database's URL (for a test's own connection to it).
    pub fn database_url(&self) -> String {
        format!("sqlite://{}/t.db", self.dir.display())
    }

    /// Let pending work settle, stop with SIGTERM, and return the whole log.
    pub async fn stop(mut self) -> String {
        tokio::time::sleep(std::time::Duration::from_millis(500)).await;
        self.terminate();
        let _ = self.child.wait();
        self.lines.join().expect("the log reader ends").join("\n")
    }

    /// Send SIGTERM now; how long the process took to exit (at most `limit`, else it is
    /// killed and the test fails), and the whole log.
    pub async fn stop_within(mut self, limit: Duration) -> (Duration, String) {
        let asked = Instant::now();
        self.terminate();
        loop {
            if self.child.try_wait().unwrap().is_some() {
                break;
            }
            if asked.elapsed() > limit {
                let _ = self.child.kill();
                let _ = self.child.wait();
                panic!("tessera did not exit within {limit:?} of SIGTERM");
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        let took = asked.elapsed();
        (
            took,
            self.lines.join().expect("the log reader ends").join("\n"),
        )
    }

    fn terminate(&self) {
        let _ = Command::new("kill")
            .arg("-TERM")
            .arg(self.child.id().to_string())
            .status();
    }
}

/// Run `command` to its end with `stdin` piped in; its output.
pub fn run_with_stdin(command: &mut Command, stdin: &str) -> std::process::Output {
    use std::io::Write;
    let mut child = command
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Poll `/healthz` until the server answers.
pub async fn wait_until_up(base: &str) {
    for _ in 0..200 {
        if let Ok(r) = reqwest::get(format!("{base}/healthz")).await
            && r.status() == StatusCode::OK
        {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    panic!("the server did not start at {base}");
}
