//! `Webhooks`: POSTs an event's JSON body to its receiver, signed the Standard Webhooks way
//! (`webhook-id`, `webhook-timestamp`, `webhook-signature`; `Tessera-Signature` carries the
//! timestamp and the same signature in one header). Any answer but a 2xx is a failure to
//! retry; redirects are not followed.

use crate::courier::Undelivered;
use http_body_util::Full;
use hyper::body::Bytes;
use hyper::{Request, StatusCode, Uri, header};
use hyper_util::rt::TokioIo;
use rustls::pki_types::ServerName;
use std::collections::HashSet;
use std::sync::Arc;
use std::time::Duration;
use tessera_core::Timestamp;
use tessera_core::availability::chain;
use tessera_core::records::MailRecord;
use tessera_core::webhooks::SigningKey;
use tokio::net::TcpStream;
use tokio_rustls::TlsConnector;

pub struct Webhooks {
    tls: TlsConnector,
    timeout: Duration,
    key: SigningKey,
    /// The receivers configured now: a row queued for one removed since is given up.
    urls: HashSet<String>,
}

impl Webhooks {
    /// POSTs to `urls`, signed with `key`, each attempt taking at most `timeout`.
    pub fn new(
        urls: impl IntoIterator<Item = String>,
        key: SigningKey,
        timeout: Duration,
    ) -> Result<Self, String> {
        Ok(Self {
            tls: TlsConnector::from(Arc::new(crate::tls::client_config()?)),
            timeout,
            key,
            urls: urls.into_iter().collect(),
        })
    }

    pub(crate) async fn post(&self, row: &MailRecord, now: Timestamp) -> Result<(), Undelivered> {
        let url = &row.recipient;
        let failed = |error: String, retry| Undelivered {
            error: format!("{}: {error}", shown(url)),
            retry,
        };
        if !self.urls.contains(url) {
            return Err(failed("no longer a webhook receiver".into(), false));
        }
        let id = format!("msg_{}", row.id);
        let signature = self.key.sign(&id, now.0, &row.context);
        let tessera = format!("t={},v1={}", now.0, signature.trim_start_matches("v1,"));
        let target = Target::of(url).map_err(|e| failed(e, false))?;
        let request = Request::post(target.path_and_query())
            .header(header::HOST, target.authority())
            .header(header::CONTENT_TYPE, "application/json")
            .header(header::USER_AGENT, USER_AGENT)
            .header("webhook-id", &id)
            .header("webhook-timestamp", now.0.to_string())
            .header("webhook-signature", signature)
            .header("tessera-signature", tessera)
            .body(Full::new(Bytes::from(row.context.clone())))
            .map_err(|e| failed(e.to_string(), false))?;
        let answer = tokio::time::timeout(self.timeout, self.send(&target, request))
            .await
            .map_err(|_| failed(format!("no answer within {:?}", self.timeout), true))?
            .map_err(|e| failed(e, true))?;
        match answer {
            s if s.is_success() => Ok(()),
            s => Err(failed(format!("answered {s}"), true)),
        }
    }

    /// One request on a connection of its own; the answer's status.
    async fn send(
        &self,
        target: &Target,
        request: Request<Full<Bytes>>,
    ) -> Result<StatusCode, String> {
        let tcp = TcpStream::connect((target.host.as_str(), target.port))
            .await
            .map_err(|e| format!("cannot connect: {e}"))?;
        let _ = tcp.set_nodelay(true);
        if !target.https {
            return exchange(TokioIo::new(tcp), request).await;
        }
        let name = ServerName::try_from(target.host.clone())
            .map_err(|e| format!("{:?} is not a valid server name: {e}", target.host))?;
        let tls = self
            .tls
            .connect(name, tcp)
            .await
            .map_err(|e| format!("TLS: {}", chain(&e)))?;
        exchange(TokioIo::new(tls), request).await
    }
}

const USER_AGENT: &str = concat!("Tessera/", env!("CARGO_PKG_VERSION"), " webhooks");

/// Send `request` over `io` (HTTP/1.1) and read the answer's head.
async fn exchange<I>(io: I, request: Request<Full<Bytes>>) -> Result<StatusCode, String>
where
    I: hyper::rt::Read + hyper::rt::Write + Unpin + Send + 'static,
{
    let (mut sender, conn) = hyper::client::conn::http1::handshake(io)
        .await
        .map_err(|e| chain(&e))?;
    let conn = tokio::spawn(conn);
    let answer = sender.send_request(request).await.map_err(|e| chain(&e));
    conn.abort();
    Ok(answer?.status())
}

/// Where a receiver's URL points.
struct Target {
    https: bool,
    host: String,
    port: u16,
    uri: Uri,
}

impl Target {
    fn of(url: &str) -> Result<Self, String> {
        let uri: Uri = url.parse().map_err(|e| format!("not a URL: {e}"))?;
        let https = match uri.scheme_str() {
            Some("https") => true,
            Some("http") => false,
            _ => return Err("not an http:// or https:// URL".into()),
        };
        let host = uri.host().filter(|h| !h.is_empty()).ok_or("no host")?;
        let host = host
            .trim_start_matches('[')
            .trim_end_matches(']')
            .to_owned();
        let port = uri.port_u16().unwrap_or(if https { 443 } else { 80 });
        Ok(Self {
            https,
            host,
            port,
            uri,
        })
    }

    /// The `Host` header: the URL's authority.
    fn authority(&self) -> &str {
        self.uri.authority().map_or("", |a| a.as_str())
    }

    fn path_and_query(&self) -> &str {
        self.uri.path_and_query().map_or("/", |p| p.as_str())
    }
}

/// A receiver's URL as logged and stored: without its query, which may hold a token.
fn shown(url: &str) -> &str {
    url.split('?').next().unwrap_or(url)
}

#[cfg(test)]
mod tests {
    use super::Target;

    #[test]
    fn targets_are_read_from_their_url() {
        let t = Target::of("https://hooks.example/in?x=1").unwrap();
        assert_eq!(
            (t.https, t.host.as_str(), t.port),
            (true, "hooks.example", 443)
        );
        assert_eq!(
            (t.authority(), t.path_and_query()),
            ("hooks.example", "/in?x=1")
        );
        let t = Target::of("http://127.0.0.1:9000").unwrap();
        assert_eq!(
            (t.host.as_str(), t.port, t.path_and_query()),
            ("127.0.0.1", 9000, "/")
        );
        let t = Target::of("http://[::1]:81/h").unwrap();
        assert_eq!(
            (t.host.as_str(), t.port, t.authority()),
            ("::1", 81, "[::1]:81")
        );
        let t = Target::of("http://[::1]/h").unwrap();
        assert_eq!((t.host.as_str(), t.port), ("::1", 80));
        assert!(Target::of("http://:80/h").is_err());
        assert!(Target::of("ftp://h/x").is_err());
    }
}
