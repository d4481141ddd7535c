//! Tessera's domain core: account types, password and token rules, the use cases, and the
//! ports (`Store`, `Clock`) that storage and time adapters implement. No HTTP, SQL or SMTP here.

pub mod accounts;
pub mod availability;
pub mod domain;
pub mod events;
pub mod limits;
pub mod mail;
pub mod observe;
pub mod passwords;
pub mod ports;
pub mod records;
pub mod secret;
pub mod time;
pub mod tokens;
pub mod two_factor;
pub mod webhooks;

pub use secret::Secret;
pub use time::{Clock, SystemClock, Timestamp};
