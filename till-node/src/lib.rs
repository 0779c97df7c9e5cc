//! The Node.js binding of Till.
//!
//! Every function here converts its arguments, calls `till-core` and hands failures to
//! [`error::catch`], which turns them into JavaScript exceptions. Nothing here parses keys,
//! matches scopes or reads clocks on its own.
//!
//! The package's loader (`index.js`) defines the `TillError` class and registers it with
//! [`error::register_error_class`] before anything else runs.

pub mod convert;
pub mod error;
pub mod issue;
pub mod keys;
pub mod tools;
pub mod verify;
