//! `Smtp`: delivery to one SMTP server over connections with `TCP_NODELAY` that are kept
//! open between mails. A connection goes back to the idle set only after a delivery that
//! went to its end; one that failed or was cut off mid-conversation (the caller's deadline)
//! is dropped, so no later mail ever reads a reply meant for an earlier command.

use crate::tls;
use lettre::address::Envelope;
use lettre::transport::smtp::authentication::{Credentials, DEFAULT_MECHANISMS};
use lettre::transport::smtp::client::{AsyncSmtpConnection, AsyncTokioStream, TlsParameters};
use lettre::transport::smtp::extension::ClientId;
use std::sync::Mutex;
use std::time::{Duration, Instant};
use tokio::net::TcpStream;

/// An idle connection used again within this time is trusted as is; older ones are checked
/// with `NOOP` first (the server may have closed it meanwhile).
const TRUSTED_IDLE: Duration = Duration::from_secs(1);
/// Idle connections older than this are closed rather than used again.
const MAX_IDLE: Duration = Duration::from_secs(60);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SmtpTls {
    None,
    StartTls,
    Tls,
}

#[derive(Clone)]
pub struct SmtpSettings {
    pub host: String,
    pub port: u16,
    pub username: Option<String>,
    pub password: Option<tessera_core::Secret>,
    pub tls: SmtpTls,
}

pub(crate) struct Smtp {
    host: String,
    port: u16,
    tls: Encryption,
    credentials: Option<Credentials>,
    hello: ClientId,
    idle: Mutex<Vec<Idle>>,
    /// At most this many idle connections are kept (one per concurrent delivery).
    max_idle: usize,
}

enum Encryption {
    None,
    StartTls(TlsParameters),
    Tls(tls::Connector),
}

struct Idle {
    conn: AsyncSmtpConnection,
    since: Instant,
}

#[derive(Debug, thiserror::Error)]
pub enum SmtpError {
    #[error("cannot connect: {0}")]
    Connect(#[source] std::io::Error),
    #[error("TLS: {0}")]
    Tls(String),
    #[error(transparent)]
    Protocol(#[from] lettre::transport::smtp::Error),
}

impl Smtp {
    pub(crate) fn new(s: &SmtpSettings, max_idle: usize) -> Result<Self, SmtpError> {
        let tls = match s.tls {
            SmtpTls::None => Encryption::None,
            SmtpTls::StartTls => Encryption::StartTls(TlsParameters::new(s.host.clone())?),
            SmtpTls::Tls => Encryption::Tls(tls::Connector::new(&s.host).map_err(SmtpError::Tls)?),
        };
        let credentials = match (&s.username, &s.password) {
            (Some(user), Some(password)) => {
                Some(Credentials::new(user.clone(), password.expose().to_owned()))
            }
            _ => None,
        };
        Ok(Self {
            host: s.host.clone(),
            port: s.port,
            tls,
            credentials,
            hello: ClientId::default(),
            idle: Mutex::new(Vec::new()),
            max_idle: max_idle.max(1),
        })
    }

    /// Deliver one message. Not bounded in time here: the caller's deadline covers it all,
    /// and cancelling this future drops the connection it was using.
    pub(crate) async fn send(&self, envelope: &Envelope, raw: &[u8]) -> Result<(), SmtpError> {
        let mut conn = match self.reuse().await {
            Some(conn) => conn,
            None => self.connect().await?,
        };
        conn.send(envelope, raw).await?;
        self.park(conn);
        Ok(())
    }

    /// An idle connection that still answers, if there is one.
    async fn reuse(&self) -> Option<AsyncSmtpConnection> {
        loop {
            let idle = self.idle.lock().unwrap_or_else(|e| e.into_inner()).pop()?;
            let age = idle.since.elapsed();
            if age > MAX_IDLE {
                continue;
            }
            let mut conn = idle.conn;
            if age <= TRUSTED_IDLE || conn.test_connected().await {
                return Some(conn);
            }
        }
    }

    fn park(&self, conn: AsyncSmtpConnection) {
        let mut idle = self.idle.lock().unwrap_or_else(|e| e.into_inner());
        if idle.len() < self.max_idle && !conn.has_broken() {
            idle.push(Idle {
                conn,
                since: Instant::now(),
            });
        }
    }

    /// A new connection: TCP with `TCP_NODELAY` (the message's last line must not wait for
    /// the acknowledgement of its body), the greeting and `EHLO`, TLS, then `AUTH`.
    async fn connect(&self) -> Result<AsyncSmtpConnection, SmtpError> {
        let tcp = TcpStream::connect((self.host.as_str(), self.port))
            .await
            .map_err(SmtpError::Connect)?;
        tcp.set_nodelay(true).map_err(SmtpError::Connect)?;
        let stream: Box<dyn AsyncTokioStream> = match &self.tls {
            Encryption::Tls(connector) => Box::new(
                connector
                    .connect(tcp)
                    .await
                    .map_err(|e| SmtpError::Tls(e.to_string()))?,
            ),
            Encryption::None | Encryption::StartTls(_) => Box::new(tcp),
        };
        let mut conn = AsyncSmtpConnection::connect_with_transport(stream, &self.hello).await?;
        if let Encryption::StartTls(parameters) = &self.tls {
            conn.starttls(parameters.clone(), &self.hello).await?;
        }
        if let Some(credentials) = &self.credentials {
            conn.auth(DEFAULT_MECHANISMS, credentials).await?;
        }
        Ok(conn)
    }
}
