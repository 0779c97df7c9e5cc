//! The MAC chain. Each root secret is stretched by HKDF into a per-root HMAC key; the first tag
//! is the HMAC of the key's head and root, and every attenuation block is MACed under the tag
//! before it. Tags are truncated to 128 bits; a key carries only its last tag. A block's id is
//! the next 96 bits of the same HMAC.

use ring::{hkdf, hmac};
use zeroize::Zeroizing;

use crate::key::{KeyId, RootKeyId};

/// A 128-bit tag. It is key material for the next block, so it is wiped when dropped.
pub(crate) type Tag = Zeroizing<[u8; 16]>;

const HKDF_SALT: &[u8] = b"till/v1 root key";
const HKDF_INFO: &[u8] = b"till/v1 mac key";

/// The HMAC key of a root key, derived from its secret and id.
pub(crate) fn derive(id: RootKeyId, secret: &[u8; 32]) -> hmac::Key {
    let id = id.0.to_be_bytes();
    let info = [HKDF_INFO, &id];
    let prk = hkdf::Salt::new(hkdf::HKDF_SHA256, HKDF_SALT).extract(secret);
    // Expanding 32 bytes of SHA-256 output cannot fail; ring still asks the question.
    match prk.expand(&info, hmac::HMAC_SHA256) {
        Ok(okm) => hmac::Key::from(okm),
        Err(_) => hmac::Key::new(hmac::HMAC_SHA256, &[0; 32]),
    }
}

/// The first tag: HMAC of `<prefix>_<env>_` followed by the root's bytes, given as one
/// message.
pub(crate) fn root_tag(key: &hmac::Key, head_and_root: &[u8]) -> Tag {
    truncate(hmac::sign(key, head_and_root))
}

/// The tag after one more block, HMAC of the block under the previous tag, and the block's
/// public id, read from the same HMAC past the tag. Holding the id tells nothing of the tag.
pub(crate) fn block_tag(prev: &[u8; 16], block: &[u8]) -> (Tag, KeyId) {
    let mac = hmac::sign(&hmac::Key::new(hmac::HMAC_SHA256, prev), block);
    let mut id = [0u8; 12];
    id.copy_from_slice(&mac.as_ref()[16..28]);
    (truncate(mac), KeyId(id))
}

fn truncate(tag: hmac::Tag) -> Tag {
    let mut out = Zeroizing::new([0u8; 16]);
    out.copy_from_slice(&tag.as_ref()[..16]);
    out
}
