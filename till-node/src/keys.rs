//! Root keys and keyrings.

use napi::{Env, Unknown};
use napi_derive::napi;
use zeroize::Zeroizing;

use crate::convert;
use crate::error::catch;

/// A root secret, from which keys are minted and verified. Keep it out of logs: `toString`,
/// `JSON.stringify` and `util.inspect` show only its id.
#[derive(Debug)]
#[napi]
pub struct RootKey {
    inner: till_core::RootKey,
}

#[napi]
impl RootKey {
    /// A new root key with a random id and secret.
    #[napi(factory)]
    pub fn generate(env: Env) -> napi::Result<RootKey> {
        catch(&env, || {
            Ok(Self {
                inner: till_core::RootKey::generate()?,
            })
        })
    }

    /// Reads a root key from the environment variable `name` (default `TILL_ROOT_KEY`).
    #[napi(factory, ts_args_type = "name?: string")]
    pub fn from_env(env: Env, name: Option<Unknown<'_>>) -> napi::Result<RootKey> {
        catch(&env, || {
            let name = match name {
                Some(name) => convert::value::<String>(name, "a variable name is a string")?,
                None => "TILL_ROOT_KEY".to_owned(),
            };
            Ok(Self {
                inner: till_core::RootKey::from_env(&name)?,
            })
        })
    }

    /// Reads a root key's text form, `tillroot_...`. Surrounding whitespace is ignored.
    #[napi(factory, ts_args_type = "text: string")]
    pub fn from_text(env: Env, text: Unknown<'_>) -> napi::Result<RootKey> {
        catch(&env, || {
            let text = Zeroizing::new(convert::value::<String>(text, ROOT_KEY_TEXT)?);
            Ok(Self {
                inner: till_core::RootKey::from_text(&text)?,
            })
        })
    }

    /// The key's id: four hex digits, such as `"0001"`.
    #[napi(getter)]
    pub fn id(&self) -> String {
        self.inner.id().to_string()
    }

    /// The text form, `tillroot_...`, which `RootKey.fromText` reads. It is the secret itself.
    #[napi]
    pub fn expose_secret(&self) -> String {
        self.inner.to_text().to_string()
    }

    /// The redacted form, `tillroot_[redacted:<id>]`, as `redact` writes it.
    #[napi]
    #[allow(clippy::inherent_to_string, reason = "JavaScript's toString")]
    pub fn to_string(&self) -> String {
        format!(
            "{}[redacted:{}]",
            till_core::ROOT_KEY_PREFIX,
            self.inner.id()
        )
    }

    /// What `JSON.stringify` writes: the same as `toString`.
    #[napi(js_name = "toJSON")]
    pub fn to_json(&self) -> String {
        self.to_string()
    }
}

/// The root keys a service trusts. The first one mints; all of them verify.
#[derive(Debug)]
#[napi]
pub struct Keyring {
    pub(crate) inner: till_core::Keyring,
}

#[napi]
impl Keyring {
    /// A keyring of `keys`, minting key first. Fails on an empty list or two keys with one id.
    #[napi(constructor, ts_args_type = "keys: Array<RootKey>")]
    pub fn new(env: Env, keys: Unknown<'_>) -> napi::Result<Self> {
        catch(&env, || {
            let keys = convert::value::<Vec<Unknown<'_>>>(keys, KEYS)?;
            let mut copies = Vec::with_capacity(keys.len());
            for key in keys {
                let key = convert::instance::<RootKey>(key, KEYS)?;
                // Root keys are not `Clone`; the text form is the one way to copy one.
                copies.push(till_core::RootKey::from_text(&key.inner.to_text())?);
            }
            Ok(Self {
                inner: till_core::Keyring::new(copies)?,
            })
        })
    }

    /// The ids of the keys, minting key first.
    #[napi(getter)]
    pub fn ids(&self) -> Vec<String> {
        self.inner.ids().map(|id| id.to_string()).collect()
    }
}

const ROOT_KEY_TEXT: &str = "a root key's text is a string";
const KEYS: &str = "a keyring is made of an array of RootKey objects";
