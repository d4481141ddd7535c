//! What any Django REST framework backend does on the wire, shared by both dialects: body
//! parsing (JSON and forms), field validation errors, and `{"detail": ...}` errors.

mod body;
pub(crate) mod error;
mod fields;
mod params;

pub use crate::messages::REQUIRED;
pub use body::{Body, BodyTimedOut, Typed};
pub use error::{ApiError, not_found, throttled};
pub use fields::{FieldErrors, Fields};
pub use params::{Path, Query};
