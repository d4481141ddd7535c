//! `SmtpSink`: a minimal SMTP server on port 0 that accepts every message and keeps it, so
//! tests see exactly what a real mail server would receive.

use mail_parser::MimeHeaders;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpListener;
use tokio::sync::Notify;

/// A received message.
#[derive(Debug, Clone)]
pub struct Mail {
    pub to: Vec<String>,
    pub subject: String,
    /// The `Message-ID`, without its angle brackets.
    pub message_id: String,
    pub text: String,
    pub html: String,
    /// `(filename, content)` of each attachment.
    pub attachments: Vec<(String, String)>,
}

impl Mail {
    /// The first link in the text body that starts with the frontend or public URL.
    pub fn link(&self) -> String {
        self.text
            .split_whitespace()
            .find(|w| w.starts_with(super::FRONTEND) || w.starts_with(super::PUBLIC))
            .unwrap_or_else(|| panic!("no link in mail: {}", self.text))
            .to_owned()
    }

    /// The six-digit code the text body carries (a word of its own, not part of a link).
    pub fn code(&self) -> String {
        self.text
            .split_whitespace()
            .find(|w| w.len() == 6 && w.bytes().all(|b| b.is_ascii_digit()))
            .unwrap_or_else(|| panic!("no code in mail: {}", self.text))
            .to_owned()
    }

    /// `(uid, token)` from a link of the form `<FRONTEND><prefix>{uid}/{token}`.
    pub fn link_parts(&self, prefix: &str) -> (String, String) {
        let link = self.link();
        let rest = [super::FRONTEND, super::PUBLIC]
            .iter()
            .find_map(|base| link.strip_prefix(&format!("{base}{prefix}")))
            .unwrap_or_else(|| panic!("link {link} does not start with {prefix}"));
        let (uid, token) = rest.split_once('/').expect("uid/token");
        (uid.to_owned(), token.trim_end_matches('/').to_owned())
    }
}

#[derive(Clone)]
pub struct SmtpSink {
    port: u16,
    inbox: Arc<Mutex<Vec<Mail>>>,
    arrived: Arc<Notify>,
}

impl SmtpSink {
    pub async fn start() -> Self {
        Self::start_on(0).await
    }

    /// A sink on this port (0: any free one).
    pub async fn start_on(port: u16) -> Self {
        let listener = TcpListener::bind(("127.0.0.1", port)).await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let sink = Self {
            port,
            inbox: Arc::default(),
            arrived: Arc::new(Notify::new()),
        };
        let s = sink.clone();
        tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                let s = s.clone();
                tokio::spawn(async move { s.session(stream).await });
            }
        });
        sink
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// Every message received so far.
    pub fn all(&self) -> Vec<Mail> {
        self.inbox.lock().unwrap().clone()
    }

    /// How many messages `to` has received so far.
    pub fn received_by(&self, to: &str) -> usize {
        self.all()
            .iter()
            .filter(|m| m.to.iter().any(|t| t.eq_ignore_ascii_case(to)))
            .count()
    }

    /// Messages to `to`, waiting (up to 10 s) until at least `count` have arrived.
    pub async fn wait_for(&self, to: &str, count: usize) -> Vec<Mail> {
        let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
        loop {
            let notified = self.arrived.notified();
            let found: Vec<Mail> = self
                .all()
                .into_iter()
                .filter(|m| m.to.iter().any(|t| t.eq_ignore_ascii_case(to)))
                .collect();
            if found.len() >= count {
                return found;
            }
            if tokio::time::timeout_at(deadline, notified).await.is_err() {
                panic!("expected {count} mail(s) to {to}, got {}", found.len());
            }
        }
    }

    /// The newest message to `to` whose subject contains `needle`, waiting (up to 10 s) for
    /// one to arrive after the `seen` messages to `to` already read.
    pub async fn wait_for_subject(&self, to: &str, seen: usize, needle: &str) -> Mail {
        let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
        loop {
            let notified = self.arrived.notified();
            let found = self
                .all()
                .into_iter()
                .filter(|m| m.to.iter().any(|t| t.eq_ignore_ascii_case(to)))
                .skip(seen)
                .filter(|m| m.subject.contains(needle))
                .last();
            if let Some(mail) = found {
                return mail;
            }
            if tokio::time::timeout_at(deadline, notified).await.is_err() {
                panic!("no mail to {to} about {needle:?}");
            }
        }
    }

    async fn session(&self, stream: tokio::net::TcpStream) {
        let (read, mut write) = stream.into_split();
        let mut lines = BufReader::new(read);
        let mut to = Vec::new();
        let _ = write.write_all(b"220 sink ESMTP\r\n").await;
        let mut line = String::new();
        loop {
            line.clear();
            if lines.read_line(&mut line).await.unwrap_or(0) == 0 {
                return;
            }
            let upper = line.to_ascii_uppercase();
            let reply: &[u8] = if upper.starts_with("EHLO") || upper.starts_with("HELO") {
                b"250-sink\r\n250 8BITMIME\r\n"
            } else if upper.starts_with("MAIL FROM") {
                to.clear();
                b"250 OK\r\n"
            } else if upper.starts_with("RCPT TO") {
                let addr = line[8..]
                    .trim()
                    .trim_start_matches(':')
                    .trim()
                    .trim_matches(['<', '>']);
                to.push(
                    addr.split('>')
                        .next()
                        .unwrap_or(addr)
                        .trim_start_matches('<')
                        .to_owned(),
                );
                b"250 OK\r\n"
            } else if upper.starts_with("DATA") {
                let _ = write.write_all(b"354 go ahead\r\n").await;
                let mut raw = String::new();
                loop {
                    line.clear();
                    if lines.read_line(&mut line).await.unwrap_or(0) == 0 {
                        return;
                    }
                    if line == ".\r\n" || line == ".\n" {
                        break;
                    }
                    raw.push_str(
                        line.strip_prefix('.')
                            .filter(|_| line.starts_with(".."))
                            .unwrap_or(&line),
                    );
                }
                self.keep(std::mem::take(&mut to), raw);
                b"250 queued\r\n"
            } else if upper.starts_with("QUIT") {
                let _ = write.write_all(b"221 bye\r\n").await;
                return;
            } else {
                b"250 OK\r\n"
            };
            if write.write_all(reply).await.is_err() {
                return;
            }
        }
    }

    fn keep(&self, to: Vec<String>, raw: String) {
        let parsed = mail_parser::MessageParser::default()
            .parse(raw.as_bytes())
            .expect("a parsable message");
        let mail = Mail {
            to,
            subject: parsed.subject().unwrap_or_default().to_owned(),
            message_id: parsed.message_id().unwrap_or_default().to_owned(),
            text: parsed
                .body_text(0)
                .map(|t| t.into_owned())
                .unwrap_or_default(),
            html: parsed
                .body_html(0)
                .map(|t| t.into_owned())
                .unwrap_or_default(),
            attachments: parsed
                .attachments()
                .map(|a| {
                    let name = a.attachment_name().unwrap_or_default().to_owned();
                    (name, String::from_utf8_lossy(a.contents()).into_owned())
                })
                .collect(),
        };
        self.inbox.lock().unwrap().push(mail);
        self.arrived.notify_waiters();
    }
}
