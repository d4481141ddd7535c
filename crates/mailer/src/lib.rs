//! Tessera's mailer: renders queued outbox rows with per-kind templates and delivers them
//! through a transport (console, SMTP, .eml files), several at once, retrying with
//! exponential backoff.

mod console;
mod lane;
mod render;
mod smtp;
mod tls;
mod transport;
mod worker;

pub use render::{Rendered, Renderer};
pub use smtp::{SmtpSettings, SmtpTls};
pub use transport::{Transport, TransportConfig};
pub use worker::{RetryPolicy, Worker};
