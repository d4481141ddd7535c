//! The `tessera` server: configuration, wiring of store, mailer and HTTP, and the CLI
//! commands. The binary in `main.rs` is a thin shell over this library, which the black-box
//! tests drive directly.

pub mod app;
mod bounds;
pub mod cli;
pub mod config;
mod descriptors;
mod housekeeping;
pub mod import;
mod keys;
mod metrics;
mod request_body;
mod secret_key;
mod serve;
pub mod settings;
mod signals;
pub mod telemetry;
mod workers;

pub use app::{Overrides, Running, open_store, start};
pub use config::Config;
