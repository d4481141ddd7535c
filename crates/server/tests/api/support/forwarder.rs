//! `Forwarder`: a TCP relay between the app and its PostgreSQL server that a test can cut
//! (new connections refused, open ones dropped: the server looks stopped) and restore,
//! without touching the shared server itself.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use tokio::net::{TcpListener, TcpSocket, TcpStream};
use tokio::task::{AbortHandle, JoinHandle};

pub struct Forwarder {
    addr: SocketAddr,
    /// `host[:port]` as the database URL writes it.
    authority: String,
    upstream: String,
    accepting: Option<JoinHandle<()>>,
    open: Arc<Mutex<Vec<AbortHandle>>>,
}

impl Forwarder {
    /// Relay a port of its own to the server `authority` (`host[:port]`) names.
    pub async fn start(authority: &str) -> Self {
        let listener = listen("127.0.0.1:0".parse().unwrap());
        let upstream = match authority.rsplit_once(':') {
            Some((_, port)) if port.parse::<u16>().is_ok() => authority.to_owned(),
            _ => format!("{authority}:5432"),
        };
        let mut forwarder = Self {
            addr: listener.local_addr().unwrap(),
            authority: authority.to_owned(),
            upstream,
            accepting: None,
            open: Arc::default(),
        };
        forwarder.accept_on(listener);
        forwarder
    }

    /// `url` (`postgres://user@host:port/db`) pointed at the relay instead.
    pub fn route(&self, url: &str) -> String {
        url.replacen(&self.authority, &self.addr.to_string(), 1)
    }

    /// Refuse new connections and drop the open ones.
    pub async fn cut(&mut self) {
        if let Some(task) = self.accepting.take() {
            task.abort();
            let _ = task.await;
        }
        for relay in self.open.lock().unwrap().drain(..) {
            relay.abort();
        }
    }

    /// Accept and relay again, on the same port.
    pub fn restore(&mut self) {
        let listener = listen(self.addr);
        self.accept_on(listener);
    }

    fn accept_on(&mut self, listener: TcpListener) {
        let upstream = self.upstream.clone();
        let open = self.open.clone();
        self.accepting = Some(tokio::spawn(async move {
            while let Ok((mut inbound, _)) = listener.accept().await {
                let upstream = upstream.clone();
                let relay = tokio::spawn(async move {
                    if let Ok(mut outbound) = TcpStream::connect(&upstream).await {
                        let _ = tokio::io::copy_bidirectional(&mut inbound, &mut outbound).await;
                    }
                });
                open.lock().unwrap().push(relay.abort_handle());
            }
        }));
    }
}

fn listen(addr: SocketAddr) -> TcpListener {
    let socket = TcpSocket::new_v4().unwrap();
    socket.set_reuseaddr(true).unwrap();
    socket.bind(addr).unwrap();
    socket.listen(128).unwrap()
}
