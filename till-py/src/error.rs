//! The one crossing from `till_core::Error` to Python exceptions.
//!
//! The exception classes live in `till/_errors.py`, where they are typed and documented; this
//! module only picks the class by the error's stable code.

use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyDict, PyTuple};
use till_core::{Error, ErrorCode, Scope};

/// `till._errors.BY_CODE`: code string to exception class.
static BY_CODE: PyOnceLock<Py<PyDict>> = PyOnceLock::new();

/// `till._errors.TillError`, for a code this build of the package does not know.
static ROOT: PyOnceLock<Py<PyAny>> = PyOnceLock::new();

/// Turns a core error into the `till` exception of its code, carrying the core's message
/// (which never contains a secret) and the scopes the error names: those missing for
/// `insufficient_scope`, those beyond the roles for `exceeds_roles`.
pub(crate) fn raise(err: Error) -> PyErr {
    Python::attach(|py| exception(py, &err).unwrap_or_else(|failure| failure))
}

fn exception(py: Python<'_>, err: &Error) -> PyResult<PyErr> {
    let code = err.code();
    let message = err.to_string();
    let table = BY_CODE.import(py, "till._errors", "BY_CODE")?;
    let value = match table.get_item(code.as_str())? {
        Some(class) => match scopes(err) {
            Some(scopes) => class.call1((message, PyTuple::new(py, scopes)?))?,
            None => class.call1((message,))?,
        },
        None => {
            let root = ROOT.get_or_try_init(py, || {
                PyResult::Ok(py.import("till._errors")?.getattr("TillError")?.unbind())
            })?;
            let value = root.bind(py).call1((message,))?;
            value.setattr("code", code.as_str())?;
            value.setattr("number", code.number())?;
            value
        }
    };
    Ok(PyErr::from_value(value))
}

/// The scopes an error names, if it is of a kind that names some.
fn scopes(err: &Error) -> Option<Vec<&str>> {
    match err {
        Error::InsufficientScope(missing) => Some(missing.iter().map(Scope::as_str).collect()),
        Error::ExceedsRoles(beyond) => Some(beyond.iter().map(Scope::as_str).collect()),
        _ => None,
    }
}

/// Every error code with its number, in numeric order, as the core defines them.
#[pyfunction]
pub(crate) fn error_codes() -> Vec<(&'static str, u32)> {
    ErrorCode::ALL
        .iter()
        .map(|code| (code.as_str(), code.number()))
        .collect()
}
