//! `Forwarder`: a TCP relay between the app and its PostgreSQL server that a test can cut
//! (new connections closed at once, open ones dropped: the server looks stopped) and
//! restore, without touching the shared server itself. Its port stays its own throughout, so
//! no other test can take it between a cut and a restore.

use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::{AbortHandle, JoinHandle};

pub struct Forwarder {
    addr: SocketAddr,
    /// `host[:port]` as the database URL writes it.
    authority: String,
    accepting: JoinHandle<()>,
    cut: Arc<AtomicBool>,
    open: Arc<Mutex<Vec<AbortHandle>>>,
}

impl Forwarder {
    /// Relay a port of its own to the server `authority` (`host[:port]`) names.
    pub async fn start(authority: &str) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let upstream = match authority.rsplit_once(':') {
            Some((_, port)) if port.parse::<u16>().is_ok() => authority.to_owned(),
            _ => format!("{authority}:5432"),
        };
        let addr = listener.local_addr().unwrap();
        let cut = Arc::new(AtomicBool::new(false));
        let open: Arc<Mutex<Vec<AbortHandle>>> = Arc::default();
        let (is_cut, relays) = (cut.clone(), open.clone());
        let accepting = tokio::spawn(async move {
            while let Ok((mut inbound, _)) = listener.accept().await {
                if is_cut.load(Ordering::SeqCst) {
                    drop(inbound);
                    continue;
                }
                let upstream = upstream.clone();
                let relay = tokio::spawn(async move {
                    if let Ok(mut outbound) = TcpStream::connect(&upstream).await {
                        let _ = tokio::io::copy_bidirectional(&mut inbound, &mut outbound).await;
                    }
                });
                relays.lock().unwrap().push(relay.abort_handle());
            }
        });
        Self {
            addr,
            authority: authority.to_owned(),
            accepting,
            cut,
            open,
        }
    }

    /// `url` (`postgres://user@host:port/db`) pointed at the relay instead.
    pub fn route(&self, url: &str) -> String {
        url.replacen(&self.authority, &self.addr.to_string(), 1)
    }

    /// Close new connections at once and drop the open ones.
    pub async fn cut(&mut self) {
        self.cut.store(true, Ordering::SeqCst);
        for relay in self.open.lock().unwrap().drain(..) {
            relay.abort();
        }
    }

    /// Relay again.
    pub fn restore(&mut self) {
        self.cut.store(false, Ordering::SeqCst);
    }
}

impl Drop for Forwarder {
    fn drop(&mut self) {
        self.accepting.abort();
    }
}
