//! Passwords: hashing on the hasher's own threads, Django hash compatibility, Django's validators.

mod buffers;
mod django;
mod hasher;
mod threads;
mod validation;

pub use django::{DjangoHash, KNOWN_HASHERS};
pub use hasher::{HashError, HashLoad, HasherConfig, PasswordHasher, StoredHash, Verification};
pub use validation::{PasswordPolicy, PasswordProblem, UserAttribute, UserAttributes};
