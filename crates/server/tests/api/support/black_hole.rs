//! `BlackHole`: an SMTP server gone wrong: it accepts TCP connections and never says a word.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;
use tokio::net::TcpListener;
use tokio::task::JoinHandle;

pub struct BlackHole {
    port: u16,
    accepted: Arc<AtomicUsize>,
    task: JoinHandle<()>,
}

impl BlackHole {
    pub async fn start() -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let accepted = Arc::new(AtomicUsize::new(0));
        let count = accepted.clone();
        let task = tokio::spawn(async move {
            let mut held = Vec::new();
            while let Ok((stream, _)) = listener.accept().await {
                count.fetch_add(1, Ordering::SeqCst);
                held.push(stream);
            }
        });
        Self {
            port,
            accepted,
            task,
        }
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// Wait (up to 10 s) until someone has connected `n` times.
    pub async fn wait_for_connections(&self, n: usize) {
        for _ in 0..1000 {
            if self.accepted.load(Ordering::SeqCst) >= n {
                return;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        panic!("nobody connected to the black hole {n} times");
    }

    /// Close the listener and every connection it holds; its port is free again.
    pub async fn close(self) -> u16 {
        self.task.abort();
        let _ = self.task.await;
        self.port
    }
}
