//! The text of a key: `<prefix>_<env>_<body><checksum>`, and the identifiers it carries.
#![allow(
    clippy::unnecessary_lazy_evaluations,
    reason = "`Error` has drop glue: an error built eagerly and not used costs a drop on the verify path"
)]

use std::fmt;
use std::str::FromStr;

use base64::Engine as _;
use base64::engine::DecodePaddingMode;
use base64::engine::general_purpose::{GeneralPurpose, GeneralPurposeConfig};

use crate::checksum;
use crate::error::{Error, Limit, Malformed};
use crate::limits::MAX_KEY_LEN;

/// Unpadded base64url that rejects padding and non-zero unused bits: one text per byte string.
pub(crate) const BASE64: GeneralPurpose = GeneralPurpose::new(
    &base64::alphabet::URL_SAFE,
    GeneralPurposeConfig::new()
        .with_encode_padding(false)
        .with_decode_padding_mode(DecodePaddingMode::RequireNone)
        .with_decode_allow_trailing_bits(false),
);

/// The id of a root key: 16 bits, written as four lowercase hex digits.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct RootKeyId(pub u16);

impl fmt::Display for RootKeyId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04x}", self.0)
    }
}

impl fmt::Debug for RootKeyId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "RootKeyId({self})")
    }
}

impl FromStr for RootKeyId {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self, Error> {
        let hex = s.len() == 4
            && s.bytes()
                .all(|c| c.is_ascii_digit() || (b'a'..=b'f').contains(&c));
        match u16::from_str_radix(s, 16) {
            Ok(id) if hex => Ok(Self(id)),
            _ => Err(Error::InvalidArgument(
                "a root key id is four lowercase hex digits",
            )),
        }
    }
}

/// Length of a [`KeyId`], in bytes.
pub(crate) const KEY_ID_LEN: usize = 12;

/// The unique id of a key (96 random bits), or of one attenuation block of a key.
///
/// Written as 16 base64url characters. A key's id appears verbatim in its text, right after
/// the first four characters of the body, so a log line can be matched to a key by eye.
/// Ids are not secret: publishing one gives nobody the power to use or extend the key.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct KeyId(pub [u8; KEY_ID_LEN]);

impl fmt::Display for KeyId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut buf = [0u8; 16];
        let written = BASE64
            .encode_slice(self.0, &mut buf)
            .map_err(|_| fmt::Error)?;
        f.write_str(std::str::from_utf8(&buf[..written]).map_err(|_| fmt::Error)?)
    }
}

impl fmt::Debug for KeyId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "KeyId({self})")
    }
}

impl FromStr for KeyId {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self, Error> {
        let mut out = [0u8; 12];
        match BASE64.decode_slice(s, &mut out) {
            Ok(12) if s.len() == 16 => Ok(Self(out)),
            _ => Err(Error::InvalidArgument(
                "a key id is 16 base64url characters",
            )),
        }
    }
}

impl serde::Serialize for KeyId {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

macro_rules! short_name {
    ($(#[$doc:meta])* $name:ident, $max:expr, $min:expr, $what:expr) => {
        $(#[$doc])*
        #[derive(Clone, Copy, PartialEq, Eq, Hash)]
        pub struct $name {
            bytes: [u8; $max],
            len: u8,
        }

        impl $name {
            /// The longest name, in bytes.
            pub(crate) const MAX_LEN: usize = $max;

            /// Validates `name`.
            pub fn new(name: &str) -> Result<Self, Error> {
                Self::from_bytes(name.as_bytes()).ok_or_else(|| Error::InvalidArgument($what))
            }

            /// Whether `name` follows the grammar.
            pub(crate) fn is_valid(name: &[u8]) -> bool {
                let Some((first, rest)) = name.split_first() else {
                    return false;
                };
                name.len() >= $min
                    && name.len() <= $max
                    && first.is_ascii_lowercase()
                    && rest.iter().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
            }

            pub(crate) fn from_bytes(name: &[u8]) -> Option<Self> {
                if !Self::is_valid(name) {
                    return None;
                }
                let mut bytes = [0u8; $max];
                bytes[..name.len()].copy_from_slice(name);
                Some(Self { bytes, len: name.len() as u8 })
            }

            /// The name.
            pub fn as_str(&self) -> &str {
                // Only ASCII is ever stored.
                std::str::from_utf8(self.as_bytes()).unwrap_or_default()
            }

            pub(crate) fn as_bytes(&self) -> &[u8] {
                &self.bytes[..usize::from(self.len)]
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{}({:?})", stringify!($name), self.as_str())
            }
        }

        impl FromStr for $name {
            type Err = Error;

            fn from_str(s: &str) -> Result<Self, Error> {
                Self::new(s)
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }
    };
}

short_name!(
    /// The environment a key belongs to: 1-8 lowercase ASCII letters or digits, starting with
    /// a letter. `live` and `test` are the usual ones.
    Env,
    8,
    1,
    "an environment is 1-8 lowercase letters or digits, starting with a letter"
);

short_name!(
    /// The application prefix that opens a key: 2-12 lowercase ASCII letters or digits,
    /// starting with a letter. `till` unless the application chooses its own.
    Prefix,
    12,
    2,
    "a prefix is 2-12 lowercase letters or digits, starting with a letter"
);

impl Env {
    /// `live`, the environment verifiers accept unless told otherwise.
    pub const LIVE: Env = Env {
        bytes: *b"live\0\0\0\0",
        len: 4,
    };
    /// `test`.
    pub const TEST: Env = Env {
        bytes: *b"test\0\0\0\0",
        len: 4,
    };
}

impl Default for Env {
    fn default() -> Self {
        Self::LIVE
    }
}

impl Prefix {
    /// `till`.
    pub const TILL: Prefix = Prefix {
        bytes: *b"till\0\0\0\0\0\0\0\0",
        len: 4,
    };
}

impl Default for Prefix {
    fn default() -> Self {
        Self::TILL
    }
}

/// A key's text, split at its joints and checked up to (not including) the payload. The
/// prefix and environment stay slices of the text, checked against their grammar: the
/// verifier only compares them with its own.
pub(crate) struct Text<'a> {
    pub(crate) prefix: &'a [u8],
    pub(crate) env: &'a [u8],
    /// `<prefix>_<env>_`, which the MAC covers together with the payload.
    pub(crate) head: &'a [u8],
}

impl Text<'_> {
    pub(crate) fn prefix(&self) -> Prefix {
        // Checked by `decode`; the default is never reached.
        Prefix::from_bytes(self.prefix).unwrap_or_default()
    }

    pub(crate) fn env(&self) -> Env {
        Env::from_bytes(self.env).unwrap_or_default()
    }
}

/// Splits and checks a key's text, decoding its body into `out`. Returns the text's parts and
/// the payload length. Performs no MAC work and no allocation.
pub(crate) fn decode<'a>(text: &'a [u8], out: &mut [u8]) -> Result<(Text<'a>, usize), Error> {
    decode_noting(text, out, &mut 0)
}

/// [`decode`], noting in `wrote` how many bytes of `out` it wrote, on failure too: a body is
/// decoded before its checksum is judged, and the caller wipes what was written.
pub(crate) fn decode_noting<'a>(
    text: &'a [u8],
    out: &mut [u8],
    wrote: &mut usize,
) -> Result<(Text<'a>, usize), Error> {
    if text.len() > MAX_KEY_LEN {
        return Err(Error::TooLarge(Limit::KeyLength));
    }
    let first = find(text, 0).ok_or_else(|| Error::Malformed(Malformed::Shape))?;
    let second = find(text, first + 1).ok_or_else(|| Error::Malformed(Malformed::Shape))?;
    let prefix = &text[..first];
    if !Prefix::is_valid(prefix) {
        return Err(Error::Malformed(Malformed::Prefix));
    }
    let env = &text[first + 1..second];
    if !Env::is_valid(env) {
        return Err(Error::Malformed(Malformed::Environment));
    }

    let rest = &text[second + 1..];
    if rest.len() <= checksum::LEN {
        return Err(Error::Malformed(Malformed::Shape));
    }
    let (body, written) = rest.split_at(rest.len() - checksum::LEN);
    // One pass decodes the body and notes the two ways it can be malformed; the checksum is
    // judged between them, so that a foreign character is reported before a typo and a typo
    // before a non-canonical ending.
    let decoded = decode_body(body, out);
    *wrote = decoded.wrote;
    if !decoded.chars_ok || !written.iter().all(u8::is_ascii_alphanumeric) {
        return Err(Error::Malformed(Malformed::Base64));
    }
    let (checked, _) = text.split_at(text.len() - checksum::LEN);
    if !checksum::matches(checked, written) {
        return Err(Error::BadChecksum);
    }
    let len = decoded
        .len
        .ok_or_else(|| Error::Malformed(Malformed::Base64))?;
    let head = &text[..second + 1];
    Ok((Text { prefix, env, head }, len))
}

/// Writes a key's text: head, base64url of the payload, checksum.
pub(crate) fn encode(prefix: Prefix, env: Env, payload: &[u8]) -> String {
    let mut text = String::with_capacity(prefix.as_bytes().len() + 12 + payload.len() * 4 / 3);
    text.push_str(prefix.as_str());
    text.push('_');
    text.push_str(env.as_str());
    text.push('_');
    BASE64.encode_string(payload, &mut text);
    let sum = checksum::encode(text.as_bytes());
    text.extend(sum.iter().map(|&c| char::from(c)));
    text
}

/// Marks a byte outside the base64url alphabet in [`SEXTETS`].
const NOT_BASE64: u8 = 0x80;

/// For each byte, its value as a base64url digit, or [`NOT_BASE64`].
const SEXTETS: [u8; 256] = {
    let alphabet = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut table = [NOT_BASE64; 256];
    let mut i = 0;
    while i < 64 {
        table[alphabet[i] as usize] = i as u8;
        i += 1;
    }
    table
};

pub(crate) const fn is_body_char(c: u8) -> bool {
    SEXTETS[c as usize] != NOT_BASE64
}

/// What [`decode_body`] found.
struct Decoded {
    /// Every byte was in the alphabet.
    chars_ok: bool,
    /// How many bytes of the output were written.
    wrote: usize,
    /// The decoded length, if the body is also the one canonical text of its bytes: no
    /// impossible length, no set bits after the last byte, and room for it all in `out`.
    len: Option<usize>,
}

/// Decodes unpadded base64url, as [`BASE64`] does, in a single pass over a table. A property
/// test holds the two to the same answers.
fn decode_body(body: &[u8], out: &mut [u8]) -> Decoded {
    let full = body.len() / 4;
    let len = full * 3 + [0, 0, 1, 2][body.len() % 4];
    let Some(out) = out.get_mut(..len) else {
        let chars_ok = body.iter().all(|&c| is_body_char(c));
        return Decoded {
            chars_ok,
            wrote: 0,
            len: None,
        };
    };
    let (quads, tail) = body.split_at(full * 4);
    let (whole, end) = out.split_at_mut(full * 3);
    let mut seen = 0u8;
    // Eight characters at a time into one 48-bit word, written as six bytes at once; then at
    // most one group of four, then the tail.
    let octets = quads.len() / 8;
    let (eights, four) = quads.split_at(octets * 8);
    let (sixes, three) = whole.split_at_mut(octets * 6);
    for (chars, bytes) in eights.chunks_exact(8).zip(sixes.chunks_exact_mut(6)) {
        bytes.copy_from_slice(&pack(chars, &mut seen).to_be_bytes()[2..]);
    }
    for (quad, bytes) in four.chunks_exact(4).zip(three.chunks_exact_mut(3)) {
        bytes.copy_from_slice(&pack(quad, &mut seen).to_be_bytes()[5..]);
    }
    let word = pack(tail, &mut seen);
    let canonical = match tail.len() {
        0 => true,
        2 => {
            end[0] = (word >> 4) as u8;
            word & 0x0f == 0
        }
        3 => {
            end[0] = (word >> 10) as u8;
            end[1] = (word >> 2) as u8;
            word & 0x03 == 0
        }
        _ => false,
    };
    Decoded {
        chars_ok: seen & NOT_BASE64 == 0,
        wrote: len,
        len: canonical.then_some(len),
    }
}

/// The sextets of up to eight `chars` in one word, the first character highest. A character
/// outside the alphabet sets [`NOT_BASE64`] in `seen`, and the word is then meaningless.
fn pack(chars: &[u8], seen: &mut u8) -> u64 {
    chars.iter().fold(0, |word, &c| {
        let sextet = SEXTETS[usize::from(c)];
        *seen |= sextet;
        word << 6 | u64::from(sextet)
    })
}

fn find(text: &[u8], from: usize) -> Option<usize> {
    text.get(from..)?
        .iter()
        .position(|&c| c == b'_')
        .map(|at| at + from)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        assert_eq!(Env::new("live").unwrap(), Env::LIVE);
        assert_eq!(Prefix::new("till").unwrap(), Prefix::TILL);
        for bad in ["", "Live", "1ive", "staging01", "li-ve", "lïve"] {
            assert!(Env::new(bad).is_err(), "{bad}");
        }
        assert!(Env::new("staging1").is_ok());
        for bad in ["t", "Till", "9till", "abcdefghijklm", "ti_ll"] {
            assert!(Prefix::new(bad).is_err(), "{bad}");
        }
        assert!(Prefix::new("acme2").is_ok());
    }

    #[test]
    fn ids_round_trip() {
        let id = KeyId([7; 12]);
        assert_eq!(id.to_string().len(), 16);
        assert_eq!(id.to_string().parse::<KeyId>().unwrap(), id);
        assert!("AAAA".parse::<KeyId>().is_err());
        assert_eq!(RootKeyId(0x0a1f).to_string(), "0a1f");
        assert_eq!("0a1f".parse::<RootKeyId>().unwrap(), RootKeyId(0x0a1f));
        assert!("0A1F".parse::<RootKeyId>().is_err());
        assert!("+a1f".parse::<RootKeyId>().is_err());
    }

    #[test]
    fn framing() {
        let text = encode(Prefix::TILL, Env::TEST, b"\x01\x02\x03\x04");
        assert!(text.starts_with("till_test_AQIDBA"));
        let mut out = [0u8; crate::limits::MAX_PAYLOAD_LEN];
        let (parts, len) = decode(text.as_bytes(), &mut out).unwrap();
        assert_eq!(&out[..len], b"\x01\x02\x03\x04");
        assert_eq!(parts.head, b"till_test_");
        assert_eq!(parts.env(), Env::TEST);

        let mut bad = text.clone().into_bytes();
        let last = bad.len() - 1;
        bad[last] = if bad[last] == b'a' { b'b' } else { b'a' };
        assert!(matches!(decode(&bad, &mut out), Err(Error::BadChecksum)));
    }

    proptest::proptest! {
        /// The one-pass decoder gives the same answers as the base64 crate, on any body.
        #[test]
        fn body_decoding_agrees_with_base64(body in "[A-Za-z0-9_=+/-]{0,40}|[A-Za-z0-9_-]{0,9}.") {
            let mut ours = [0u8; 40];
            let mut theirs = [0u8; 40];
            let decoded = decode_body(body.as_bytes(), &mut ours);
            let expected = BASE64.decode_slice(&body, &mut theirs);
            proptest::prop_assert_eq!(decoded.chars_ok, body.bytes().all(is_body_char));
            match expected {
                Ok(n) => {
                    proptest::prop_assert_eq!(decoded.len, Some(n));
                    proptest::prop_assert_eq!(&ours[..n], &theirs[..n]);
                }
                Err(_) => proptest::prop_assert!(!decoded.chars_ok || decoded.len.is_none()),
            }
        }

        /// Every byte string's encoding decodes back to it, and no other text does.
        #[test]
        fn body_decoding_round_trips(
            bytes in proptest::collection::vec(proptest::num::u8::ANY, 0..30),
            flip in 0usize..40,
        ) {
            let text = BASE64.encode(&bytes);
            let mut out = [0u8; 30];
            let decoded = decode_body(text.as_bytes(), &mut out);
            proptest::prop_assert!(decoded.chars_ok);
            proptest::prop_assert_eq!(decoded.len, Some(bytes.len()));
            proptest::prop_assert_eq!(&out[..bytes.len()], &bytes[..]);
            // Changing the last character's unused bits must not decode to the same bytes.
            if let Some(&last) = text.as_bytes().last() {
                let mut other = text.clone().into_bytes();
                let alphabet = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
                let replacement = alphabet[flip % 64];
                if replacement != last {
                    *other.last_mut().unwrap() = replacement;
                    let mut again = [0u8; 30];
                    let decoded = decode_body(&other, &mut again);
                    let same =
                        decoded.len == Some(bytes.len()) && again[..bytes.len()] == bytes[..];
                    proptest::prop_assert!(!same);
                }
            }
        }
    }

    #[test]
    fn body_too_long_for_the_buffer_is_refused() {
        let mut out = [0u8; 2];
        let decoded = decode_body(b"AAAA", &mut out);
        assert!(decoded.chars_ok);
        assert_eq!(decoded.len, None);
        let decoded = decode_body(b"AA!A", &mut out);
        assert!(!decoded.chars_ok);
    }
}
