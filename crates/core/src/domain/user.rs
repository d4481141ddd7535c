//! The user record: identity, credentials, flags and the profile fields.

use super::{EmailAddress, Lang, Username};
use crate::Timestamp;
use crate::passwords::StoredHash;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct UserId(pub i64);

/// The free-form profile fields of the reference user model; empty string means unset.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct Profile {
    pub first_name: String,
    pub last_name: String,
    pub phone: String,
    pub address_line_1: String,
    pub address_line_2: String,
    pub city: String,
    pub state: String,
    pub postcode: String,
    pub country: String,
}

/// The names of the profile fields, with their maximum lengths.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProfileField {
    FirstName,
    LastName,
    Phone,
    AddressLine1,
    AddressLine2,
    City,
    State,
    Postcode,
    Country,
}

impl ProfileField {
    pub const ALL: [ProfileField; 9] = [
        Self::FirstName,
        Self::LastName,
        Self::Phone,
        Self::AddressLine1,
        Self::AddressLine2,
        Self::City,
        Self::State,
        Self::Postcode,
        Self::Country,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Self::FirstName => "first_name",
            Self::LastName => "last_name",
            Self::Phone => "phone",
            Self::AddressLine1 => "address_line_1",
            Self::AddressLine2 => "address_line_2",
            Self::City => "city",
            Self::State => "state",
            Self::Postcode => "postcode",
            Self::Country => "country",
        }
    }

    pub fn max_len(self) -> usize {
        match self {
            Self::FirstName | Self::LastName => 150,
            Self::Phone | Self::Postcode => 20,
            _ => 255,
        }
    }
}

impl Profile {
    pub fn get(&self, field: ProfileField) -> &str {
        match field {
            ProfileField::FirstName => &self.first_name,
            ProfileField::LastName => &self.last_name,
            ProfileField::Phone => &self.phone,
            ProfileField::AddressLine1 => &self.address_line_1,
            ProfileField::AddressLine2 => &self.address_line_2,
            ProfileField::City => &self.city,
            ProfileField::State => &self.state,
            ProfileField::Postcode => &self.postcode,
            ProfileField::Country => &self.country,
        }
    }

    pub fn set(&mut self, field: ProfileField, value: String) {
        let slot = match field {
            ProfileField::FirstName => &mut self.first_name,
            ProfileField::LastName => &mut self.last_name,
            ProfileField::Phone => &mut self.phone,
            ProfileField::AddressLine1 => &mut self.address_line_1,
            ProfileField::AddressLine2 => &mut self.address_line_2,
            ProfileField::City => &mut self.city,
            ProfileField::State => &mut self.state,
            ProfileField::Postcode => &mut self.postcode,
            ProfileField::Country => &mut self.country,
        };
        *slot = value;
    }
}

/// A stored account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    pub id: UserId,
    pub email: EmailAddress,
    pub username: Username,
    /// The stored password hash (PHC string or Django's `algorithm$...` form); redacted in `Debug`.
    pub password_hash: StoredHash,
    pub is_active: bool,
    pub is_staff: bool,
    pub is_superuser: bool,
    pub last_login: Option<Timestamp>,
    pub date_joined: Timestamp,
    pub profile: Profile,
    pub lang: Lang,
    pub two_fa_enabled: bool,
    /// The user proved the address by following a mailed link (activation or verification).
    pub email_verified: bool,
}

/// What registration writes.
#[derive(Debug, Clone)]
pub struct NewUser {
    pub email: EmailAddress,
    pub username: Username,
    pub password_hash: StoredHash,
    pub is_active: bool,
    pub is_staff: bool,
    pub is_superuser: bool,
    pub date_joined: Timestamp,
    pub profile: Profile,
    pub lang: Lang,
}
