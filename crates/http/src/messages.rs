//! The sentences DRF, Django, Djoser and SimpleJWT answer with, that more than one module of
//! Tessera says: written once, word for word as those frameworks write them.

/// DRF's field errors.
pub const REQUIRED: &str = "This field is required.";
pub const NULL: &str = "This field may not be null.";
pub const BLANK: &str = "This field may not be blank.";
pub const NOT_STRING: &str = "Not a valid string.";

/// DRF's `CharField(max_length)`.
pub fn too_long(max: usize) -> String {
    format!("Ensure this field has no more than {max} characters.")
}

/// Django's `EmailValidator`.
pub const INVALID_EMAIL: &str = "Enter a valid email address.";
/// The e-mail field's unique error (`{model} with this {field} already exists.`).
pub const EMAIL_TAKEN: &str = "user with this email address already exists.";
/// AbstractUser's username unique error.
pub const USERNAME_TAKEN: &str = "A user with that username already exists.";

/// DRF's 500 and 403 answers.
pub const SERVER_ERROR: &str = "A server error occurred.";
pub const NO_PERMISSION: &str = "You do not have permission to perform this action.";

/// Djoser's uid and token errors (its activation and reset confirmations).
pub const INVALID_UID: &str = "Invalid user id or user doesn't exist.";
pub const INVALID_TOKEN: &str = "Invalid token for given user.";

/// SimpleJWT's blacklisted-token message.
pub const TOKEN_BLACKLISTED: &str = "Token is blacklisted";
