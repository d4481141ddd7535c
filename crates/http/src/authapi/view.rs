//! How an account looks in this dialect's responses.

use serde_json::{Map, Value, json};
use tessera_core::domain::{EmailAddress, ProfileField, User};

/// What creation answers: `{username, email, two_fa_enabled, lang}`.
pub fn created(u: &User) -> Value {
    json!({
        "username": u.username.as_str(),
        "email": u.email.as_str(),
        "two_fa_enabled": u.two_fa_enabled,
        "lang": u.lang.as_str(),
    })
}

/// The owner's view of the account; `pending` is the new address waiting for verification.
pub fn account(u: &User, pending: Option<&EmailAddress>) -> Value {
    let mut map = Map::new();
    map.insert("username".into(), json!(u.username.as_str()));
    map.insert("email".into(), json!(u.email.as_str()));
    map.insert("email_verified".into(), json!(u.email_verified));
    map.insert(
        "pending_email".into(),
        json!(pending.map(EmailAddress::as_str)),
    );
    map.insert("two_fa_enabled".into(), json!(u.two_fa_enabled));
    map.insert("lang".into(), json!(u.lang.as_str()));
    for field in ProfileField::ALL {
        map.insert(field.name().into(), json!(u.profile.get(field)));
    }
    Value::Object(map)
}
