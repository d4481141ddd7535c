//! Transports: where rendered mail goes (the console, an SMTP server, or .eml files). Every
//! delivery is bounded as a whole by one deadline: running out of it is a failed attempt.

use crate::Rendered;
use crate::smtp::{Smtp, SmtpSettings};
use lettre::message::header::ContentType;
use lettre::message::{Attachment as LettreAttachment, Mailbox, MultiPart};
use lettre::{AsyncFileTransport, AsyncTransport, Message, Tokio1Executor};
use std::path::PathBuf;
use std::time::Duration;

#[derive(Clone)]
pub enum TransportConfig {
    Console,
    Smtp(SmtpSettings),
    File(PathBuf),
}

/// A configured transport, the sender address and the deadline of one delivery.
pub struct Transport {
    from: Mailbox,
    kind: Kind,
    timeout: Duration,
}

enum Kind {
    Console,
    Smtp(Smtp),
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
    #[error("delivery failed: no answer within {0:?}")]
    TimedOut(Duration),
}

impl Transport {
    /// `timeout` bounds each delivery as a whole; up to `concurrency` deliveries run at once
    /// (SMTP keeps that many connections open between mails).
    pub fn new(
        config: &TransportConfig,
        from: &str,
        timeout: Duration,
        concurrency: usize,
    ) -> Result<Self, TransportError> {
        let from: Mailbox = from
            .parse()
            .map_err(|e| TransportError::Address(format!("{e}")))?;
        let kind = match config {
            TransportConfig::Console => Kind::Console,
            TransportConfig::File(dir) => Kind::File(AsyncFileTransport::new(dir)),
            TransportConfig::Smtp(s) => Kind::Smtp(
                Smtp::new(s, concurrency).map_err(|e| TransportError::Delivery(e.to_string()))?,
            ),
        };
        Ok(Self {
            from,
            kind,
            timeout,
        })
    }

    /// Deliver one mail within the deadline, under the outbox row's message id when it has
    /// one.
    pub async fn send(
        &self,
        to: &str,
        message_id: Option<&str>,
        mail: &Rendered,
    ) -> Result<(), TransportError> {
        let message = self.message(to, message_id, mail)?;
        if let Kind::Console = self.kind {
            crate::console::print(&self.from, to, mail);
            return Ok(());
        }
        tokio::time::timeout(self.timeout, self.deliver(message))
            .await
            .unwrap_or(Err(TransportError::TimedOut(self.timeout)))
    }

    fn message(
        &self,
        to: &str,
        message_id: Option<&str>,
        mail: &Rendered,
    ) -> Result<Message, TransportError> {
        let to: Mailbox = to
            .parse()
            .map_err(|e| TransportError::Address(format!("{e}")))?;
        Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(mail.subject.clone())
            .message_id(message_id.map(|id| format!("<{id}@{}>", self.from.email.domain())))
            .multipart(body(mail)?)
            .map_err(|e| TransportError::Build(e.to_string()))
    }

    async fn deliver(&self, message: Message) -> Result<(), TransportError> {
        let failed = |e: &dyn std::fmt::Display| TransportError::Delivery(e.to_string());
        match &self.kind {
            Kind::Console => Ok(()),
            Kind::Smtp(smtp) => smtp
                .send(message.envelope(), &message.formatted())
                .await
                .map_err(|e| failed(&e)),
            Kind::File(t) => t.send(message).await.map(|_| ()).map_err(|e| failed(&e)),
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
