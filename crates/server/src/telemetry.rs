//! Log output: text or JSON lines on stderr, filtered by RUST_LOG (default `info`); and what
//! start-up says: what the service runs on, and an SMTP server that does not answer.

use crate::Config;
use crate::config::{EmailBackend, LogFormat, SmtpTls};
use std::io::IsTerminal;
use std::net::SocketAddr;
use tracing_subscriber::EnvFilter;

pub fn init(format: LogFormat) {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    // Colours only for a person at a terminal, and never with NO_COLOR (no-color.org).
    let colour = std::io::stderr().is_terminal()
        && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty());
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(colour)
        .with_writer(std::io::stderr);
    let result = match format {
        LogFormat::Text => builder.try_init(),
        LogFormat::Json => builder.json().flatten_event(true).try_init(),
    };
    if result.is_err() {
        tracing::debug!("a global subscriber was already installed");
    }
}

/// The line that says the service is up: its version, where it listens (and serves its
/// metrics), its database, its mail backend and its public URL; no password of either.
pub fn started(config: &Config, addr: SocketAddr, metrics_addr: Option<SocketAddr>) {
    tracing::info!(
        version = %env!("CARGO_PKG_VERSION"),
        %addr,
        database = %config.database_url.describe(),
        mail = %mail_backend(config),
        public_url = %config.public_base(),
        metrics = %format!("http://{}/metrics", metrics_addr.unwrap_or(addr)),
        "tessera listening"
    );
}

/// Say once, at start, that the SMTP server does not answer (mail still queues, and goes out
/// when it does).
pub(crate) async fn warn_if_silent(host: String, port: u16) {
    let connect = tokio::net::TcpStream::connect((host.as_str(), port));
    let why = match tokio::time::timeout(std::time::Duration::from_secs(5), connect).await {
        Ok(Ok(_)) => return,
        Ok(Err(e)) => e.to_string(),
        Err(_) => "no answer within 5 s".to_owned(),
    };
    tracing::warn!(
        "the SMTP server at {host}:{port} does not answer ({why}); mail stays queued until it does"
    );
}

/// The mail backend and where it delivers (never the SMTP credentials).
fn mail_backend(config: &Config) -> String {
    match config.email_backend {
        EmailBackend::Console => "console".to_owned(),
        EmailBackend::File => format!("file {}", config.email_dir.display()),
        EmailBackend::Smtp => {
            let tls = match config.smtp_tls {
                SmtpTls::None => "plain",
                SmtpTls::Starttls => "STARTTLS",
                SmtpTls::Tls => "TLS",
            };
            format!("SMTP {}:{} ({tls})", config.smtp_host, config.smtp_port)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_mail_backend_is_named_without_credentials() {
        let config = Config {
            email_backend: EmailBackend::Smtp,
            smtp_host: "mail.example".into(),
            smtp_port: 587,
            smtp_tls: SmtpTls::Starttls,
            smtp_username: Some("tessera".into()),
            smtp_password: Some(tessera_core::Secret::new("hunter2-hunter2")),
            ..Config::default()
        };
        assert_eq!(mail_backend(&config), "SMTP mail.example:587 (STARTTLS)");
        assert_eq!(mail_backend(&Config::default()), "console");
    }
}
