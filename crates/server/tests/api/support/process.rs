//! `ServeProcess`: the real `tessera serve` binary on a SQLite file and file mail in a
//! temporary directory, with its JSON debug log captured (for log-hygiene tests).

use reqwest::StatusCode;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::thread::JoinHandle;

pub struct ServeProcess {
    child: Child,
    lines: JoinHandle<Vec<String>>,
    pub base: String,
    pub dir: PathBuf,
}

impl ServeProcess {
    pub async fn start(secret_key: &str) -> Self {
        let dir =
            std::env::temp_dir().join(format!("tessera-log-{}", uuid::Uuid::new_v4().simple()));
        std::fs::create_dir_all(&dir).unwrap();
        let port = free_port();
        let mut child = Command::new(env!("CARGO_BIN_EXE_tessera"))
            .arg("serve")
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
            .stderr(Stdio::piped())
            .stdout(Stdio::null())
            .spawn()
            .unwrap();
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
            base,
            dir,
        }
    }

    /// The `.eml` files the file backend wrote so far.
    pub fn mail_files(&self) -> Vec<PathBuf> {
        std::fs::read_dir(self.dir.join("mail"))
            .map(|d| d.map_while(Result::ok).map(|e| e.path()).collect())
            .unwrap_or_default()
    }

    /// Let pending work settle, stop with SIGTERM, and return the whole log.
    pub async fn stop(mut self) -> String {
        tokio::time::sleep(std::time::Duration::from_millis(500)).await;
        let _ = Command::new("kill")
            .arg("-TERM")
            .arg(self.child.id().to_string())
            .status();
        let _ = self.child.wait();
        self.lines.join().expect("the log reader ends").join("\n")
    }
}

pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Poll `/healthz` until the server answers.
async fn wait_until_up(base: &str) {
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
