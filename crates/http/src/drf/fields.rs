//! `Fields`: read typed fields out of a body the way DRF serializer fields do, collecting
//! every problem as `{"field": ["message"]}` before answering 400.

use super::ApiError;
use axum::http::StatusCode;
use serde_json::{Map, Value, json};
use tessera_core::domain::{
    EmailAddress, Lang, PASSWORD_MAX_BYTES, ParseError, Password, PasswordInputError, Profile,
    ProfileField, Username,
};

use crate::messages::{BLANK, INVALID_EMAIL, NOT_STRING, NULL, REQUIRED, too_long};

/// Field name → messages, in insertion order of the first problem per field.
#[derive(Debug, Default)]
pub struct FieldErrors(Vec<(String, Vec<String>)>);

impl FieldErrors {
    pub fn add(&mut self, field: &str, message: impl Into<String>) {
        let message = message.into();
        match self.0.iter_mut().find(|(f, _)| f == field) {
            Some((_, list)) => list.push(message),
            None => self.0.push((field.to_owned(), vec![message])),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn into_error(self) -> ApiError {
        let mut map = Map::new();
        for (field, messages) in self.0 {
            map.insert(field, json!(messages));
        }
        ApiError::new(StatusCode::BAD_REQUEST, Value::Object(map))
    }
}

/// A body being read field by field.
pub struct Fields {
    map: Map<String, Value>,
    errors: FieldErrors,
    not_an_object: Option<&'static str>,
}

impl Fields {
    pub fn new(body: Value) -> Self {
        match body {
            Value::Object(map) => Self {
                map,
                errors: FieldErrors::default(),
                not_an_object: None,
            },
            other => Self {
                map: Map::new(),
                errors: FieldErrors::default(),
                not_an_object: Some(type_name(&other)),
            },
        }
    }

    pub fn has(&self, name: &str) -> bool {
        self.map.contains_key(name)
    }

    /// The raw string value of a field, when it is one.
    pub fn peek(&self, name: &str) -> Option<&str> {
        self.map.get(name).and_then(Value::as_str)
    }

    /// A CharField's text: numbers become text, other types are refused; whitespace is
    /// trimmed unless `trim` is off (password fields keep theirs).
    fn text(
        &mut self,
        name: &str,
        required: bool,
        allow_blank: bool,
        trim: bool,
    ) -> Option<String> {
        let value = match self.map.get(name) {
            None => {
                if required {
                    self.errors.add(name, REQUIRED);
                }
                return None;
            }
            Some(Value::Null) => {
                self.errors.add(name, NULL);
                return None;
            }
            Some(Value::String(s)) if trim => s.trim().to_owned(),
            Some(Value::String(s)) => s.clone(),
            Some(Value::Number(n)) => n.to_string(),
            Some(_) => {
                self.errors.add(name, NOT_STRING);
                return None;
            }
        };
        if value.is_empty() && !allow_blank {
            self.errors.add(name, BLANK);
            return None;
        }
        Some(value)
    }

    /// A required, non-blank string.
    pub fn required(&mut self, name: &str) -> Option<String> {
        self.text(name, true, false, true)
    }

    /// An optional string that may be blank, at most `max` characters.
    pub fn optional(&mut self, name: &str, max: usize) -> Option<String> {
        let value = self.text(name, false, true, true)?;
        if value.chars().count() > max {
            self.errors.add(name, too_long(max));
            return None;
        }
        Some(value)
    }

    pub fn email(&mut self, name: &str) -> Option<EmailAddress> {
        let raw = self.required(name)?;
        self.parsed(name, EmailAddress::parse(&raw))
    }

    pub fn username(&mut self, name: &str) -> Option<Username> {
        let raw = self.required(name)?;
        self.parsed(name, Username::parse(&raw))
    }

    pub fn password(&mut self, name: &str) -> Option<Password> {
        let raw = self.text(name, true, false, false)?;
        match Password::parse(raw) {
            Ok(p) => Some(p),
            Err(PasswordInputError::Blank) => {
                self.errors.add(name, BLANK);
                None
            }
            Err(PasswordInputError::TooLong) => {
                self.errors.add(
                    name,
                    format!("Ensure this field has no more than {PASSWORD_MAX_BYTES} bytes."),
                );
                None
            }
        }
    }

    /// DRF's BooleanField: true/false, 1/0 and their usual spellings.
    pub fn boolean(&mut self, name: &str) -> Option<bool> {
        let value = match self.map.get(name)? {
            Value::Bool(b) => Some(*b),
            Value::Number(n) => match n.as_i64() {
                Some(1) => Some(true),
                Some(0) => Some(false),
                _ => None,
            },
            Value::String(s) => match s.trim().to_ascii_lowercase().as_str() {
                "true" | "1" | "yes" | "on" | "t" | "y" => Some(true),
                "false" | "0" | "no" | "off" | "f" | "n" => Some(false),
                _ => None,
            },
            _ => None,
        };
        if value.is_none() {
            self.errors.add(name, "Must be a valid boolean.");
        }
        value
    }

    pub fn lang(&mut self, name: &str) -> Option<Lang> {
        let raw = self.required(name)?;
        self.parsed(name, Lang::parse(&raw))
    }

    /// The profile fields present, as a full profile and as a list of changes.
    pub fn profile(&mut self) -> (Profile, Vec<(ProfileField, String)>) {
        let mut profile = Profile::default();
        let mut changes = Vec::new();
        for field in ProfileField::ALL {
            if let Some(value) = self.optional(field.name(), field.max_len()) {
                profile.set(field, value.clone());
                changes.push((field, value));
            }
        }
        (profile, changes)
    }

    fn parsed<T>(&mut self, name: &str, result: Result<T, ParseError>) -> Option<T> {
        result
            .map_err(|e| self.errors.add(name, parse_message(&e)))
            .ok()
    }

    /// Record a problem found after reading (e.g. a uniqueness check).
    pub fn error(&mut self, name: &str, message: impl Into<String>) {
        self.errors.add(name, message);
    }

    /// The fields read, or 400 with every problem. `read` is what the readers returned:
    /// every reader that returns `None` records why, so `None` here means an error was recorded.
    pub fn finish_with<T>(self, read: Option<T>) -> Result<T, ApiError> {
        self.finish()?;
        read.ok_or_else(|| ApiError::detail(StatusCode::BAD_REQUEST, "Invalid request body."))
    }

    /// `Err(400)` when anything was wrong.
    pub fn finish(self) -> Result<(), ApiError> {
        if let Some(kind) = self.not_an_object {
            return Err(ApiError::new(
                StatusCode::BAD_REQUEST,
                json!({"non_field_errors": [format!("Invalid data. Expected a dictionary, but got {kind}.")]}),
            ));
        }
        if self.errors.is_empty() {
            Ok(())
        } else {
            Err(self.errors.into_error())
        }
    }
}

/// What DRF and Django's validators say of a value the domain refused.
fn parse_message(e: &ParseError) -> String {
    match e {
        ParseError::Blank => BLANK.to_owned(),
        ParseError::TooLong(max) => too_long(*max),
        ParseError::NotAnEmail => INVALID_EMAIL.to_owned(),
        ParseError::UsernameCharacters => "Enter a valid username. This value may contain only \
             letters, numbers, and @/./+/-/_ characters."
            .to_owned(),
        ParseError::ReservedUsername => "This username is not allowed".to_owned(),
        ParseError::UnknownLang => {
            "Select a valid choice. That choice is not one of the available choices.".to_owned()
        }
    }
}

fn type_name(v: &Value) -> &'static str {
    match v {
        Value::Array(_) => "list",
        Value::String(_) => "str",
        Value::Number(n) if n.is_f64() => "float",
        Value::Number(_) => "int",
        Value::Bool(_) => "bool",
        Value::Null => "NoneType",
        Value::Object(_) => "dict",
    }
}
