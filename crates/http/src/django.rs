//! Django's own validation answers, shared by both dialects (both sit on a Django user
//! model): uniqueness messages and the registration errors built from them.

use crate::drf::ApiError;
use crate::messages::{EMAIL_TAKEN, USERNAME_TAKEN};
use axum::http::StatusCode;
use serde_json::json;
use tessera_core::accounts::RegisterError;
use tessera_core::passwords::{PasswordProblem, UserAttribute};

/// Django's messages for what its password validators found, in their order.
pub fn password_messages(problems: &[PasswordProblem]) -> Vec<String> {
    problems.iter().map(|p| password_message(*p)).collect()
}

fn password_message(problem: PasswordProblem) -> String {
    match problem {
        PasswordProblem::TooSimilar(attribute) => {
            let name = match attribute {
                UserAttribute::Username => "username",
                UserAttribute::FirstName => "first name",
                UserAttribute::LastName => "last name",
                UserAttribute::Email => "email address",
            };
            format!("The password is too similar to the {name}.")
        }
        PasswordProblem::TooShort { min_length } => format!(
            "This password is too short. It must contain at least {min_length} character{}.",
            if min_length == 1 { "" } else { "s" }
        ),
        PasswordProblem::TooCommon => "This password is too common.".to_owned(),
        PasswordProblem::EntirelyNumeric => "This password is entirely numeric.".to_owned(),
    }
}

/// `{field: [Django's messages]}` with 400, for a refused password.
pub fn weak_password(field: &str, problems: &[PasswordProblem]) -> ApiError {
    ApiError::new(
        StatusCode::BAD_REQUEST,
        json!({ field: password_messages(problems) }),
    )
}

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
        RegisterError::WeakPassword(problems) => weak_password("password", &problems),
        RegisterError::Internal(e) => ApiError::internal(&e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tessera_core::passwords::{PasswordPolicy, UserAttributes};

    /// The messages Django 5.2.19 gave for these passwords (`crates/core/tests/data`).
    #[test]
    fn password_messages_are_djangos() {
        let vectors: serde_json::Value =
            serde_json::from_str(include_str!("../../core/tests/data/django_vectors.json"))
                .unwrap();
        let u = &vectors["validator_cases"]["user"];
        let attrs = UserAttributes {
            username: u["username"].as_str().unwrap(),
            first_name: u["first_name"].as_str().unwrap(),
            last_name: u["last_name"].as_str().unwrap(),
            email: u["email"].as_str().unwrap(),
        };
        for case in vectors["validator_cases"]["results"].as_array().unwrap() {
            let password = case["password"].as_str().unwrap();
            let expected: Vec<&str> = case["errors"]
                .as_array()
                .unwrap()
                .iter()
                .map(|e| e["message"].as_str().unwrap())
                .collect();
            let problems = PasswordPolicy::default().check(password, &attrs);
            assert_eq!(password_messages(&problems), expected, "{password:?}");
        }
        let one = password_messages(&[PasswordProblem::TooShort { min_length: 1 }]);
        assert_eq!(
            one,
            ["This password is too short. It must contain at least 1 character."]
        );
    }
}
