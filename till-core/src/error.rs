//! Errors, and the stable codes every binding exposes.

use std::fmt;
use std::sync::Arc;

use crate::key::{Env, RootKeyId};
use crate::scope::Scope;
use crate::time::UnixTime;

/// The stable, machine-readable code of an [`Error`].
///
/// The string form ([`ErrorCode::as_str`]) and the number ([`ErrorCode::number`]) are the
/// contract shared by the Rust, Python, Node and C interfaces; neither is ever reused.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorCode {
    /// The text is not a well-formed key of this format.
    Malformed,
    /// The checksum at the end of the key does not match the text before it.
    BadChecksum,
    /// The key exceeds a documented limit.
    TooLarge,
    /// The key states a format version this library does not know.
    UnsupportedVersion,
    /// The key names a root key that the keyring does not hold.
    UnknownRootKey,
    /// The key's tag is wrong: it was forged, altered, or minted under another secret.
    InvalidSignature,
    /// The key was minted for another environment.
    WrongEnvironment,
    /// The key was minted for another audience, or states none where one is required.
    WrongAudience,
    /// The key has expired.
    Expired,
    /// The key is not valid yet.
    NotYetValid,
    /// The key, or a key it was attenuated from, has been revoked.
    Revoked,
    /// The key is valid but does not grant what was asked.
    InsufficientScope,
    /// The key carries more attenuation blocks than one of its links allows.
    DelegationLimit,
    /// A scope or request does not follow the scope grammar.
    InvalidScope,
    /// An argument is out of range or badly formed.
    InvalidArgument,
    /// Attenuation asked for a scope the key does not hold.
    ScopeNotHeld,
    /// A root key's text is not valid.
    InvalidRootKey,
    /// A keyring was given two root keys with the same id.
    DuplicateRootKey,
    /// The system failed in a way the caller cannot fix (no randomness, for instance).
    Internal,
    /// A policy names an unknown role, includes roles in a cycle, or breaks the grammar.
    InvalidPolicy,
    /// Minting on behalf of roles asked for more than those roles allow.
    ExceedsRoles,
}

impl ErrorCode {
    /// Every code, in numeric order.
    pub const ALL: [ErrorCode; 21] = [
        Self::Malformed,
        Self::BadChecksum,
        Self::TooLarge,
        Self::UnsupportedVersion,
        Self::UnknownRootKey,
        Self::InvalidSignature,
        Self::WrongEnvironment,
        Self::WrongAudience,
        Self::Expired,
        Self::NotYetValid,
        Self::Revoked,
        Self::InsufficientScope,
        Self::DelegationLimit,
        Self::InvalidScope,
        Self::InvalidArgument,
        Self::ScopeNotHeld,
        Self::InvalidRootKey,
        Self::DuplicateRootKey,
        Self::Internal,
        Self::InvalidPolicy,
        Self::ExceedsRoles,
    ];

    /// The code as a `snake_case` string, e.g. `"insufficient_scope"`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Malformed => "malformed",
            Self::BadChecksum => "bad_checksum",
            Self::TooLarge => "too_large",
            Self::UnsupportedVersion => "unsupported_version",
            Self::UnknownRootKey => "unknown_root_key",
            Self::InvalidSignature => "invalid_signature",
            Self::WrongEnvironment => "wrong_environment",
            Self::WrongAudience => "wrong_audience",
            Self::Expired => "expired",
            Self::NotYetValid => "not_yet_valid",
            Self::Revoked => "revoked",
            Self::InsufficientScope => "insufficient_scope",
            Self::DelegationLimit => "delegation_limit",
            Self::InvalidScope => "invalid_scope",
            Self::InvalidArgument => "invalid_argument",
            Self::ScopeNotHeld => "scope_not_held",
            Self::InvalidRootKey => "invalid_root_key",
            Self::DuplicateRootKey => "duplicate_root_key",
            Self::Internal => "internal",
            Self::InvalidPolicy => "invalid_policy",
            Self::ExceedsRoles => "exceeds_roles",
        }
    }

    /// The code's number, from 1 upwards. The C interface returns it as a status.
    pub const fn number(self) -> u32 {
        match self {
            Self::Malformed => 1,
            Self::BadChecksum => 2,
            Self::TooLarge => 3,
            Self::UnsupportedVersion => 4,
            Self::UnknownRootKey => 5,
            Self::InvalidSignature => 6,
            Self::WrongEnvironment => 7,
            Self::WrongAudience => 8,
            Self::Expired => 9,
            Self::NotYetValid => 10,
            Self::Revoked => 11,
            Self::InsufficientScope => 12,
            Self::DelegationLimit => 13,
            Self::InvalidScope => 14,
            Self::InvalidArgument => 15,
            Self::ScopeNotHeld => 16,
            Self::InvalidRootKey => 17,
            Self::DuplicateRootKey => 18,
            Self::Internal => 19,
            Self::InvalidPolicy => 20,
            Self::ExceedsRoles => 21,
        }
    }

    /// The code named by `s`, if any.
    pub fn from_name(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|code| code.as_str() == s)
    }
}

impl fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Everything that can go wrong in Till.
///
/// Messages never contain a key, a tag or a secret. A key whose tag does not verify gets
/// [`Error::InvalidSignature`] and nothing more; details are given only for malformed input,
/// configuration mistakes and decisions taken after the tag is proven.
#[derive(Clone, Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The text is not a well-formed key.
    #[error("malformed key: {0}")]
    Malformed(Malformed),
    /// The checksum does not match.
    #[error("bad checksum: the key was mistyped, truncated or altered")]
    BadChecksum,
    /// A documented limit was exceeded.
    #[error("too large: {0}")]
    TooLarge(Limit),
    /// Unknown format version.
    #[error("unsupported key format version {0}")]
    UnsupportedVersion(u8),
    /// The root key is not in the keyring.
    #[error("unknown root key {0}")]
    UnknownRootKey(RootKeyId),
    /// The tag does not verify.
    #[error("invalid signature")]
    InvalidSignature,
    /// The key belongs to another environment.
    #[error("wrong environment: the key is for `{found}`, this verifier accepts `{expected}`")]
    WrongEnvironment {
        /// The environment the verifier accepts.
        expected: Env,
        /// The environment the key states.
        found: Env,
    },
    /// The key's audience does not match the verifier's.
    #[error("wrong audience")]
    WrongAudience,
    /// The key has expired.
    #[error("expired at {expired_at}")]
    Expired {
        /// The first second at which the key is no longer valid.
        expired_at: UnixTime,
    },
    /// The key is not valid yet.
    #[error("not valid before {valid_from}")]
    NotYetValid {
        /// The first second at which the key is valid.
        valid_from: UnixTime,
    },
    /// The key or one of its ancestors is revoked.
    #[error("revoked")]
    Revoked,
    /// The key does not grant what was asked.
    #[error("insufficient scope: {0}")]
    InsufficientScope(MissingScopes),
    /// A delegation limit in the chain is exceeded.
    #[error("delegation limit exceeded")]
    DelegationLimit,
    /// A scope or request does not follow the grammar.
    #[error("invalid scope: {0}")]
    InvalidScope(ScopeError),
    /// An argument is out of range or badly formed.
    #[error("invalid argument: {0}")]
    InvalidArgument(&'static str),
    /// Attenuation asked for a scope the key does not hold.
    #[error("the key does not hold scope `{0}`")]
    ScopeNotHeld(Scope),
    /// A root key's text is invalid.
    #[error("invalid root key: {0}")]
    InvalidRootKey(&'static str),
    /// Two root keys share an id.
    #[error("duplicate root key id {0}")]
    DuplicateRootKey(RootKeyId),
    /// The system failed.
    #[error("internal error: {0}")]
    Internal(&'static str),
    /// A policy is invalid; the message names the roles or scopes at fault.
    #[error("invalid policy: {0}")]
    InvalidPolicy(String),
    /// Minting on behalf of roles asked for scopes those roles do not allow.
    #[error("beyond what the roles allow: {}", join(.0))]
    ExceedsRoles(Vec<Scope>),
}

fn join(scopes: &[Scope]) -> String {
    scopes
        .iter()
        .map(Scope::as_str)
        .collect::<Vec<_>>()
        .join(" ")
}

impl Error {
    /// The stable code of this error.
    pub fn code(&self) -> ErrorCode {
        match self {
            Self::Malformed(_) => ErrorCode::Malformed,
            Self::BadChecksum => ErrorCode::BadChecksum,
            Self::TooLarge(_) => ErrorCode::TooLarge,
            Self::UnsupportedVersion(_) => ErrorCode::UnsupportedVersion,
            Self::UnknownRootKey(_) => ErrorCode::UnknownRootKey,
            Self::InvalidSignature => ErrorCode::InvalidSignature,
            Self::WrongEnvironment { .. } => ErrorCode::WrongEnvironment,
            Self::WrongAudience => ErrorCode::WrongAudience,
            Self::Expired { .. } => ErrorCode::Expired,
            Self::NotYetValid { .. } => ErrorCode::NotYetValid,
            Self::Revoked => ErrorCode::Revoked,
            Self::InsufficientScope(_) => ErrorCode::InsufficientScope,
            Self::DelegationLimit => ErrorCode::DelegationLimit,
            Self::InvalidScope(_) => ErrorCode::InvalidScope,
            Self::InvalidArgument(_) => ErrorCode::InvalidArgument,
            Self::ScopeNotHeld(_) => ErrorCode::ScopeNotHeld,
            Self::InvalidRootKey(_) => ErrorCode::InvalidRootKey,
            Self::DuplicateRootKey(_) => ErrorCode::DuplicateRootKey,
            Self::Internal(_) => ErrorCode::Internal,
            Self::InvalidPolicy(_) => ErrorCode::InvalidPolicy,
            Self::ExceedsRoles(_) => ErrorCode::ExceedsRoles,
        }
    }

    /// The scopes a request asked for and was not granted, for [`ErrorCode::InsufficientScope`].
    pub fn missing_scopes(&self) -> Option<&MissingScopes> {
        match self {
            Self::InsufficientScope(missing) => Some(missing),
            _ => None,
        }
    }
}

/// Why a text is not a well-formed key.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Malformed {
    /// The text is not `<prefix>_<env>_<body><checksum>`.
    #[error("not of the form <prefix>_<env>_<body>")]
    Shape,
    /// The prefix breaks the prefix grammar, or is not the one the verifier expects.
    #[error("unexpected prefix")]
    Prefix,
    /// The environment breaks the environment grammar.
    #[error("invalid environment name")]
    Environment,
    /// The body is not canonical unpadded base64url.
    #[error("body is not canonical base64url")]
    Base64,
    /// The payload ends before a field does.
    #[error("payload is truncated")]
    Truncated,
    /// An integer is not in its shortest encoding, or is out of range.
    #[error("integer is not minimally encoded or out of range")]
    Integer,
    /// A flag bit that this version does not define is set.
    #[error("unknown field")]
    UnknownField,
    /// A string field is empty, too long, or uses a character outside its alphabet.
    #[error("invalid text field")]
    Text,
    /// A scope or role list is empty, unsorted, duplicated, or breaks the grammar.
    #[error("invalid scope or role list")]
    ScopeList,
    /// The root of the key grants neither scopes nor roles.
    #[error("key grants nothing")]
    Empty,
    /// A time is out of range, or an expiry precedes the issue time.
    #[error("time out of range")]
    Time,
}

/// Which limit a key exceeded.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Limit {
    /// More than [`MAX_KEY_LEN`](crate::limits::MAX_KEY_LEN) bytes of text.
    #[error("key text is longer than the maximum")]
    KeyLength,
    /// More than [`MAX_BLOCKS`](crate::limits::MAX_BLOCKS) attenuation blocks.
    #[error("too many attenuation blocks")]
    Blocks,
    /// More than [`MAX_SCOPES`](crate::limits::MAX_SCOPES) scopes in one list.
    #[error("too many scopes in one list")]
    Scopes,
    /// A scope longer than [`MAX_SCOPE_LEN`](crate::limits::MAX_SCOPE_LEN).
    #[error("scope is longer than the maximum")]
    ScopeLength,
    /// More than [`MAX_ROLES`](crate::limits::MAX_ROLES) roles.
    #[error("too many roles")]
    Roles,
}

/// Why a scope or request is invalid.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ScopeError {
    /// No `:` separates the resource from the action, or there is more than one.
    #[error("expected `resource:action`")]
    Shape,
    /// A segment is empty, `.` or `..`.
    #[error("empty, `.` or `..` segment")]
    Segment,
    /// A character outside `a-z 0-9 _ . -` (and `*` as a whole segment).
    #[error("character outside the scope alphabet")]
    Character,
    /// `**` anywhere but as the last resource segment.
    #[error("`**` may only end the resource")]
    Wildcard,
    /// Longer than [`MAX_SCOPE_LEN`](crate::limits::MAX_SCOPE_LEN).
    #[error("scope is too long")]
    TooLong,
    /// An empty list, or more scopes than a list may hold.
    #[error("a request names between 1 and 32 scopes")]
    Count,
    /// A role name breaks the role grammar.
    #[error("invalid role name")]
    Role,
}

/// The scopes a request asked for and was not granted.
///
/// Built without allocating: it shares the request's scopes and marks the missing ones.
#[derive(Clone, Debug)]
pub struct MissingScopes {
    pub(crate) scopes: Arc<[Scope]>,
    pub(crate) mask: u32,
}

impl MissingScopes {
    /// The missing scopes, in request order.
    pub fn iter(&self) -> impl Iterator<Item = &Scope> {
        let mask = self.mask;
        self.scopes
            .iter()
            .enumerate()
            .filter(move |(i, _)| mask & (1 << i) != 0)
            .map(|(_, s)| s)
    }

    /// How many scopes are missing.
    pub fn len(&self) -> usize {
        self.mask.count_ones() as usize
    }

    /// Whether nothing is missing; never true for an error Till returned.
    pub fn is_empty(&self) -> bool {
        self.mask == 0
    }
}

impl fmt::Display for MissingScopes {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("not granted:")?;
        for scope in self.iter() {
            write!(f, " {scope}")?;
        }
        Ok(())
    }
}
