//! Deterministic minting, for test vectors and reproducible fixtures only.
//!
//! A key id must be random: two keys with one id share revocations and audit trails. The
//! functions here take the id from the caller so that a generator with a fixed clock writes
//! the same bytes on every run. Never use them to mint keys that leave a test.

use crate::error::Error;
use crate::key::KeyId;
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
