//! Transports: where rendered mail goes (the console, an SMTP server, or .eml files).

use crate::Rendered;
use lettre::message::header::ContentType;
use lettre::message::{Attachment as LettreAttachment, Mailbox, MultiPart};
use lettre::transport::smtp::authentication::Credentials;
use lettre::{AsyncFileTransport, AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use std::path::PathBuf;

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

#[derive(Clone)]
pub enum TransportConfig {
    Console,
    Smtp(SmtpSettings),
    File(PathBuf),
}

/// A configured transport and the sender address.
pub struct Transport {
    from: Mailbox,
    kind: Kind,
}

enum Kind {
    Console,
    Smtp(AsyncSmtpTransport<Tokio1Executor>),
    File(AsyncFileTransport<Tokio1Executor>),
}

#[derive(Debug, thiserror::Error)]
pub enum TransportError {
    #[error("invalid sender or recipient address: {0}")]
    Address(String),
    #[error("could not build the message: {0}")]
    Build(String),
    #[error("delivery failed: {0}")]
    Delivery(String),
}

impl Transport {
    pub fn new(config: &TransportConfig, from: &str) -> Result<Self, TransportError> {
        let from: Mailbox = from
            .parse()
            .map_err(|e| TransportError::Address(format!("{e}")))?;
        let kind = match config {
            TransportConfig::Console => Kind::Console,
            TransportConfig::File(dir) => Kind::File(AsyncFileTransport::new(dir)),
            TransportConfig::Smtp(s) => Kind::Smtp(smtp(s)?),
        };
        Ok(Self { from, kind })
    }

    pub async fn send(&self, to: &str, mail: &Rendered) -> Result<(), TransportError> {
        let to: Mailbox = to
            .parse()
            .map_err(|e| TransportError::Address(format!("{e}")))?;
        let message = Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(mail.subject.clone())
            .message_id(None)
            .multipart(body(mail)?)
            .map_err(|e| TransportError::Build(e.to_string()))?;
        match &self.kind {
            Kind::Console => {
                let raw = String::from_utf8_lossy(&message.formatted()).into_owned();
                println!("{raw}\n{}", "-".repeat(79));
                Ok(())
            }
            Kind::Smtp(t) => t
                .send(message)
                .await
                .map(|_| ())
                .map_err(|e| TransportError::Delivery(e.to_string())),
            Kind::File(t) => t
                .send(message)
                .await
                .map(|_| ())
                .map_err(|e| TransportError::Delivery(e.to_string())),
        }
    }
}

/// Text and HTML alternatives, in a mixed part with the attachment when there is one.
fn body(mail: &Rendered) -> Result<MultiPart, TransportError> {
    let alternative = MultiPart::alternative_plain_html(mail.text.clone(), mail.html.clone());
    let Some(file) = &mail.attachment else {
        return Ok(alternative);
    };
    let content_type =
        ContentType::parse(&file.content_type).map_err(|e| TransportError::Build(e.to_string()))?;
    let attachment =
        LettreAttachment::new(file.filename.clone()).body(file.content.clone(), content_type);
    Ok(MultiPart::mixed()
        .multipart(alternative)
        .singlepart(attachment))
}

fn smtp(s: &SmtpSettings) -> Result<AsyncSmtpTransport<Tokio1Executor>, TransportError> {
    let delivery = |e: lettre::transport::smtp::Error| TransportError::Delivery(e.to_string());
    let mut builder = match s.tls {
        SmtpTls::None => AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(&s.host),
        SmtpTls::StartTls => {
            AsyncSmtpTransport::<Tokio1Executor>::starttls_relay(&s.host).map_err(delivery)?
        }
        SmtpTls::Tls => AsyncSmtpTransport::<Tokio1Executor>::relay(&s.host).map_err(delivery)?,
    }
    .port(s.port)
    .timeout(Some(std::time::Duration::from_secs(20)));
    if let (Some(user), Some(password)) = (&s.username, &s.password) {
        builder = builder.credentials(Credentials::new(user.clone(), password.expose().to_owned()));
    }
    Ok(builder.build())
}
