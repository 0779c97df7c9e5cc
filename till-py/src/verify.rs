//! Verifying keys.

use std::cell::RefCell;

use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::types::PyTuple;
use till_core::{Grant, KeyId, Request, UnixTime};

use crate::args::{self, Key};
use crate::error::raise;
use crate::secrets::Keyring;

/// Checks keys against a keyring and a policy. Safe to share across threads: it holds no
/// mutable state, and it releases the GIL while it checks a key unless a Python revocation
/// check has to be consulted.
#[pyclass(frozen, module = "till._till", name = "Verifier")]
pub(crate) struct Verifier {
    inner: till_core::Verifier,
    revoked: Option<Revoked>,
}

/// The application's revocation check, consulted after a key's tag is proven.
enum Revoked {
    /// A callable taking an id and answering whether it is revoked.
    Call(Py<PyAny>),
    /// A container of revoked ids, such as a `set`, read at each check.
    Contains(Py<PyAny>),
}

#[pymethods]
impl Verifier {
    #[new]
    #[pyo3(signature = (
        keyring,
        *,
        env = String::from("live"),
        audience = None,
        leeway = 0,
        revoked = None,
        prefix = String::from("till"),
    ))]
    fn new(
        keyring: &Bound<'_, Keyring>,
        env: String,
        audience: Option<String>,
        leeway: i64,
        revoked: Option<Bound<'_, PyAny>>,
        prefix: String,
    ) -> PyResult<Self> {
        let mut builder = till_core::Verifier::builder(&keyring.get().inner)
            .prefix(&prefix)
            .env(&env)
            .leeway(args::count(leeway, "leeway is 0 to 86400 seconds")?);
        if let Some(audience) = &audience {
            builder = builder.audience(audience);
        }
        let inner = builder.build().map_err(raise)?;
        let revoked = revoked.map(Revoked::from_py).transpose()?;
        Ok(Self { inner, revoked })
    }

    /// Verifies `key` and checks that it grants exactly one of: `scope`, every scope of
    /// `all_of`, or at least one of `any_of`.
    #[pyo3(signature = (key, *, scope = None, all_of = None, any_of = None, now = None))]
    fn verify<'py>(
        &self,
        key: &Bound<'py, PyAny>,
        scope: Option<String>,
        all_of: Option<Vec<String>>,
        any_of: Option<Vec<String>>,
        now: Option<i64>,
    ) -> PyResult<Bound<'py, PyTuple>> {
        let request = match (scope, all_of, any_of) {
            (Some(scope), None, None) => Request::scope(&scope),
            (None, Some(scopes), None) => Request::all_of(scopes),
            (None, None, Some(scopes)) => Request::any_of(scopes),
            _ => {
                return Err(PyTypeError::new_err(
                    "verify() takes exactly one of scope, all_of and any_of",
                ));
            }
        };
        let request = request.map_err(raise)?;
        self.check(key, Some(&request), now)
    }

    /// Verifies `key` without asking for any scope.
    #[pyo3(signature = (key, *, now = None))]
    fn authenticate<'py>(
        &self,
        key: &Bound<'py, PyAny>,
        now: Option<i64>,
    ) -> PyResult<Bound<'py, PyTuple>> {
        self.check(key, None, now)
    }
}

impl Verifier {
    fn check<'py>(
        &self,
        key: &Bound<'py, PyAny>,
        request: Option<&Request>,
        now: Option<i64>,
    ) -> PyResult<Bound<'py, PyTuple>> {
        let py = key.py();
        let key = Key::from_py(key)?;
        let text = key.as_bytes();
        let now = args::time(now).unwrap_or_else(|| self.inner.now());
        let grant = match &self.revoked {
            None => {
                let verifier = &self.inner;
                py.detach(|| match request {
                    Some(request) => verifier.verify_at(text, request, now),
                    None => verifier.authenticate_at(text, now),
                })
            }
            Some(revoked) => {
                // The core takes a plain predicate: a Python exception is kept aside, the id
                // is treated as revoked so that nothing is granted, and the exception is
                // raised in place of the result.
                let failure = RefCell::new(None);
                let is_revoked = |id: &KeyId| {
                    revoked.ask(py, id).unwrap_or_else(|err| {
                        failure.borrow_mut().get_or_insert(err);
                        true
                    })
                };
                let grant = self
                    .inner
                    .verify_with_revocation(text, request, now, &is_revoked);
                if let Some(err) = failure.into_inner() {
                    return Err(err);
                }
                grant
            }
        };
        grant_tuple(py, &grant.map_err(raise)?)
    }
}

impl Revoked {
    fn from_py(value: Bound<'_, PyAny>) -> PyResult<Self> {
        if value.is_callable() {
            Ok(Self::Call(value.unbind()))
        } else if value.hasattr("__contains__")? {
            Ok(Self::Contains(value.unbind()))
        } else {
            Err(PyTypeError::new_err(
                "revoked is a callable taking an id, or a container of ids such as a set",
            ))
        }
    }

    fn ask(&self, py: Python<'_>, id: &KeyId) -> PyResult<bool> {
        let id = id.to_string();
        match self {
            Self::Call(check) => check.bind(py).call1((id,))?.is_truthy(),
            Self::Contains(ids) => ids.bind(py).contains(id),
        }
    }
}

/// A grant as the tuple `till.Grant` is built from: key_id, root_key_id, prefix, env,
/// subject, audience, scopes, roles, issued_at, expires_at, not_before, chain.
fn grant_tuple<'py>(py: Python<'py>, grant: &Grant) -> PyResult<Bound<'py, PyTuple>> {
    let scopes = PyTuple::new(py, grant.scopes().iter().map(|scope| scope.as_str()))?;
    let roles = PyTuple::new(py, grant.roles().collect::<Vec<_>>())?;
    let chain: Vec<_> = grant
        .chain()
        .map(|link| (link.id.to_string(), link.label))
        .collect();
    let chain = PyTuple::new(py, chain)?;
    (
        grant.key_id().to_string(),
        grant.root_key_id().to_string(),
        grant.prefix().as_str(),
        grant.env().as_str(),
        grant.subject(),
        grant.audience(),
        scopes,
        roles,
        grant.issued_at().secs(),
        grant.expires_at().map(UnixTime::secs),
        grant.not_before().map(UnixTime::secs),
        chain,
    )
        .into_pyobject(py)
}
