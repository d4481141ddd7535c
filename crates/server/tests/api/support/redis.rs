//! `RedisServer`: a `redis-server` of the test's own, on a free port in a temporary
//! directory, stopped when dropped; so no test needs a Redis already running.

use super::free_port;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

pub struct RedisServer {
    pub url: String,
    port: u16,
    dir: PathBuf,
    child: Option<Child>,
}

impl RedisServer {
    pub async fn start() -> Self {
        let port = free_port();
        let dir = std::env::temp_dir().join(format!("tessera-redis-{}", uuid::Uuid::new_v4()));
        std::fs::create_dir_all(&dir).unwrap();
        let mut server = Self {
            url: format!("redis://127.0.0.1:{port}"),
            port,
            dir,
            child: None,
        };
        server.restart().await;
        server
    }

    /// Stop the server as a crash would (its keys are gone: it keeps nothing on disk).
    pub fn kill(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    /// Start it again on the same port, and wait until it answers.
    pub async fn restart(&mut self) {
        self.kill();
        let child = Command::new("redis-server")
            .args(["--port", &self.port.to_string(), "--bind", "127.0.0.1"])
            .args(["--save", "", "--appendonly", "no"])
            .arg("--dir")
            .arg(&self.dir)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| {
                panic!(
                    "redis-server could not be started ({e}); install it: \
                     apt-get install redis-server, or brew install redis"
                )
            });
        self.child = Some(child);
        for _ in 0..100 {
            if let Ok(client) = redis::Client::open(self.url.as_str())
                && client.get_multiplexed_async_connection().await.is_ok()
            {
                return;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("redis-server did not start at {}", self.url);
    }
}

impl Drop for RedisServer {
    fn drop(&mut self) {
        self.kill();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}
