//! Finding and masking keys in free text: logs, transcripts, pasted configuration.

use std::ops::Range;

use serde::Serialize;

use crate::checksum::{self, Crc32};
use crate::key::{self, BASE64, KEY_ID_LEN, KeyId};
use crate::limits::MAX_KEY_LEN;
use crate::root::ROOT_KEY_PREFIX;
use crate::wire::KEY_ID_OFFSET;
use base64::Engine as _;

/// What kind of secret was found.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum FoundKind {
    /// An API key.
    ApiKey,
    /// A root key.
    RootKey,
}

impl FoundKind {
    /// `"api_key"` or `"root_key"`, as the vectors and every binding name them.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::ApiKey => "api_key",
            Self::RootKey => "root_key",
        }
    }
}

/// A key found in a text.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Found {
    /// What was found.
    pub kind: FoundKind,
    /// Where, in bytes.
    pub range: Range<usize>,
    /// The key's id (API keys) or root key id (root keys), which stays readable when redacted.
    pub id: String,
    /// The text that replaces the key in [`redact`].
    pub redacted: String,
}

/// Finds every Till API key and root key in `text`.
///
/// A candidate is a run that follows the key grammar, starts at a word boundary, and whose
/// checksum matches; no secret is needed. Keys with any application prefix are found. The
/// scan is linear in the text, times at most [`MAX_KEY_LEN`] at each word boundary.
pub fn find_keys(text: &str) -> Vec<Found> {
    let bytes = text.as_bytes();
    let mut found = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let boundary = i == 0 || !is_word(bytes[i - 1]);
        if boundary && bytes[i].is_ascii_lowercase() {
            if let Some(key) = root_key_at(bytes, i).or_else(|| api_key_at(bytes, i)) {
                i = key.range.end;
                found.push(key);
                continue;
            }
        }
        i += 1;
    }
    found
}

/// Replaces every key in `text` with its redacted form, such as
/// `till_live_[redacted:AbCdEfGhIjKlMnOp]`, which keeps the prefix, environment and key id.
pub fn redact(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut last = 0;
    for key in find_keys(text) {
        out.push_str(&text[last..key.range.start]);
        out.push_str(&key.redacted);
        last = key.range.end;
    }
    out.push_str(&text[last..]);
    out
}

fn is_word(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'_'
}

fn root_key_at(bytes: &[u8], start: usize) -> Option<Found> {
    let rest = bytes.get(start..)?;
    if !rest.starts_with(ROOT_KEY_PREFIX.as_bytes()) {
        return None;
    }
    let end = start + ROOT_KEY_PREFIX.len() + 53;
    let candidate = bytes.get(start..end)?;
    if bytes.get(end).is_some_and(|&c| is_word(c)) {
        return None;
    }
    let (checked, written) = candidate.split_at(candidate.len() - checksum::LEN);
    if !checked[ROOT_KEY_PREFIX.len()..]
        .iter()
        .all(|&c| key::is_body_char(c))
        || !checksum::matches(checked, written)
    {
        return None;
    }
    let mut head = [0u8; 3];
    BASE64
        .decode_slice(
            &candidate[ROOT_KEY_PREFIX.len()..ROOT_KEY_PREFIX.len() + 4],
            &mut head,
        )
        .ok()?;
    let id = format!("{:04x}", u16::from_be_bytes([head[1], head[2]]));
    Some(Found {
        kind: FoundKind::RootKey,
        range: start..end,
        redacted: format!("{ROOT_KEY_PREFIX}[redacted:{id}]"),
        id,
    })
}

fn api_key_at(bytes: &[u8], start: usize) -> Option<Found> {
    let mut crc = Crc32::new();
    let mut pos = start;
    // <prefix>_ and <env>_: lowercase letters and digits, starting with a letter.
    for max in [12, 8] {
        let from = pos;
        while pos < bytes.len() && (bytes[pos].is_ascii_lowercase() || bytes[pos].is_ascii_digit())
        {
            pos += 1;
        }
        if pos == from
            || pos - from > max
            || bytes.get(pos) != Some(&b'_')
            || !bytes[from].is_ascii_lowercase()
        {
            return None;
        }
        pos += 1;
    }
    let head_end = pos;
    bytes[start..head_end].iter().for_each(|&c| crc.update(c));

    // The longest run of body characters whose last six are the checksum of what precedes.
    let limit = bytes.len().min(start + MAX_KEY_LEN);
    let mut run_end = head_end;
    while run_end < limit && key::is_body_char(bytes[run_end]) {
        run_end += 1;
    }
    let mut best = None;
    for end in head_end + checksum::LEN + 1..=run_end {
        let body_end = end - checksum::LEN;
        crc.update(bytes[body_end - 1]);
        let at_boundary = end == bytes.len() || !is_word(bytes[end]);
        if at_boundary
            && bytes[body_end..end].iter().all(u8::is_ascii_alphanumeric)
            && crc.digits() == bytes[body_end..end]
        {
            best = Some(end);
        }
    }
    let end = best?;
    let body = &bytes[head_end..end - checksum::LEN];
    let mut id = [0u8; 15];
    BASE64.decode_slice(body.get(..20)?, &mut id).ok()?;
    let key_id = KeyId(
        id[KEY_ID_OFFSET..KEY_ID_OFFSET + KEY_ID_LEN]
            .try_into()
            .ok()?,
    );
    let head = std::str::from_utf8(&bytes[start..head_end]).ok()?;
    Some(Found {
        kind: FoundKind::ApiKey,
        range: start..end,
        redacted: format!("{head}[redacted:{key_id}]"),
        id: key_id.to_string(),
    })
}
