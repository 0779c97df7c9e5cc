//! Role policies: named sets of scopes that keys carry and verifiers resolve at every check.

use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyDict, PyMapping, PyString, PyTuple};
use till_core::{Error, PolicyDefinition, Scope, SharedPolicy};

use crate::error::raise;

/// A role policy shared by the verifiers and issuers built with it. `replace()` puts another
/// in force for all of them at once: the next check of every key, even one minted earlier,
/// resolves its roles against the new policy.
#[pyclass(frozen, module = "till", name = "Policy")]
pub(crate) struct Policy {
    pub(crate) inner: SharedPolicy,
}

#[pymethods]
impl Policy {
    /// A policy from a mapping such as `{"roles": {"support": {"scopes": [...]}}}`.
    #[new]
    fn new(definition: &Bound<'_, PyAny>) -> PyResult<Self> {
        Ok(Self {
            inner: SharedPolicy::new(from_mapping(definition)?),
        })
    }

    /// A policy from TOML text: a `[roles.<name>]` table per role, with `scopes` and
    /// `includes`.
    #[staticmethod]
    fn from_toml(text: &Bound<'_, PyString>) -> PyResult<Self> {
        let definition = toml::from_str(&utf8(text)?).map_err(unreadable);
        Ok(Self {
            inner: SharedPolicy::new(validated(definition?)?),
        })
    }

    /// A policy from JSON text of the same shape as the mapping the constructor takes.
    #[staticmethod]
    fn from_json(text: &Bound<'_, PyString>) -> PyResult<Self> {
        let definition = serde_json::from_str(&utf8(text)?).map_err(unreadable);
        Ok(Self {
            inner: SharedPolicy::new(validated(definition?)?),
        })
    }

    /// Every role, by name in sorted order, with the scopes it allows, includes followed.
    #[getter]
    fn roles<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let policy = self.inner.current();
        let roles = PyDict::new(py);
        for (name, scopes) in policy.roles() {
            roles.set_item(name, PyTuple::new(py, scopes.iter().map(Scope::as_str))?)?;
        }
        Ok(roles)
    }

    /// Puts `policy` (another `Policy`, whose current roles are copied, or a definition) in
    /// force for every verifier and issuer built with this one. An invalid definition raises
    /// and leaves the policy in force unchanged.
    fn replace(&self, policy: &Bound<'_, PyAny>) -> PyResult<()> {
        let next = match policy.cast::<Self>() {
            Ok(other) => other.get().inner.current().as_ref().clone(),
            Err(_) => from_mapping(policy)?,
        };
        self.inner.replace(next);
        Ok(())
    }

    fn __repr__(&self) -> String {
        let policy = self.inner.current();
        let names = policy.roles().into_iter().map(|(name, _)| name);
        format!(
            "<till.Policy roles={}>",
            names.collect::<Vec<_>>().join(",")
        )
    }
}

/// `json.dumps`, which writes a definition given as Python data in the JSON form.
static DUMPS: PyOnceLock<Py<PyAny>> = PyOnceLock::new();

/// A definition given as Python data: read exactly as its JSON form would be, so that a
/// mapping and a file saying the same make the same policy (and a string where a list of
/// scopes belongs is refused rather than read as its characters).
fn from_mapping(value: &Bound<'_, PyAny>) -> PyResult<till_core::Policy> {
    if value.cast::<PyMapping>().is_err() {
        let kind = value.get_type().name()?;
        return Err(PyTypeError::new_err(format!(
            "a policy is a Policy or a mapping such as {{\"roles\": {{...}}}}, not {kind}"
        )));
    }
    let dumps = DUMPS.import(value.py(), "json", "dumps")?;
    let text: String = dumps.call1((value,))?.extract()?;
    // Through a JSON value, so that messages do not point into text the caller never wrote.
    let definition = serde_json::from_str(&text)
        .and_then(serde_json::from_value)
        .map_err(unreadable);
    validated(definition?)
}

/// The core's validation: unknown roles, cycles of includes, names and scopes.
fn validated(definition: PolicyDefinition) -> PyResult<till_core::Policy> {
    till_core::Policy::new(&definition).map_err(raise)
}

/// A definition whose shape is wrong (an unknown field, a string for a list) is an invalid
/// policy, as it is for the `till` command.
fn unreadable(err: impl std::fmt::Display) -> PyErr {
    raise(Error::InvalidPolicy(err.to_string()))
}

/// Policy text that UTF-8 cannot carry (it holds unpaired surrogates) is no policy.
fn utf8(text: &Bound<'_, PyString>) -> PyResult<String> {
    text.to_cow()
        .map(|text| text.into_owned())
        .map_err(|_| unreadable("the text is not valid UTF-8"))
}
