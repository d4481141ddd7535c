//! Implicit TLS (SMTPS, port 465) over a socket Tessera opened itself, so that it can have
//! `TCP_NODELAY`: rustls with the Web PKI roots, the same stack lettre uses for STARTTLS (and
//! the webhook client).

use lettre::transport::smtp::client::AsyncTokioStream;
use rustls::pki_types::ServerName;
use std::io;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::TcpStream;
use tokio_rustls::TlsConnector;

/// rustls with ring and the Web PKI roots: SMTPS and webhook POSTs alike.
pub(crate) fn client_config() -> Result<rustls::ClientConfig, String> {
    let mut roots = rustls::RootCertStore::empty();
    roots.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
    Ok(rustls::ClientConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .map_err(|e| e.to_string())?
    .with_root_certificates(roots)
    .with_no_client_auth())
}

pub(crate) struct Connector {
    connector: TlsConnector,
    server: ServerName<'static>,
}

impl Connector {
    pub(crate) fn new(host: &str) -> Result<Self, String> {
        let server = ServerName::try_from(host.to_owned())
            .map_err(|e| format!("{host:?} is not a valid server name: {e}"))?;
        Ok(Self {
            connector: TlsConnector::from(Arc::new(client_config()?)),
            server,
        })
    }

    pub(crate) async fn connect(&self, tcp: TcpStream) -> io::Result<TlsStream> {
        let stream = self.connector.connect(self.server.clone(), tcp).await?;
        Ok(TlsStream(stream))
    }
}

/// A TLS stream lettre can speak SMTP over.
#[derive(Debug)]
pub(crate) struct TlsStream(tokio_rustls::client::TlsStream<TcpStream>);

impl AsyncTokioStream for TlsStream {
    fn peer_addr(&self) -> io::Result<std::net::SocketAddr> {
        self.0.get_ref().0.peer_addr()
    }
}

impl AsyncRead for TlsStream {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        Pin::new(&mut self.0).poll_read(cx, buf)
    }
}

impl AsyncWrite for TlsStream {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.0).poll_write(cx, buf)
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.0).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.0).poll_shutdown(cx)
    }
}
