//! How a user looks in this dialect's responses.

use serde::ser::{Serialize, SerializeMap, Serializer};
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

/// `user(u)` written straight from the account, without building a `Value` first: the same
/// keys in the same order (a `Map` keeps its keys sorted).
pub struct UserView(pub User);

/// `user`'s keys, sorted.
enum Key {
    Id,
    Email,
    Username,
    Profile(ProfileField),
}

const SORTED: [(&str, Key); 12] = [
    ("address_line_1", Key::Profile(ProfileField::AddressLine1)),
    ("address_line_2", Key::Profile(ProfileField::AddressLine2)),
    ("city", Key::Profile(ProfileField::City)),
    ("country", Key::Profile(ProfileField::Country)),
    ("email", Key::Email),
    ("first_name", Key::Profile(ProfileField::FirstName)),
    ("id", Key::Id),
    ("last_name", Key::Profile(ProfileField::LastName)),
    ("phone", Key::Profile(ProfileField::Phone)),
    ("postcode", Key::Profile(ProfileField::Postcode)),
    ("state", Key::Profile(ProfileField::State)),
    ("username", Key::Username),
];

impl Serialize for UserView {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let u = &self.0;
        let mut map = s.serialize_map(Some(SORTED.len()))?;
        for (name, key) in &SORTED {
            match key {
                Key::Id => map.serialize_entry(name, &u.id.0)?,
                Key::Email => map.serialize_entry(name, u.email.as_str())?,
                Key::Username => map.serialize_entry(name, u.username.as_str())?,
                Key::Profile(field) => map.serialize_entry(name, u.profile.get(*field))?,
            }
        }
        map.end()
    }
}

/// What registration answers: `{email, id, username}`.
pub fn created(u: &User) -> Value {
    json!({"email": u.email.as_str(), "id": u.id.0, "username": u.username.as_str()})
}

#[cfg(test)]
mod tests {
    use super::*;
    use tessera_core::records::UserRecord;

    #[test]
    fn the_view_written_straight_is_the_value_built() {
        let text = |s: &str| format!("{s} \"quoted\" é");
        let user = User::from(UserRecord {
            id: 42,
            email: "ann@example.com".into(),
            username: "ann".into(),
            password_hash: String::new(),
            is_active: true,
            is_staff: false,
            is_superuser: false,
            last_login: None,
            date_joined: 0,
            first_name: text("first"),
            last_name: text("last"),
            phone: text("phone"),
            address_line_1: text("a1"),
            address_line_2: text("a2"),
            city: text("city"),
            state: text("state"),
            postcode: text("pc"),
            country: text("country"),
            lang: "en".into(),
            two_fa_enabled: false,
            email_verified: false,
        });
        let built = user_value_text(&user);
        let straight = serde_json::to_string(&UserView(user)).unwrap();
        assert_eq!(straight, built);
    }

    fn user_value_text(u: &User) -> String {
        user(u).to_string()
    }
}
