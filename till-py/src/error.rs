//! The one crossing from `till_core::Error` to Python exceptions.
//!
//! The exception classes live in `till/_errors.py`, where they are typed and documented; this
//! module only picks the class by the error's stable code.

use pyo3::exceptions::PyBaseException;
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyDict, PyTuple};
use till_core::{Error, ErrorCode, Scope};

/// The exception class of each code of `ErrorCode::ALL`, in its order, read once from
/// `till._errors.BY_CODE`; `None` for a code this build of the package does not know.
static CLASSES: PyOnceLock<Vec<Option<Py<PyAny>>>> = PyOnceLock::new();

/// `till._errors.TillError`, for a code this build of the package does not know.
static ROOT: PyOnceLock<Py<PyAny>> = PyOnceLock::new();

/// `BaseException.__new__`, which builds an exception without running its class's `__init__`.
static NEW: PyOnceLock<Py<PyAny>> = PyOnceLock::new();

/// Turns a core error into the `till` exception of its code, carrying the core's message
/// (which never contains a secret) and the scopes the error names: those missing for
/// `insufficient_scope`, those beyond the roles for `exceeds_roles`.
///
/// Refusals are frequent, and a Python `__init__` would cost more than the rest of the
/// crossing: the exception is built in C, as `Exception` builds its own. The two classes
/// that name scopes keep an `__init__` for Python callers; here they are made with
/// `BaseException.__new__` and given their scopes directly, as their `__init__` would.
pub(crate) fn raise(err: Error) -> PyErr {
    Python::attach(|py| exception(py, &err).unwrap_or_else(|failure| failure))
}

fn exception(py: Python<'_>, err: &Error) -> PyResult<PyErr> {
    let code = err.code();
    let message = err.to_string();
    let classes = CLASSES.get_or_try_init(py, || classes(py))?;
    let class = ErrorCode::ALL
        .iter()
        .position(|known| *known == code)
        .and_then(|at| classes.get(at)?.as_ref());
    let value = match class {
        Some(class) => match scopes(err) {
            Some((name, scopes)) => {
                let new = NEW.get_or_try_init(py, || {
                    let base = py.get_type::<PyBaseException>();
                    PyResult::Ok(base.getattr("__new__")?.unbind())
                })?;
                let value = new.bind(py).call1((class, message))?;
                value.setattr(name, PyTuple::new(py, scopes)?)?;
                value
            }
            None => class.bind(py).call1((message,))?,
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

/// The classes of `till._errors.BY_CODE`, in the order of `ErrorCode::ALL`.
fn classes(py: Python<'_>) -> PyResult<Vec<Option<Py<PyAny>>>> {
    let table = py.import("till._errors")?.getattr("BY_CODE")?;
    let table = table.cast_into::<PyDict>()?;
    ErrorCode::ALL
        .iter()
        .map(|code| Ok(table.get_item(code.as_str())?.map(Bound::unbind)))
        .collect()
}

/// The scopes an error names, with the attribute that holds them, if it is of a kind that
/// names some.
fn scopes(err: &Error) -> Option<(&'static str, Vec<&str>)> {
    match err {
        Error::InsufficientScope(missing) => {
            Some(("missing", missing.iter().map(Scope::as_str).collect()))
        }
        Error::ExceedsRoles(beyond) => Some(("beyond", beyond.iter().map(Scope::as_str).collect())),
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
