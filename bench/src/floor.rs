//! The floor: the one HMAC-SHA256 that a key without attenuation costs, and nothing else.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use ring::hmac;

use crate::vectors::{Case, SetupError};

/// Length of the checksum that ends a key's text.
const CHECKSUM_LEN: usize = 6;

/// Length of the tag that ends a key's payload.
const TAG_LEN: usize = 16;

/// HMAC-SHA256 with a prepared key over as many bytes as Till MACs for one key: its
/// `<prefix>_<env>_` head and its payload without the tag.
#[derive(Debug)]
pub struct Floor {
    key: hmac::Key,
    message: Vec<u8>,
}

impl Floor {
    /// The floor of `case`'s key. The HMAC key is arbitrary: its value does not change the
    /// cost, and ring prepares the inner and outer states once, as Till's keyring does.
    pub fn of(case: &Case) -> Result<Self, SetupError> {
        let text = std::str::from_utf8(&case.key)?;
        let body_start = text.match_indices('_').nth(1).ok_or("no head")?.0 + 1;
        let (head, rest) = text.split_at(body_start);
        let body = rest
            .get(..rest.len().saturating_sub(CHECKSUM_LEN))
            .ok_or("no body")?;
        let payload = URL_SAFE_NO_PAD.decode(body)?;
        let signed = payload
            .get(..payload.len().saturating_sub(TAG_LEN))
            .ok_or("short payload")?;
        let mut message = head.as_bytes().to_vec();
        message.extend_from_slice(signed);
        Ok(Self {
            key: hmac::Key::new(hmac::HMAC_SHA256, &[0x5a; 32]),
            message,
        })
    }

    /// How many bytes are MACed: head length + decoded body length - 16.
    pub fn len(&self) -> usize {
        self.message.len()
    }

    /// Whether there is nothing to MAC (never, for a real key).
    pub fn is_empty(&self) -> bool {
        self.message.is_empty()
    }

    /// One HMAC over the message.
    #[inline]
    pub fn sign(&self) -> hmac::Tag {
        hmac::sign(&self.key, &self.message)
    }
}
