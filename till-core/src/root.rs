//! Root keys and keyrings.
//!
//! A root key is a 256-bit secret with a 16-bit id. Its text form is
//! `tillroot_<base64url(version, id, secret)><checksum>`: a prefix of its own, so that secret
//! scanners catch a leaked root key as readily as an API key.

use std::fmt;
use std::sync::Arc;

use base64::Engine as _;
use ring::hmac;
use ring::rand::{SecureRandom, SystemRandom};
use zeroize::Zeroizing;

use crate::checksum;
use crate::error::Error;
use crate::key::{BASE64, RootKeyId};
use crate::mac;

/// The text every root key starts with.
pub const ROOT_KEY_PREFIX: &str = "tillroot_";

const ROOT_KEY_VERSION: u8 = 1;
const ROOT_KEY_BYTES: usize = 1 + 2 + 32;
const ROOT_KEY_BODY: usize = 47;

/// A root secret, from which keys are minted and verified.
///
/// Not `Clone`; never shown by `Debug`; the secret is wiped when the key is dropped. The HMAC
/// state prepared from it lives inside `ring`, which does not wipe it (see SECURITY.md).
pub struct RootKey {
    id: RootKeyId,
    secret: Zeroizing<[u8; 32]>,
    mac: hmac::Key,
}

impl RootKey {
    /// A new root key with a random id and secret from the system's random source.
    pub fn generate() -> Result<Self, Error> {
        let rng = SystemRandom::new();
        let mut secret = Zeroizing::new([0u8; 32]);
        let mut id = [0u8; 2];
        rng.fill(&mut *secret)
            .map_err(|_| Error::Internal("no randomness"))?;
        rng.fill(&mut id)
            .map_err(|_| Error::Internal("no randomness"))?;
        Ok(Self::from_secret(
            RootKeyId(u16::from_be_bytes(id)),
            &secret,
        ))
    }

    /// A root key from its id and 32 secret bytes, for secrets kept in a KMS or vault.
    pub fn from_secret(id: RootKeyId, secret: &[u8; 32]) -> Self {
        Self {
            id,
            secret: Zeroizing::new(*secret),
            mac: mac::derive(id, secret),
        }
    }

    /// Reads a root key's text form, `tillroot_...`. Surrounding whitespace is ignored, so a
    /// value read from a file or an environment variable may end with a newline.
    pub fn from_text(text: &str) -> Result<Self, Error> {
        let text = text.trim_ascii();
        let body = text
            .strip_prefix(ROOT_KEY_PREFIX)
            .filter(|b| b.len() == ROOT_KEY_BODY + checksum::LEN)
            .ok_or(Error::InvalidRootKey(
                "expected tillroot_ followed by 53 characters",
            ))?;
        let (checked, written) = text.as_bytes().split_at(text.len() - checksum::LEN);
        if !checksum::matches(checked, written) {
            return Err(Error::InvalidRootKey("the checksum does not match"));
        }
        let mut bytes = Zeroizing::new([0u8; ROOT_KEY_BYTES + 1]);
        let len = BASE64
            .decode_slice(&body.as_bytes()[..ROOT_KEY_BODY], &mut *bytes)
            .map_err(|_| Error::InvalidRootKey("the body is not canonical base64url"))?;
        if len != ROOT_KEY_BYTES || bytes[0] != ROOT_KEY_VERSION {
            return Err(Error::InvalidRootKey("unsupported root key version"));
        }
        let id = RootKeyId(u16::from_be_bytes([bytes[1], bytes[2]]));
        let mut secret = Zeroizing::new([0u8; 32]);
        secret.copy_from_slice(&bytes[3..ROOT_KEY_BYTES]);
        Ok(Self::from_secret(id, &secret))
    }

    /// Reads a root key from the environment variable `name` (usually `TILL_ROOT_KEY`).
    pub fn from_env(name: &str) -> Result<Self, Error> {
        let value = Zeroizing::new(
            std::env::var(name)
                .map_err(|_| Error::InvalidRootKey("the environment variable is not set"))?,
        );
        Self::from_text(&value)
    }

    /// The text form of this key. Treat it like the secret it is.
    pub fn to_text(&self) -> Zeroizing<String> {
        let mut bytes = Zeroizing::new([0u8; ROOT_KEY_BYTES]);
        bytes[0] = ROOT_KEY_VERSION;
        bytes[1..3].copy_from_slice(&self.id.0.to_be_bytes());
        bytes[3..].copy_from_slice(&*self.secret);
        let mut text = Zeroizing::new(String::with_capacity(ROOT_KEY_PREFIX.len() + 53));
        text.push_str(ROOT_KEY_PREFIX);
        BASE64.encode_string(*bytes, &mut text);
        let sum = checksum::encode(text.as_bytes());
        text.extend(sum.iter().map(|&c| char::from(c)));
        text
    }

    /// The key's id.
    pub fn id(&self) -> RootKeyId {
        self.id
    }

    pub(crate) fn mac(&self) -> &hmac::Key {
        &self.mac
    }
}

impl fmt::Debug for RootKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RootKey")
            .field("id", &self.id)
            .field("secret", &"<redacted>")
            .finish()
    }
}

/// The root keys a service trusts. The first one mints; all of them verify.
///
/// A keyring is a cheap, shareable handle: clones share the same keys. Rotation is: build a
/// keyring with the new key first and the old one after, mint with it, and drop the old key
/// once every key minted under it has expired.
#[derive(Clone)]
pub struct Keyring {
    keys: Arc<[RootKey]>,
}

impl Keyring {
    /// A keyring of `keys`; the first mints. Fails on an empty list or on two keys with one id.
    pub fn new(keys: Vec<RootKey>) -> Result<Self, Error> {
        if keys.is_empty() {
            return Err(Error::InvalidArgument(
                "a keyring needs at least one root key",
            ));
        }
        for (i, key) in keys.iter().enumerate() {
            if keys[..i].iter().any(|other| other.id == key.id) {
                return Err(Error::DuplicateRootKey(key.id));
            }
        }
        Ok(Self { keys: keys.into() })
    }

    /// A keyring of one key.
    pub fn single(key: RootKey) -> Self {
        Self {
            keys: Arc::from([key]),
        }
    }

    /// The key that mints.
    pub fn signing_key(&self) -> &RootKey {
        // `new` refuses an empty list.
        &self.keys[0]
    }

    /// The ids of every key, minting key first.
    pub fn ids(&self) -> impl Iterator<Item = RootKeyId> + '_ {
        self.keys.iter().map(|k| k.id)
    }

    pub(crate) fn find(&self, id: RootKeyId) -> Option<&RootKey> {
        self.keys.iter().find(|k| k.id == id)
    }
}

impl fmt::Debug for Keyring {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Keyring")
            .field("ids", &self.keys.iter().map(|k| k.id).collect::<Vec<_>>())
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_round_trip() {
        let key = RootKey::generate().unwrap();
        let text = key.to_text();
        assert!(text.starts_with(ROOT_KEY_PREFIX));
        assert_eq!(text.len(), 9 + 53);
        let back = RootKey::from_text(&format!("{}\n", &*text)).unwrap();
        assert_eq!(back.id(), key.id());
        assert_eq!(*back.secret, *key.secret);
        let debug = format!("{key:?}");
        assert!(!debug.contains(&text[9..30]));
    }

    #[test]
    fn rejects_altered_text() {
        let key = RootKey::from_secret(RootKeyId(1), &[9; 32]);
        let text = key.to_text();
        for i in 0..text.len() {
            let mut bytes = text.as_bytes().to_vec();
            bytes[i] = if bytes[i] == b'A' { b'B' } else { b'A' };
            let altered = String::from_utf8(bytes).unwrap();
            assert!(RootKey::from_text(&altered).is_err(), "position {i}");
        }
        assert!(RootKey::from_text(&text[..text.len() - 1]).is_err());
    }

    #[test]
    fn keyring_rules() {
        assert!(Keyring::new(vec![]).is_err());
        let a = RootKey::from_secret(RootKeyId(1), &[1; 32]);
        let b = RootKey::from_secret(RootKeyId(1), &[2; 32]);
        assert!(matches!(
            Keyring::new(vec![a, b]),
            Err(Error::DuplicateRootKey(RootKeyId(1)))
        ));
    }
}
