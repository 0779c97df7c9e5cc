//! The types that hold secrets: root keys, keyrings and minted API keys.
//!
//! None of them shows its secret in `repr()` or `str()`, and none can be pickled: a secret
//! leaves them only through `to_text()` or `expose_secret()`, by name.

use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::types::{PyString, PyTuple};
use till_core::Error;
use zeroize::Zeroizing;

use crate::error::raise;

/// A root secret, from which keys are minted and verified.
#[pyclass(frozen, module = "till", name = "RootKey")]
pub(crate) struct RootKey {
    inner: till_core::RootKey,
}

#[pymethods]
impl RootKey {
    /// A new root key from the system's random source.
    #[staticmethod]
    fn generate() -> PyResult<Self> {
        let inner = till_core::RootKey::generate().map_err(raise)?;
        Ok(Self { inner })
    }

    /// Reads a root key's text form from the environment variable `name`.
    #[staticmethod]
    #[pyo3(signature = (name = String::from("TILL_ROOT_KEY")))]
    #[pyo3(text_signature = "(name='TILL_ROOT_KEY')")]
    fn from_env(name: String) -> PyResult<Self> {
        let inner = till_core::RootKey::from_env(&name).map_err(raise)?;
        Ok(Self { inner })
    }

    /// Reads a root key's text form, `tillroot_...`; surrounding whitespace is ignored.
    #[staticmethod]
    fn from_text(text: &Bound<'_, PyString>) -> PyResult<Self> {
        // A str that UTF-8 cannot carry (unpaired surrogates) is no root key either.
        let text = text
            .to_cow()
            .map_err(|_| raise(Error::InvalidRootKey("the text is not valid UTF-8")))?;
        let text = Zeroizing::new(text.into_owned());
        let inner = till_core::RootKey::from_text(&text).map_err(raise)?;
        Ok(Self { inner })
    }

    /// The key's id: four lowercase hex digits.
    #[getter]
    fn id(&self) -> String {
        self.inner.id().to_string()
    }

    /// The text form of the key. It is the secret itself: store it like one.
    fn to_text(&self) -> String {
        self.inner.to_text().as_str().to_owned()
    }

    fn __repr__(&self) -> String {
        format!("<till.RootKey id={} secret=[redacted]>", self.inner.id())
    }

    fn __reduce__(&self) -> PyResult<()> {
        Err(PyTypeError::new_err(
            "a RootKey cannot be pickled; store to_text() as a secret",
        ))
    }
}

/// The root keys a service trusts. The first one mints; all of them verify.
#[pyclass(frozen, module = "till", name = "Keyring")]
pub(crate) struct Keyring {
    pub(crate) inner: till_core::Keyring,
}

#[pymethods]
impl Keyring {
    #[new]
    fn new(keys: Vec<Bound<'_, RootKey>>) -> PyResult<Self> {
        // A keyring owns its root keys and a root key cannot be cloned: each is copied through
        // its text form, which is wiped once read.
        let keys = keys
            .iter()
            .map(|key| till_core::RootKey::from_text(&key.get().inner.to_text()))
            .collect::<Result<Vec<_>, _>>()
            .map_err(raise)?;
        let inner = till_core::Keyring::new(keys).map_err(raise)?;
        Ok(Self { inner })
    }

    /// The ids of the keys, the minting key first.
    #[getter]
    fn ids<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyTuple>> {
        PyTuple::new(
            py,
            self.inner
                .ids()
                .map(|id| id.to_string())
                .collect::<Vec<_>>(),
        )
    }

    fn __repr__(&self) -> String {
        let ids: Vec<String> = self.inner.ids().map(|id| id.to_string()).collect();
        format!("<till.Keyring ids={}>", ids.join(","))
    }

    fn __reduce__(&self) -> PyResult<()> {
        Err(PyTypeError::new_err("a Keyring cannot be pickled"))
    }
}

/// A minted or attenuated API key. `str()` and `repr()` show its redacted form; the text is
/// reached through `expose_secret()` and wiped from memory when the object is freed.
#[pyclass(frozen, module = "till", name = "ApiKey")]
pub(crate) struct ApiKey {
    inner: till_core::ApiKey,
}

impl ApiKey {
    pub(crate) fn new(inner: till_core::ApiKey) -> Self {
        Self { inner }
    }

    pub(crate) fn expose_secret(&self) -> &str {
        self.inner.expose_secret()
    }
}

#[pymethods]
impl ApiKey {
    /// The key's text, to hand to its holder.
    #[pyo3(name = "expose_secret")]
    fn py_expose_secret(&self) -> &str {
        self.inner.expose_secret()
    }

    /// The id of the key this one was minted as or attenuated from.
    #[getter]
    fn key_id(&self) -> String {
        self.inner.key_id().to_string()
    }

    /// The redacted form, such as `till_live_[redacted:AbCdEfGhIjKlMnOp]`.
    #[getter]
    fn redacted(&self) -> String {
        self.inner.redacted()
    }

    fn __str__(&self) -> String {
        self.inner.redacted()
    }

    fn __repr__(&self) -> String {
        format!("<till.ApiKey {}>", self.inner.redacted())
    }

    fn __reduce__(&self) -> PyResult<()> {
        Err(PyTypeError::new_err(
            "an ApiKey cannot be pickled; store expose_secret() as a secret",
        ))
    }
}
