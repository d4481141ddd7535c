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
pub use password::{MAX_BYTES as PASSWORD_MAX_BYTES, Password, PasswordInputError};
pub use user::{NewUser, Profile, ProfileField, User, UserId};
pub use username::Username;

/// Why a value was refused at the boundary (the HTTP layer says it in Django's words).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ParseError {
    #[error("it is blank")]
    Blank,
    #[error("it is longer than {0} characters")]
    TooLong(usize),
    #[error("it is not an e-mail address")]
    NotAnEmail,
    #[error("a username holds only letters, digits and @ . + - _")]
    UsernameCharacters,
    #[error("no account may take this username")]
    ReservedUsername,
    #[error("it is not one of the languages served")]
    UnknownLang,
}
