//! `Body`: a request body as DRF's parsers read it: JSON, or a URL-encoded form, into an
//! object of fields; `Typed`, the same read straight into a struct on the hot paths. Malformed JSON is a 400, any other media type a 415, a body too large
//! a 413 and one that did not arrive in time (`BodyTimedOut`) a 408.

use super::ApiError;
use axum::body::Bytes;
use axum::extract::{FromRequest, Multipart, Request};
use axum::http::StatusCode;
use axum::http::header::CONTENT_TYPE;
use serde_json::{Map, Value};

/// The parsed fields of a request body (empty when there was no body).
#[derive(Debug, Default)]
pub struct Body(pub Value);

const MAX_BODY: usize = 64 * 1024;

/// Reading a request body failed because the client did not send it in time (the
/// connection loop's body timeout).
#[derive(Debug, Clone, Copy, thiserror::Error)]
#[error("the request body did not arrive in time")]
pub struct BodyTimedOut;

/// 408 when `e` comes from the body timeout, else `otherwise`.
fn read_failed(e: &(dyn std::error::Error + 'static), otherwise: ApiError) -> ApiError {
    let mut cause = Some(e);
    while let Some(c) = cause {
        if c.is::<BodyTimedOut>() {
            return ApiError::detail(
                StatusCode::REQUEST_TIMEOUT,
                "Request body not received in time.",
            );
        }
        cause = c.source();
    }
    otherwise
}

fn too_large() -> ApiError {
    ApiError::detail(StatusCode::PAYLOAD_TOO_LARGE, "Request body too large.")
}

/// A body on a hot path: `T` read straight from a JSON object when it reads one, else the
/// fields as `Body` has them (for DRF's messages about them, or another media type).
pub enum Typed<T> {
    Read(T),
    Fields(Value),
}

/// The media type of a request body, as DRF's parsers tell them apart.
enum Media {
    None,
    Json,
    Form,
    Multipart,
    /// Any other, lower-case and without parameters (for the 415's message).
    Other(String),
}

impl Media {
    /// `req`'s `Content-Type`, compared without case or parameters (no allocation for the
    /// three DRF reads).
    fn of(req: &Request) -> Self {
        let Some(value) = req
            .headers()
            .get(CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
        else {
            return Self::None;
        };
        let name = value.split(';').next().unwrap_or("").trim();
        let is = |known: &str| name.eq_ignore_ascii_case(known);
        match () {
            () if is("application/json") => Self::Json,
            () if is("application/x-www-form-urlencoded") => Self::Form,
            () if is("multipart/form-data") => Self::Multipart,
            () => Self::Other(name.to_ascii_lowercase()),
        }
    }
}

async fn bytes(req: Request) -> Result<Bytes, ApiError> {
    axum::body::to_bytes(req.into_body(), MAX_BODY)
        .await
        .map_err(|e| read_failed(&e, too_large()))
}

impl<S: Send + Sync> FromRequest<S> for Body {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, ApiError> {
        let media = Media::of(&req);
        if let Media::Multipart = media {
            return multipart(req, state).await.map(Body);
        }
        let bytes = bytes(req).await?;
        parse(&media, &bytes).map(Body)
    }
}

impl<S: Send + Sync, T: serde::de::DeserializeOwned> FromRequest<S> for Typed<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, ApiError> {
        let media = Media::of(&req);
        if !matches!(media, Media::Json) {
            return Body::from_request(req, state)
                .await
                .map(|Body(fields)| Self::Fields(fields));
        }
        let bytes = bytes(req).await?;
        // Only an object: serde would read a struct from an array too, which DRF refuses.
        let object = bytes.trim_ascii_start().first() == Some(&b'{');
        if let Some(read) = object
            .then(|| serde_json::from_slice(&bytes).ok())
            .flatten()
        {
            return Ok(Self::Read(read));
        }
        parse(&media, &bytes).map(Self::Fields)
    }
}

fn parse(media: &Media, bytes: &Bytes) -> Result<Value, ApiError> {
    // DRF reads no body as no data, whatever the media type; a body without a media type
    // is one it has no parser for.
    if bytes.is_empty() {
        return Ok(Value::Object(Map::new()));
    }
    match media {
        Media::None => Err(unsupported("")),
        Media::Json => serde_json::from_slice(bytes).map_err(|e| json_error(&e.to_string())),
        Media::Form => {
            let pairs: Vec<(String, String)> = serde_urlencoded_pairs(bytes);
            let mut map = Map::new();
            for (k, v) in pairs {
                map.insert(k, Value::String(v));
            }
            Ok(Value::Object(map))
        }
        // A multipart body is read as a stream, before this.
        Media::Multipart => Err(unsupported("multipart/form-data")),
        Media::Other(other) => Err(unsupported(other)),
    }
}

fn unsupported(media_type: &str) -> ApiError {
    ApiError::detail(
        StatusCode::UNSUPPORTED_MEDIA_TYPE,
        &format!("Unsupported media type \"{media_type}\" in request."),
    )
}

/// The text fields of a `multipart/form-data` body (DRF's MultiPartParser); files are ignored.
async fn multipart<S: Send + Sync>(req: Request, state: &S) -> Result<Value, ApiError> {
    let malformed = |e: &(dyn std::error::Error + 'static)| {
        let message = format!("Multipart form parse error - {e}");
        read_failed(e, ApiError::detail(StatusCode::BAD_REQUEST, &message))
    };
    let mut form = Multipart::from_request(req, state)
        .await
        .map_err(|e| malformed(&e))?;
    let mut map = Map::new();
    let mut total = 0usize;
    while let Some(field) = form.next_field().await.map_err(|e| malformed(&e))? {
        let (Some(name), None) = (field.name().map(str::to_owned), field.file_name()) else {
            continue;
        };
        let text = field.text().await.map_err(|e| malformed(&e))?;
        total += name.len() + text.len();
        if total > MAX_BODY {
            return Err(too_large());
        }
        map.insert(name, Value::String(text));
    }
    Ok(Value::Object(map))
}

fn json_error(message: &str) -> ApiError {
    ApiError::detail(
        StatusCode::BAD_REQUEST,
        &format!("JSON parse error - {message}"),
    )
}

/// `application/x-www-form-urlencoded` pairs; the last value of a repeated key wins.
fn serde_urlencoded_pairs(bytes: &[u8]) -> Vec<(String, String)> {
    serde_urlencoded::from_bytes(bytes).unwrap_or_default()
}
