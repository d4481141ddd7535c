//! Tessera's mailer: renders queued outbox rows with per-kind templates and delivers them
//! through a transport (console, SMTP, .eml files), retrying with exponential backoff.

mod render;
mod transport;
mod worker;

pub use render::{Rendered, Renderer};
pub use transport::{SmtpSettings, SmtpTls, Transport, TransportConfig};
pub use worker::{RetryPolicy, Worker};
