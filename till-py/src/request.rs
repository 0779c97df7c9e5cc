//! Requests: what a caller asks a key to grant, parsed once and checked against many keys.

use pyo3::prelude::*;
use pyo3::types::PyTuple;
use till_core::Scope;

use crate::args;
use crate::error::raise;

/// What a caller asks a key to grant: one scope, all of several, or any of several.
///
/// `verify` parses a scope given as a string at every call; a handler that asks for the same
/// thing every time can build its `Request` once and pass it instead.
#[pyclass(frozen, module = "till", name = "Request")]
pub(crate) struct Request {
    pub(crate) inner: till_core::Request,
}

#[pymethods]
impl Request {
    /// A request for one scope.
    #[new]
    fn new(scope: &Bound<'_, PyAny>) -> PyResult<Self> {
        let inner = till_core::Request::scope(args::scope(scope)?).map_err(raise)?;
        Ok(Self { inner })
    }

    /// A request that every one of `scopes` is granted.
    #[staticmethod]
    fn all_of(scopes: &Bound<'_, PyAny>) -> PyResult<Self> {
        let scopes = args::names(scopes, "scopes")?;
        let inner = till_core::Request::all_of(scopes).map_err(raise)?;
        Ok(Self { inner })
    }

    /// A request that at least one of `scopes` is granted.
    #[staticmethod]
    fn any_of(scopes: &Bound<'_, PyAny>) -> PyResult<Self> {
        let scopes = args::names(scopes, "scopes")?;
        let inner = till_core::Request::any_of(scopes).map_err(raise)?;
        Ok(Self { inner })
    }

    /// The scopes asked for, in the order given.
    #[getter]
    fn scopes<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyTuple>> {
        PyTuple::new(py, self.inner.scopes().iter().map(Scope::as_str))
    }

    /// Whether any one of the scopes suffices.
    #[getter]
    fn is_any_of(&self) -> bool {
        self.inner.is_any_of()
    }

    fn __repr__(slf: &Bound<'_, Self>) -> PyResult<String> {
        let request = &slf.get().inner;
        let scopes = slf.getattr("scopes")?;
        Ok(match (request.scopes().len(), request.is_any_of()) {
            (1, false) => format!("till.Request({})", scopes.get_item(0)?.repr()?),
            (_, false) => format!("till.Request.all_of({})", scopes.repr()?),
            (_, true) => format!("till.Request.any_of({})", scopes.repr()?),
        })
    }

    fn __eq__(&self, other: &Bound<'_, Self>) -> bool {
        self.key() == other.get().key()
    }

    fn __hash__(&self) -> u64 {
        crate::hash_of(self.key())
    }
}

impl Request {
    /// Everything a request says, for equality and hashing.
    fn key(&self) -> (&[Scope], bool) {
        (self.inner.scopes(), self.inner.is_any_of())
    }
}
