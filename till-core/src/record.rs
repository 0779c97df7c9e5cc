//! A grant's record read back: the fields of a grant, for bindings that keep grants in another
//! runtime's memory.
//!
//! A binding that hands grants to a garbage-collected language can hand over
//! [`Grant::record`], bytes that live in that language's memory, and read fields from them
//! when they are asked for, instead of keeping every grant alive on the Rust side until the
//! other runtime lets go of it. [`GrantRecord`] reads the bytes back.
//!
//! A record is not a proof. Anyone can write one, and reading one checks its form only, so a
//! `GrantRecord` is deliberately not a [`Grant`]: only a [`Verifier`](crate::Verifier) makes
//! those, and holding one still means a key was verified. Read back the records of grants the
//! program itself was given; never take one from outside in place of a key.

use std::fmt;
use std::sync::Arc;

use crate::key::{Env, KeyId, Prefix, RootKeyId};
use crate::policy::Policy;
use crate::scope::Scope;
use crate::time::UnixTime;
use crate::verify::{Grant, Link};

/// The fields of a grant, read back from its record. See the [module](self) documentation.
#[derive(Clone)]
pub struct GrantRecord(Grant);

impl GrantRecord {
    /// Reads `record`, written by [`Grant::record`], or gives `None` if it is not one. The
    /// key's roles are resolved by `policy`, which should be the one the grant was verified
    /// with ([`Grant::policy`]); without one they grant nothing.
    pub fn read(record: &[u8], policy: Option<Arc<Policy>>) -> Option<Self> {
        Grant::from_record(record, policy).map(Self)
    }

    /// The record, as [`Grant::record`] wrote it.
    pub fn bytes(&self) -> &[u8] {
        self.0.record()
    }

    /// [`Grant::key_id`].
    pub fn key_id(&self) -> KeyId {
        self.0.key_id()
    }

    /// [`Grant::root_key_id`].
    pub fn root_key_id(&self) -> RootKeyId {
        self.0.root_key_id()
    }

    /// [`Grant::prefix`].
    pub fn prefix(&self) -> Prefix {
        self.0.prefix()
    }

    /// [`Grant::env`].
    pub fn env(&self) -> Env {
        self.0.env()
    }

    /// [`Grant::subject`].
    pub fn subject(&self) -> Option<&str> {
        self.0.subject()
    }

    /// [`Grant::audience`].
    pub fn audience(&self) -> Option<&str> {
        self.0.audience()
    }

    /// [`Grant::issued_at`].
    pub fn issued_at(&self) -> UnixTime {
        self.0.issued_at()
    }

    /// [`Grant::expires_at`].
    pub fn expires_at(&self) -> Option<UnixTime> {
        self.0.expires_at()
    }

    /// [`Grant::not_before`].
    pub fn not_before(&self) -> Option<UnixTime> {
        self.0.not_before()
    }

    /// [`Grant::scopes`], with the roles resolved by the policy the record was read with.
    pub fn scopes(&self) -> Vec<Scope> {
        self.0.scopes()
    }

    /// [`Grant::roles`].
    pub fn roles(&self) -> impl Iterator<Item = &str> {
        self.0.roles()
    }

    /// [`Grant::chain`].
    pub fn chain(&self) -> impl Iterator<Item = Link<'_>> {
        self.0.chain()
    }
}

impl fmt::Debug for GrantRecord {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.debug_as("GrantRecord", f)
    }
}

impl serde::Serialize for GrantRecord {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.0.serialize(serializer)
    }
}
