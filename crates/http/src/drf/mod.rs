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

/// `{}` as DRF answers it (SimpleJWT's verify, a logout): a constant body, nothing serialised.
pub fn empty_object() -> axum::response::Response {
    use axum::http::{HeaderValue, header::CONTENT_TYPE};
    use axum::response::IntoResponse;
    const JSON: HeaderValue = HeaderValue::from_static("application/json");
    ([(CONTENT_TYPE, JSON)], "{}").into_response()
}
