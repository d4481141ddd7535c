//! How a user looks in this dialect's responses.

use serde_json::{Map, Value, json};
use tessera_core::domain::{ProfileField, User};

/// Djoser's user serializer with the reference profile fields.
pub fn user(u: &User) -> Value {
    let mut map = Map::new();
    map.insert("id".into(), json!(u.id.0));
    map.insert("email".into(), json!(u.email.as_str()));
    map.insert("username".into(), json!(u.username.as_str()));
    for field in ProfileField::ALL {
        map.insert(field.name().into(), json!(u.profile.get(field)));
    }
    Value::Object(map)
}

/// What registration answers: `{email, id, username}`.
pub fn created(u: &User) -> Value {
    json!({"email": u.email.as_str(), "id": u.id.0, "username": u.username.as_str()})
}
