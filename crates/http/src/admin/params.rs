//! The admin API's query parameters read alike by every handler: flags, counts, a page's
//! size; a bad one is a DRF field error naming it.

use super::errors::bad_parameter;
use crate::drf::{ApiError, Query};
use axum::Json;
use serde_json::Value;
use std::collections::HashMap;

pub(super) type Params = Query<HashMap<String, String>>;
pub(super) type Answer = Result<Json<Value>, ApiError>;

/// The most rows a page may ask for.
const PAGE_MAX: i64 = 500;
const PAGE_DEFAULT: i64 = 50;

pub(super) fn flag(params: &HashMap<String, String>, name: &str) -> Result<Option<bool>, ApiError> {
    match params.get(name).map(|v| v.to_ascii_lowercase()).as_deref() {
        None | Some("") => Ok(None),
        Some("true" | "1" | "yes") => Ok(Some(true)),
        Some("false" | "0" | "no") => Ok(Some(false)),
        Some(_) => Err(bad_parameter(name, "Must be true or false.")),
    }
}

pub(super) fn number(
    params: &HashMap<String, String>,
    name: &str,
) -> Result<Option<i64>, ApiError> {
    match params.get(name).filter(|v| !v.is_empty()) {
        None => Ok(None),
        Some(v) => v
            .parse::<i64>()
            .ok()
            .filter(|n| *n >= 0)
            .map(Some)
            .ok_or_else(|| bad_parameter(name, "A valid integer is required.")),
    }
}

pub(super) fn limit(params: &HashMap<String, String>) -> Result<i64, ApiError> {
    Ok(number(params, "limit")?
        .unwrap_or(PAGE_DEFAULT)
        .clamp(1, PAGE_MAX))
}
