//! Tessera's templates, as mail and pages share them: one minijinja environment set-up
//! (`.html` templates auto-escaped, the rest not) with HTML escaping fit for attribute values.

mod escape;

pub use escape::environment;
