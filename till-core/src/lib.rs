//! Scoped API keys that any holder can narrow offline and any service can verify in-process.
//!
//! A service mints a key that says what its holder may do; the holder can attenuate it into a
//! weaker key for someone else, without any secret; and the service checks it with one call
//! to [`Verifier::verify`], without a network round trip.
//!
//! ```
//! use std::time::Duration;
//! use till_core::{Attenuation, Claims, Expiry, Issuer, Keyring, Request, RootKey, Verifier};
//!
//! # fn main() -> Result<(), till_core::Error> {
//! let keyring = Keyring::single(RootKey::generate()?);
//! let claims = Claims::new(["repo/acme/*:read"], Expiry::After(Duration::from_secs(3600)))?
//!     .subject("triage-bot");
//! let key = Issuer::new(&keyring).mint(&claims)?;
//!
//! let verifier = Verifier::new(&keyring);
//! let grant = verifier.verify(key.expose_secret(), &Request::scope("repo/acme/api:read")?)?;
//! assert_eq!(grant.subject(), Some("triage-bot"));
//!
//! let narrowed = Attenuation::new().scopes(["repo/acme/docs:read"])?.label("agent:summarizer");
//! let sub_key = till_core::attenuate(key.expose_secret(), &narrowed)?;
//! let denied = verifier.verify(sub_key.expose_secret(), &Request::scope("repo/acme/api:read")?);
//! assert_eq!(denied.unwrap_err().code().as_str(), "insufficient_scope");
//! # Ok(())
//! # }
//! ```
//!
//! The key format is specified in `docs/FORMAT.md`; what Till deliberately leaves out is
//! written in [`non_goals`].
#![forbid(unsafe_code)]
#![warn(missing_docs)]
#![cfg_attr(
    not(test),
    deny(clippy::unwrap_used, clippy::expect_used, clippy::panic)
)]

mod attenuate;
#[cfg(feature = "tracing")]
mod audit;
mod checksum;
mod error;
pub mod insecure;
mod inspect;
mod key;
pub mod limits;
mod mac;
mod mint;
pub mod non_goals;
mod policy;
pub mod record;
mod revocation;
mod root;
mod scan;
mod scope;
mod secret;
mod time;
mod verify;
mod wire;

pub use attenuate::{Attenuation, attenuate, attenuate_at};
pub use error::{Error, ErrorCode, Limit, Malformed, MissingScopes, ScopeError};
pub use inspect::{Unverified, UnverifiedBlock, inspect};
pub use key::{Env, KeyId, Prefix, RootKeyId};
pub use mint::{Claims, Expiry, Issuer};
pub use policy::{Policy, PolicyDefinition, RoleDefinition, SharedPolicy};
pub use record::GrantRecord;
pub use revocation::{Revocation, RevocationList};
pub use root::{Keyring, ROOT_KEY_PREFIX, RootKey};
pub use scan::{Found, FoundKind, find_keys, redact};
pub use scope::{Request, Scope, minimize, validate_role, validate_scope};
pub use secret::ApiKey;
pub use time::{Clock, FixedClock, SystemClock, UnixTime};
pub use verify::{Grant, Link, Verifier, VerifierBuilder};

/// The Rust example of README.md, compiled by `cargo test`.
#[doc = include_str!("../../README.md")]
#[cfg(doctest)]
pub struct ReadmeDoctests;
