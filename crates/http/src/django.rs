//! Django's own validation answers, shared by both dialects (both sit on a Django user
//! model): uniqueness messages and the registration errors built from them.

use crate::drf::ApiError;
use axum::http::StatusCode;
use serde_json::json;
use tessera_core::accounts::RegisterError;

/// The e-mail field's unique error (`{model} with this {field} already exists.`).
pub const EMAIL_TAKEN: &str = "user with this email address already exists.";
/// AbstractUser's username unique error.
pub const USERNAME_TAKEN: &str = "A user with that username already exists.";

/// A registration refused: taken fields, or the password validators' messages.
pub fn register(e: RegisterError) -> ApiError {
    match e {
        RegisterError::Taken { email, username } => {
            let mut body = serde_json::Map::new();
            if email {
                body.insert("email".into(), json!([EMAIL_TAKEN]));
            }
            if username {
                body.insert("username".into(), json!([USERNAME_TAKEN]));
            }
            ApiError::new(StatusCode::BAD_REQUEST, body.into())
        }
        RegisterError::WeakPassword(problems) => {
            ApiError::new(StatusCode::BAD_REQUEST, json!({"password": problems}))
        }
        RegisterError::Internal(e) => ApiError::internal(&e),
    }
}
