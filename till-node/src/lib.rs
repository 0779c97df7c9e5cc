//! The Node.js binding of Till.
//!
//! Every function here converts its arguments, calls `till-core` and hands failures to
//! `error::catch`, which turns them into JavaScript exceptions. Nothing here parses keys,
//! matches scopes or reads clocks on its own.
//!
//! The package's loader (`index.js`) defines the `TillError` class, which it hands to
//! [`registry::register`] before anything else runs, and the `Grant` class, which reads the
//! fields of a verified grant from [`grants`] when they are first asked for.

use napi_derive::napi;

pub mod convert;
pub mod error;
pub mod grants;
pub mod held;
pub mod issue;
pub mod key;
pub mod keys;
pub mod policy;
pub mod registry;
pub mod request;
pub mod tools;
pub mod verify;

/// Does nothing: the cost of a call into the addon, which `bench/verify.mjs` measures.
#[napi(skip_typescript)]
pub fn empty_call() {}
