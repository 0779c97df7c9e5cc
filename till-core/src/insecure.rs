//! Deterministic minting, for test vectors and reproducible fixtures only.
//!
//! A key id must be random: two keys with one id share revocations and audit trails. The
//! functions here take the id from the caller so that a generator with a fixed clock writes
//! the same bytes on every run. Never use them to mint keys that leave a test.

use crate::error::Error;
use crate::key::{self, Env, KeyId, Prefix};
use crate::mint::{Claims, Issuer};
use crate::secret::ApiKey;
use crate::time::UnixTime;

/// Mints a key with a chosen key id at a chosen time.
pub fn mint_with_key_id(
    issuer: &Issuer,
    claims: &Claims,
    now: UnixTime,
    key_id: KeyId,
) -> Result<ApiKey, Error> {
    issuer.mint_with_id(claims, now, key_id)
}

/// Writes a key's text around arbitrary payload bytes, with a correct checksum and no MAC
/// work: for fuzzers and tamper tests that alter a payload and must get past the checksum.
pub fn frame(prefix: Prefix, env: Env, payload: &[u8]) -> String {
    key::encode(prefix, env, payload)
}
