//! The limits every key must respect.
//!
//! They are checked while parsing, before any MAC work, so that no input can make the verifier
//! do unbounded work. docs/FORMAT.md lists the same numbers; the vectors test each boundary.

/// Longest accepted key text, in bytes.
pub const MAX_KEY_LEN: usize = 4096;

/// Most attenuation blocks a key may carry.
pub const MAX_BLOCKS: usize = 8;

/// Most scopes in the root of a key or in one attenuation block.
pub const MAX_SCOPES: usize = 32;

/// Longest scope, in bytes.
pub const MAX_SCOPE_LEN: usize = 128;

/// Most roles a key may name.
pub const MAX_ROLES: usize = 16;

/// Longest role name, in bytes.
pub const MAX_ROLE_LEN: usize = 32;

/// Longest subject, audience or delegation label, in bytes.
pub const MAX_LABEL_LEN: usize = 64;

/// Most scopes one request may name.
pub const MAX_REQUEST_SCOPES: usize = 32;

/// Latest time a key may state: 9999-12-31T23:59:59Z, in seconds since the Unix epoch.
pub const MAX_TIME: i64 = 253_402_300_799;

/// Largest clock leeway a verifier accepts, in seconds (one day).
pub const MAX_LEEWAY: u32 = 86_400;

/// Most intersections and comparisons of scopes that [`Grant::scopes`] spends on the blocks
/// of a chain, whose effective scopes can otherwise multiply with every block. Not a limit of
/// the format: a key past it verifies, and `scopes` lists fewer scopes than it grants (none
/// at all when the work runs out before the chain's last block that names scopes).
///
/// [`Grant::scopes`]: crate::Grant::scopes
pub const MAX_SCOPE_WORK: usize = 1 << 14;

/// Largest payload that fits in [`MAX_KEY_LEN`] characters of base64.
pub(crate) const MAX_PAYLOAD_LEN: usize = MAX_KEY_LEN / 4 * 3;
