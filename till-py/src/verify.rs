//! Verifying keys.

use std::cell::RefCell;
use std::hash::Hash;

use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyDateTime, PyString, PyTuple, PyType, PyTzInfo};
use till_core::{KeyId, Scope, UnixTime};

use crate::args::{self, Key};
use crate::error::raise;
use crate::policy::Policy;
use crate::request::Request;
use crate::secrets::Keyring;

/// Checks keys against a keyring and a policy. Safe to share across threads: its one changing
/// part, a role policy, is replaced whole under the core's lock. It releases the GIL while it
/// checks a long key (see [`DETACH_ABOVE`]) unless a Python revocation check has to be
/// consulted.
#[pyclass(frozen, subclass, module = "till._till", name = "Verifier")]
pub(crate) struct Verifier {
    inner: till_core::Verifier,
    revoked: Option<Revoked>,
}

/// Keys longer than this, in bytes, are checked with the GIL released. A key of this size or
/// less (the common key, with at most a block or two) checks in a microsecond or two, less
/// than what releasing and taking back the GIL costs once other threads wait for it; the
/// longest keys take tens of microseconds, which other threads can use.
const DETACH_ABOVE: usize = 512;

/// What a call asks of a key: nothing, a request, or one scope as its text.
#[derive(Clone, Copy)]
enum Asked<'a> {
    Nothing,
    Request(&'a till_core::Request),
    Scope(&'a str),
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
        env,
        audience = None,
        leeway,
        revoked = None,
        prefix,
        policy = None,
    ))]
    fn new(
        keyring: &Bound<'_, Keyring>,
        env: String,
        audience: Option<String>,
        leeway: i64,
        revoked: Option<Bound<'_, PyAny>>,
        prefix: String,
        policy: Option<Bound<'_, Policy>>,
    ) -> PyResult<Self> {
        let mut builder = till_core::Verifier::builder(&keyring.get().inner)
            .prefix(&prefix)
            .env(&env)
            .leeway(args::count(leeway, "leeway is 0 to 86400 seconds")?);
        if let Some(audience) = &audience {
            builder = builder.audience(audience);
        }
        if let Some(policy) = policy {
            builder = builder.policy(policy.get().inner.clone());
        }
        let inner = builder.build().map_err(raise)?;
        let revoked = revoked.map(Revoked::from_py).transpose()?;
        Ok(Self { inner, revoked })
    }

    /// Verifies `key` and checks that it grants exactly one of: `scope` (a `str` or a
    /// `Request`), every scope of `all_of`, or at least one scope of `any_of`.
    ///
    /// Raises a `till.TillError` subclass when the key is refused; a key that is genuine but
    /// lacks a scope raises `till.InsufficientScope`, whose `missing` lists what was not
    /// granted. `now` (an aware `datetime` or seconds) replaces the system clock.
    #[pyo3(signature = (key, scope = None, *, all_of = None, any_of = None, now = None))]
    fn verify(
        &self,
        key: &Bound<'_, PyAny>,
        scope: Option<&Bound<'_, PyAny>>,
        all_of: Option<&Bound<'_, PyAny>>,
        any_of: Option<&Bound<'_, PyAny>>,
        now: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Grant> {
        let parsed;
        let asked = match (scope, all_of, any_of) {
            // A `str`, the common form, is tested first: a failed class test costs more.
            (Some(scope), None, None) => {
                if let Ok(text) = scope.cast::<PyString>() {
                    // Checked before the key and the time are read, as a request built here
                    // would be: a bad scope is reported first whatever else is wrong.
                    let text = args::scope_text(text)?;
                    till_core::validate_scope(text).map_err(raise)?;
                    Asked::Scope(text)
                } else if let Ok(built) = scope.cast::<Request>() {
                    Asked::Request(&built.get().inner)
                } else {
                    return Err(args::not_a_scope(scope));
                }
            }
            (None, Some(scopes), None) => {
                let scopes = args::names(scopes, "all_of")?;
                parsed = till_core::Request::all_of(scopes).map_err(raise)?;
                Asked::Request(&parsed)
            }
            (None, None, Some(scopes)) => {
                let scopes = args::names(scopes, "any_of")?;
                parsed = till_core::Request::any_of(scopes).map_err(raise)?;
                Asked::Request(&parsed)
            }
            _ => {
                return Err(PyTypeError::new_err(
                    "verify() takes exactly one of scope, all_of and any_of",
                ));
            }
        };
        self.check(key, asked, args::moment(now, "now")?)
    }

    /// Verifies `key` without asking for any scope: proves it genuine, current and not
    /// revoked, and returns what it grants. `now` replaces the system clock.
    #[pyo3(signature = (key, *, now = None))]
    fn authenticate(
        &self,
        key: &Bound<'_, PyAny>,
        now: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Grant> {
        self.check(key, Asked::Nothing, args::moment(now, "now")?)
    }
}

impl Verifier {
    /// The core's verifier, for the benchmark's own timing of it.
    pub(crate) fn core(&self) -> &till_core::Verifier {
        &self.inner
    }

    fn check(
        &self,
        key: &Bound<'_, PyAny>,
        asked: Asked<'_>,
        now: Option<UnixTime>,
    ) -> PyResult<Grant> {
        let py = key.py();
        let key = Key::from_py(key)?;
        let text = key.as_bytes();
        let now = now.unwrap_or_else(|| self.inner.now());
        let verifier = &self.inner;
        let verify = || match asked {
            Asked::Scope(scope) => verifier.verify_scope_at(text, scope, now),
            Asked::Request(request) => verifier.verify_at(text, request, now),
            Asked::Nothing => verifier.authenticate_at(text, now),
        };
        let grant = match &self.revoked {
            None if text.len() > DETACH_ABOVE => py.detach(verify),
            None => verify(),
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
                let remembered;
                let request = match asked {
                    Asked::Scope(scope) => {
                        remembered = verifier.request_for(scope).map_err(raise)?;
                        Some(&remembered)
                    }
                    Asked::Request(request) => Some(request),
                    Asked::Nothing => None,
                };
                let grant = verifier.verify_with_revocation(text, request, now, &is_revoked);
                if let Some(err) = failure.into_inner() {
                    return Err(err);
                }
                grant
            }
        };
        let inner = grant.map_err(raise)?;
        Ok(Grant { inner })
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

/// What a verified key grants, and who holds it. Holds no secret.
///
/// Fields are read from the core's grant when asked for, so that a verification that only
/// needs a yes pays for nothing else.
#[pyclass(frozen, module = "till", name = "Grant")]
pub(crate) struct Grant {
    inner: till_core::Grant,
}

/// The fields shown by `repr()`, in order.
const FIELDS: [&str; 12] = [
    "key_id",
    "root_key_id",
    "prefix",
    "env",
    "subject",
    "audience",
    "scopes",
    "roles",
    "issued_at",
    "expires_at",
    "not_before",
    "chain",
];

/// `till._types.Link`, the named tuple of a chain's links.
static LINK: PyOnceLock<Py<PyType>> = PyOnceLock::new();

#[pymethods]
impl Grant {
    /// The id of the key, shared by every key attenuated from it.
    #[getter]
    fn key_id(&self) -> String {
        self.inner.key_id().to_string()
    }

    /// The root key that minted the key.
    #[getter]
    fn root_key_id(&self) -> String {
        self.inner.root_key_id().to_string()
    }

    /// The application prefix.
    #[getter]
    fn prefix(&self) -> String {
        self.inner.prefix().to_string()
    }

    /// The environment.
    #[getter]
    fn env(&self) -> String {
        self.inner.env().to_string()
    }

    /// The user or agent the key was issued to.
    #[getter]
    fn subject(&self) -> Option<&str> {
        self.inner.subject()
    }

    /// The audience the key is bound to, if any.
    #[getter]
    fn audience(&self) -> Option<&str> {
        self.inner.audience()
    }

    /// The effective scopes: every link's scopes intersected, in canonical order.
    #[getter]
    fn scopes<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyTuple>> {
        let scopes = self.inner.scopes();
        PyTuple::new(py, scopes.iter().map(Scope::as_str).collect::<Vec<_>>())
    }

    /// The roles the key names, for the application's policy to resolve.
    #[getter]
    fn roles<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyTuple>> {
        PyTuple::new(py, self.inner.roles().collect::<Vec<_>>())
    }

    /// When the key was minted, as an aware UTC datetime.
    #[getter]
    fn issued_at<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDateTime>> {
        datetime(py, self.inner.issued_at())
    }

    /// The first moment the key is no longer valid: the earliest expiry in the chain.
    #[getter]
    fn expires_at<'py>(&self, py: Python<'py>) -> PyResult<Option<Bound<'py, PyDateTime>>> {
        self.inner
            .expires_at()
            .map(|at| datetime(py, at))
            .transpose()
    }

    /// The first moment the key is valid, if it says.
    #[getter]
    fn not_before<'py>(&self, py: Python<'py>) -> PyResult<Option<Bound<'py, PyDateTime>>> {
        self.inner
            .not_before()
            .map(|at| datetime(py, at))
            .transpose()
    }

    /// The delegation chain, oldest block first, as `till.Link(id, label)` tuples.
    #[getter]
    fn chain<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyTuple>> {
        let link = LINK.import(py, "till._types", "Link")?;
        let links = self
            .inner
            .chain()
            .map(|l| link.call1((l.id.to_string(), l.label)))
            .collect::<PyResult<Vec<_>>>()?;
        PyTuple::new(py, links)
    }

    fn __repr__(slf: &Bound<'_, Self>) -> PyResult<String> {
        let fields = FIELDS
            .iter()
            .map(|name| Ok(format!("{name}={}", slf.getattr(*name)?.repr()?)))
            .collect::<PyResult<Vec<_>>>()?;
        Ok(format!("till.Grant({})", fields.join(", ")))
    }

    fn __eq__(&self, other: &Bound<'_, Self>) -> bool {
        self.fields() == other.get().fields()
    }

    fn __hash__(&self) -> u64 {
        crate::hash_of(self.fields())
    }
}

/// Everything a grant says, for equality and hashing.
#[derive(PartialEq, Eq, Hash)]
struct Fields<'a> {
    key_id: KeyId,
    root_key_id: till_core::RootKeyId,
    prefix: till_core::Prefix,
    env: till_core::Env,
    subject: Option<&'a str>,
    audience: Option<&'a str>,
    scopes: Vec<Scope>,
    roles: Vec<&'a str>,
    times: [Option<UnixTime>; 3],
    chain: Vec<(KeyId, Option<&'a str>)>,
}

impl Grant {
    fn fields(&self) -> Fields<'_> {
        let grant = &self.inner;
        Fields {
            key_id: grant.key_id(),
            root_key_id: grant.root_key_id(),
            prefix: grant.prefix(),
            env: grant.env(),
            subject: grant.subject(),
            audience: grant.audience(),
            scopes: grant.scopes(),
            roles: grant.roles().collect(),
            times: [
                Some(grant.issued_at()),
                grant.expires_at(),
                grant.not_before(),
            ],
            chain: grant.chain().map(|link| (link.id, link.label)).collect(),
        }
    }
}

/// Seconds since the Unix epoch as an aware UTC datetime. Every time a key can state is a
/// whole number below 2^53, which a float holds exactly.
fn datetime(py: Python<'_>, at: UnixTime) -> PyResult<Bound<'_, PyDateTime>> {
    let utc = PyTzInfo::utc(py)?.to_owned();
    PyDateTime::from_timestamp(py, at.secs() as f64, Some(&utc))
}
