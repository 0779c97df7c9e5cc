//! Arguments as Python passes them, in the forms `till-core` takes.

use std::borrow::Cow;
use std::time::Duration;

use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyByteArray, PyBytes, PyInt, PyMemoryView, PyString};
use till_core::{Error, Malformed, ScopeError, UnixTime};
use zeroize::Zeroizing;

use crate::error::raise;
use crate::secrets::ApiKey;

/// A key's text as given: `str`, `bytes`, `bytearray`, `memoryview` or a minted `ApiKey`.
pub(crate) enum Key<'a, 'py> {
    /// Bytes that the object given owns and never changes: those of a `bytes`, or the UTF-8
    /// that a `str` keeps of itself.
    Borrowed(&'a [u8]),
    /// A copy of a `memoryview`, whose memory could change while the GIL is released.
    Bytes(Bound<'py, PyBytes>),
    /// A copy of a `bytearray`, which another thread could resize while the GIL is released.
    Copied(Zeroizing<Vec<u8>>),
    /// A key minted or attenuated in this process.
    Minted(&'a ApiKey),
}

impl<'a, 'py> Key<'a, 'py> {
    /// Reads `value`; any other type is a `TypeError`. A `str` that UTF-8 cannot encode (it
    /// holds unpaired surrogates) is no key, and so is malformed.
    pub(crate) fn from_py(value: &'a Bound<'py, PyAny>) -> PyResult<Self> {
        // The common forms first: every check that fails costs a little on each call.
        if let Ok(text) = value.cast::<PyString>() {
            return match utf8(text) {
                Some(bytes) => Ok(Self::Borrowed(bytes)),
                None => Err(raise(Error::Malformed(Malformed::Shape))),
            };
        }
        if let Ok(bytes) = value.cast::<PyBytes>() {
            return Ok(Self::Borrowed(bytes.as_bytes()));
        }
        if let Ok(minted) = value.cast::<ApiKey>() {
            return Ok(Self::Minted(minted.get()));
        }
        if let Ok(array) = value.cast::<PyByteArray>() {
            return Ok(Self::Copied(Zeroizing::new(array.to_vec())));
        }
        if value.is_instance_of::<PyMemoryView>() {
            return Ok(Self::Bytes(
                value.call_method0("tobytes")?.cast_into::<PyBytes>()?,
            ));
        }
        let kind = value.get_type().name()?;
        Err(PyTypeError::new_err(format!(
            "a key is str, bytes, bytearray, memoryview or ApiKey, not {kind}"
        )))
    }

    /// The key's bytes.
    pub(crate) fn as_bytes(&self) -> &[u8] {
        match self {
            Self::Borrowed(bytes) => bytes,
            Self::Bytes(bytes) => bytes.as_bytes(),
            Self::Copied(bytes) => bytes,
            Self::Minted(key) => key.expose_secret().as_bytes(),
        }
    }
}

/// The UTF-8 of `text`, kept by the `str` itself: no copy for an ASCII `str` (a key's usual
/// form), one copy cached in the object for another. `None` when the `str` holds unpaired
/// surrogates, which UTF-8 cannot carry; the encoder's `UnicodeEncodeError` is dropped for the
/// caller's own error.
fn utf8<'a>(text: &'a Bound<'_, PyString>) -> Option<&'a [u8]> {
    text.to_str().ok().map(str::as_bytes)
}

/// Free text to scan for keys. Unpaired surrogates, which UTF-8 cannot carry and no key
/// contains, become `?`, so that offsets still count the same characters as Python's.
pub(crate) fn text<'a>(value: &'a Bound<'_, PyString>) -> PyResult<Cow<'a, str>> {
    match value.to_cow() {
        Ok(text) => Ok(text),
        Err(_) => {
            let bytes = value.call_method1("encode", ("utf-8", "replace"))?;
            let bytes = bytes.cast_into::<PyBytes>()?;
            Ok(Cow::Owned(
                String::from_utf8_lossy(bytes.as_bytes()).into_owned(),
            ))
        }
    }
}

/// A point in time given in seconds since the Unix epoch.
pub(crate) fn time(secs: Option<i64>) -> Option<UnixTime> {
    secs.map(UnixTime::from_secs)
}

/// `till._convert.seconds_at` and `till._convert.names`: the package reads times and lists in
/// one place, and the methods that Python calls directly use it for all but the common forms.
static SECONDS_AT: PyOnceLock<Py<PyAny>> = PyOnceLock::new();
static NAMES: PyOnceLock<Py<PyAny>> = PyOnceLock::new();

/// A point in time given as seconds since the Unix epoch or as an aware `datetime`, for the
/// argument `what`. A plain `int` is read here; the rest (and `bool`, which is refused) goes
/// through `till._convert.seconds_at`.
pub(crate) fn moment(value: Option<&Bound<'_, PyAny>>, what: &str) -> PyResult<Option<UnixTime>> {
    let Some(value) = value else {
        return Ok(None);
    };
    let secs = if value.is_exact_instance_of::<PyInt>() {
        value.extract::<i64>()?
    } else {
        let convert = SECONDS_AT.import(value.py(), "till._convert", "seconds_at")?;
        convert.call1((value, what))?.extract::<i64>()?
    };
    Ok(Some(UnixTime::from_secs(secs)))
}

/// A list of scopes or roles from any iterable of `str` but a lone `str`, for the argument
/// `what`, read by `till._convert.names`.
pub(crate) fn names(value: &Bound<'_, PyAny>, what: &str) -> PyResult<Vec<String>> {
    let convert = NAMES.import(value.py(), "till._convert", "names")?;
    convert.call1((value, what))?.extract()
}

/// A scope given as a `str`, read in place; any other type is a `TypeError`.
pub(crate) fn scope<'a>(value: &'a Bound<'_, PyAny>) -> PyResult<&'a str> {
    match value.cast::<PyString>() {
        Ok(text) => scope_text(text),
        Err(_) => Err(not_a_scope(value)),
    }
}

/// The text of a scope given as a `str`. A `str` that UTF-8 cannot encode (it holds unpaired
/// surrogates) holds a character outside the scope alphabet.
pub(crate) fn scope_text<'a>(text: &'a Bound<'_, PyString>) -> PyResult<&'a str> {
    text.to_str()
        .map_err(|_| raise(Error::InvalidScope(ScopeError::Character)))
}

/// The `TypeError` for a scope that is neither a `str` nor a `till.Request`.
pub(crate) fn not_a_scope(value: &Bound<'_, PyAny>) -> PyErr {
    let kind = value
        .get_type()
        .name()
        .map_or_else(|_| "?".into(), |n| n.to_string());
    PyTypeError::new_err(format!("a scope is a str or a till.Request, not {kind}"))
}

/// A length of time given in whole seconds, which cannot be negative.
pub(crate) fn duration(secs: i64, what: &'static str) -> PyResult<Duration> {
    u64::try_from(secs)
        .map(Duration::from_secs)
        .map_err(|_| raise(Error::InvalidArgument(what)))
}

/// A small count given as a Python int.
pub(crate) fn count<T: TryFrom<i64>>(value: i64, what: &'static str) -> PyResult<T> {
    T::try_from(value).map_err(|_| raise(Error::InvalidArgument(what)))
}
