//! The type that holds a minted API key.

use std::fmt;

use zeroize::Zeroizing;

use crate::key::KeyId;

/// A minted API key: a secret string.
///
/// `Debug` and `Display` show only the prefix, environment and key id; the text is reached
/// through [`ApiKey::expose_secret`] and wiped from memory when the value is dropped.
pub struct ApiKey {
    text: Zeroizing<String>,
    key_id: KeyId,
    head_len: usize,
}

impl ApiKey {
    pub(crate) fn new(text: String, key_id: KeyId) -> Self {
        let head_len = text.match_indices('_').nth(1).map_or(0, |(at, _)| at + 1);
        Self {
            text: Zeroizing::new(text),
            key_id,
            head_len,
        }
    }

    /// The key's text, to hand to its holder.
    pub fn expose_secret(&self) -> &str {
        &self.text
    }

    /// The id of the key this one was minted or attenuated from.
    pub fn key_id(&self) -> KeyId {
        self.key_id
    }

    /// The redacted form: prefix, environment and key id, as [`crate::redact`] writes it.
    pub fn redacted(&self) -> String {
        format!("{}[redacted:{}]", &self.text[..self.head_len], self.key_id)
    }
}

impl fmt::Debug for ApiKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ApiKey({})", self.redacted())
    }
}

impl fmt::Display for ApiKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.redacted())
    }
}
