//! Minting and attenuating keys.

use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use till_core::{Attenuation, Claims, Env, Expiry, Prefix, UnixTime};

use crate::args::{self, Key};
use crate::error::raise;
use crate::policy::Policy;
use crate::secrets::{ApiKey, Keyring};

/// Mints keys with a keyring's first root key. Times are in seconds since the Unix epoch.
#[pyclass(frozen, module = "till._till", name = "Issuer")]
pub(crate) struct Issuer {
    inner: till_core::Issuer,
}

#[pymethods]
impl Issuer {
    #[new]
    #[pyo3(signature = (keyring, prefix, *, policy = None))]
    fn new(
        keyring: &Bound<'_, Keyring>,
        prefix: String,
        policy: Option<Bound<'_, Policy>>,
    ) -> PyResult<Self> {
        let prefix = Prefix::new(&prefix).map_err(raise)?;
        let mut inner = till_core::Issuer::new(&keyring.get().inner).with_prefix(prefix);
        if let Some(policy) = policy {
            inner = inner.with_policy(policy.get().inner.clone());
        }
        Ok(Self { inner })
    }

    /// Mints a key; exactly one of `ttl`, `expires_at` and `never_expires` says when it ends.
    /// With `on_behalf_of`, the issuer's policy must allow every scope and carried role within
    /// those roles.
    #[pyo3(signature = (
        scopes = Vec::new(),
        *,
        ttl = None,
        expires_at = None,
        never_expires = false,
        subject = None,
        audience = None,
        env,
        not_before = None,
        max_delegation = None,
        roles = Vec::new(),
        on_behalf_of = None,
        now = None,
    ))]
    #[allow(clippy::too_many_arguments)]
    fn mint(
        &self,
        scopes: Vec<String>,
        ttl: Option<i64>,
        expires_at: Option<i64>,
        never_expires: bool,
        subject: Option<String>,
        audience: Option<String>,
        env: String,
        not_before: Option<i64>,
        max_delegation: Option<i64>,
        roles: Vec<String>,
        on_behalf_of: Option<Vec<String>>,
        now: Option<i64>,
    ) -> PyResult<ApiKey> {
        let expiry = match (ttl, expires_at, never_expires) {
            (Some(ttl), None, false) => {
                Expiry::After(args::duration(ttl, "a ttl is never negative")?)
            }
            (None, Some(at), false) => Expiry::At(UnixTime::from_secs(at)),
            (None, None, true) => Expiry::Never,
            _ => {
                return Err(PyTypeError::new_err(
                    "mint() takes exactly one of ttl, expires_at and never_expires=True",
                ));
            }
        };
        let mut claims = Claims::new(&scopes, expiry)
            .and_then(|claims| claims.roles(roles))
            .map_err(raise)?
            .env(Env::new(&env).map_err(raise)?);
        if let Some(subject) = subject {
            claims = claims.subject(subject);
        }
        if let Some(audience) = audience {
            claims = claims.audience(audience);
        }
        if let Some(at) = args::time(not_before) {
            claims = claims.not_before(at);
        }
        if let Some(blocks) = max_delegation {
            claims = claims.max_delegation(args::count(blocks, "a delegation limit is 0-255")?);
        }
        if let Some(ceiling) = on_behalf_of {
            claims = claims.on_behalf_of(ceiling).map_err(raise)?;
        }
        let key = match args::time(now) {
            Some(now) => self.inner.mint_at(&claims, now),
            None => self.inner.mint(&claims),
        };
        key.map(ApiKey::new).map_err(raise)
    }
}

/// Adds one attenuation block to `key`, offline and without any secret.
#[pyfunction]
#[pyo3(signature = (
    key,
    *,
    scopes = None,
    ttl = None,
    expires_at = None,
    audience = None,
    to = None,
    max_delegation = None,
    now = None,
))]
#[allow(clippy::too_many_arguments)]
pub(crate) fn attenuate(
    key: &Bound<'_, PyAny>,
    scopes: Option<Vec<String>>,
    ttl: Option<i64>,
    expires_at: Option<i64>,
    audience: Option<String>,
    to: Option<String>,
    max_delegation: Option<i64>,
    now: Option<i64>,
) -> PyResult<ApiKey> {
    let key = Key::from_py(key)?;
    let mut block = Attenuation::new();
    if let Some(scopes) = scopes {
        block = block.scopes(scopes).map_err(raise)?;
    }
    if let Some(ttl) = ttl {
        block = block.ttl(args::duration(ttl, "a ttl is never negative")?);
    }
    if let Some(at) = args::time(expires_at) {
        block = block.expires_at(at);
    }
    if let Some(audience) = audience {
        block = block.audience(audience);
    }
    if let Some(label) = to {
        block = block.label(label);
    }
    if let Some(blocks) = max_delegation {
        block = block.max_delegation(args::count(blocks, "a delegation limit is 0-255")?);
    }
    let key = match args::time(now) {
        Some(now) => till_core::attenuate_at(key.as_bytes(), &block, now),
        None => till_core::attenuate(key.as_bytes(), &block),
    };
    key.map(ApiKey::new).map_err(raise)
}
