//! `ApiError`: a status and a DRF-shaped JSON body. Internal failures are logged once here
//! and answer an opaque 500 that the telemetry layer stamps with the request id; a database
//! that does not answer is a 503 with `Retry-After`, logged once per outage by the store's
//! availability (the telemetry layer reports it), not once per request.

use crate::messages::SERVER_ERROR;
use axum::Json;
use axum::http::{HeaderName, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};
use tessera_core::accounts::Internal;
use tessera_core::availability::chain;
use tessera_core::ports::StoreError;

/// Seconds a client is asked to wait when the database does not answer.
const RETRY_AFTER_OUTAGE: u32 = 5;

#[derive(Debug)]
pub struct ApiError {
    status: StatusCode,
    body: Value,
    headers: Vec<(HeaderName, HeaderValue)>,
    /// Set on a 503 for a database outage.
    outage: Option<String>,
}

/// Marks a response as an internal error so the telemetry layer can add the request id.
#[derive(Debug, Clone, Copy)]
pub struct InternalErrorMarker;

/// Marks a 503 answered because the database did not answer; the cause, for the one log
/// line of the outage.
#[derive(Debug, Clone)]
pub struct DatabaseUnavailable(pub String);

impl ApiError {
    pub fn new(status: StatusCode, body: Value) -> Self {
        Self {
            status,
            body,
            headers: Vec::new(),
            outage: None,
        }
    }

    /// `{"detail": message}`
    pub fn detail(status: StatusCode, message: &str) -> Self {
        Self::new(status, json!({ "detail": message }))
    }

    /// `{"detail": message, "code": code}`
    pub fn coded(status: StatusCode, message: &str, code: &str) -> Self {
        Self::new(status, json!({ "detail": message, "code": code }))
    }

    /// `{"field": ["message", ...]}` with 400.
    pub fn field(field: &str, messages: &[&str]) -> Self {
        Self::new(StatusCode::BAD_REQUEST, json!({ field: messages }))
    }

    /// The same answer with one more key in its body (a dialect's own key beside DRF's).
    pub fn with_key(mut self, key: &str, value: impl Into<Value>) -> Self {
        if let Value::Object(map) = &mut self.body {
            map.insert(key.to_owned(), value.into());
        }
        self
    }

    pub fn with_header(self, name: HeaderName, value: &'static str) -> Self {
        self.with_header_value(name, HeaderValue::from_static(value))
    }

    pub fn with_header_value(mut self, name: HeaderName, value: HeaderValue) -> Self {
        self.headers.push((name, value));
        self
    }

    /// Log the cause once and answer an opaque 500; or, when the database did not answer,
    /// DRF's 503 (the outage is logged once, when the telemetry layer reports it).
    pub fn internal(cause: &(dyn std::error::Error + 'static)) -> Self {
        let chain = chain(cause);
        if is_outage(cause) {
            let mut error = Self::detail(
                StatusCode::SERVICE_UNAVAILABLE,
                "Service temporarily unavailable, try again later.",
            )
            .with_header_value(
                axum::http::header::RETRY_AFTER,
                HeaderValue::from(RETRY_AFTER_OUTAGE),
            );
            error.outage = Some(chain);
            return error;
        }
        tracing::error!(error = %chain, "internal error");
        Self::detail(StatusCode::INTERNAL_SERVER_ERROR, SERVER_ERROR)
    }

    pub fn status(&self) -> StatusCode {
        self.status
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut response = (self.status, Json(self.body)).into_response();
        for (name, value) in self.headers {
            response.headers_mut().insert(name, value);
        }
        if self.status == StatusCode::INTERNAL_SERVER_ERROR {
            response.extensions_mut().insert(InternalErrorMarker);
        }
        if let Some(cause) = self.outage {
            response.extensions_mut().insert(DatabaseUnavailable(cause));
        }
        response
    }
}

/// A use case's storage failure that is the database not answering.
fn is_outage(cause: &(dyn std::error::Error + 'static)) -> bool {
    let store = cause
        .downcast_ref::<Internal>()
        .and_then(|e| match e {
            Internal::Store(e) => Some(e),
            Internal::Hash(_) => None,
        })
        .or_else(|| cause.downcast_ref::<StoreError>());
    matches!(store, Some(StoreError::Unavailable(_)))
}

/// DRF's throttled answer, with Retry-After.
pub fn throttled(retry_after: u64) -> ApiError {
    let retry_after = retry_after.max(1);
    let message = format!("Request was throttled. Expected available in {retry_after} seconds.");
    ApiError::detail(StatusCode::TOO_MANY_REQUESTS, &message).with_header_value(
        axum::http::header::RETRY_AFTER,
        HeaderValue::from(retry_after),
    )
}

/// DRF's answer for an unknown path.
pub fn not_found() -> ApiError {
    ApiError::detail(StatusCode::NOT_FOUND, "Not found.")
}
