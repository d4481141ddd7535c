//! Domain types parsed at the boundary: e-mail addresses, usernames, passwords, users.

mod client;
mod email;
mod lang;
mod password;
mod user;
mod username;

pub use client::ClientInfo;
pub use email::EmailAddress;
pub use lang::Lang;
pub use password::{Password, PasswordInputError};
pub use user::{NewUser, Profile, ProfileField, User, UserId};
pub use username::Username;

/// Why a value was refused at the boundary, in Django's words.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ParseError {
    #[error("This field may not be blank.")]
    Blank,
    #[error("Ensure this field has no more than {0} characters.")]
    TooLong(usize),
    #[error("{0}")]
    Invalid(&'static str),
}
