//! `dump_data/`: everything Tessera holds about the caller, mailed as a JSON attachment (the
//! original's behaviour) or, with `?delivery=download`, returned as an attachment.

use super::errors;
use crate::AppState;
use crate::auth::CurrentUser;
use crate::drf::ApiError;
use crate::drf::Query;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::http::header::{CONTENT_DISPOSITION, CONTENT_TYPE};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde_json::json;
use tessera_core::accounts::export_filename;

#[derive(Debug, Deserialize)]
pub struct Delivery {
    delivery: Option<String>,
}

pub async fn dump(
    State(state): State<AppState>,
    CurrentUser(me): CurrentUser,
    Query(q): Query<Delivery>,
) -> Result<Response, ApiError> {
    match q.delivery.as_deref() {
        None | Some("email") => {
            state
                .accounts
                .mail_export(&me)
                .await
                .map_err(errors::internal)?;
            let detail = format!("Your data has been sent to {}.", me.email);
            Ok(Json(json!({ "detail": detail })).into_response())
        }
        Some("download") => {
            let document = state.accounts.export(&me).await.map_err(errors::internal)?;
            let disposition = format!("attachment; filename=\"{}\"", export_filename(&me));
            let headers = [
                (CONTENT_TYPE, "application/json".to_owned()),
                (CONTENT_DISPOSITION, disposition),
            ];
            Ok((
                headers,
                serde_json::to_string_pretty(&document).unwrap_or_default(),
            )
                .into_response())
        }
        Some(_) => Err(ApiError::new(
            StatusCode::BAD_REQUEST,
            json!({"delivery": ["Select a valid choice: email or download."]}),
        )),
    }
}
