//! Tessera's outbox workers: render queued mail with per-kind templates and deliver it
//! through a transport (console, SMTP, .eml files), or POST signed webhook bodies; several at
//! once, retrying with exponential backoff.

mod console;
mod courier;
mod lane;
mod render;
mod smtp;
mod tls;
mod transport;
mod webhook;
mod worker;

pub use courier::Courier;
pub use render::{Rendered, Renderer};
pub use smtp::{SmtpSettings, SmtpTls};
pub use transport::{Transport, TransportConfig};
pub use webhook::Webhooks;
pub use worker::{RetryPolicy, Worker};
