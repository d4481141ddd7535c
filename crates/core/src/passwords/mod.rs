//! Passwords: hashing on the hasher's own threads, Django hash compatibility, Django's validators.

mod buffers;
mod django;
mod hasher;
mod phc;
mod threads;
mod validation;

pub use django::{DjangoHash, KNOWN_HASHERS};
pub use hasher::{HashError, HasherConfig, PasswordHasher, StoredHash, Verification};
pub use threads::HashLoad;
pub use validation::{PasswordPolicy, PasswordProblem, UserAttribute, UserAttributes};
