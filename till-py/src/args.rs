//! Arguments as Python passes them, in the forms `till-core` takes.

use std::borrow::Cow;
use std::time::Duration;

use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::types::{PyByteArray, PyBytes, PyMemoryView, PyString};
use till_core::{Error, Malformed, UnixTime};
use zeroize::Zeroizing;

use crate::error::raise;
use crate::secrets::ApiKey;

/// A key's text as given: `str`, `bytes`, `bytearray`, `memoryview` or a minted `ApiKey`.
pub(crate) enum Key<'py> {
    /// Immutable bytes: a `bytes` object, the UTF-8 of a `str`, or a copy of a `memoryview`.
    Bytes(Bound<'py, PyBytes>),
    /// A copy of a `bytearray`, which another thread could resize while the GIL is released.
    Copied(Zeroizing<Vec<u8>>),
    /// A key minted or attenuated in this process.
    Minted(Bound<'py, ApiKey>),
}

impl<'py> Key<'py> {
    /// Reads `value`; any other type is a `TypeError`. A `str` that UTF-8 cannot encode (it
    /// holds unpaired surrogates) is no key, and so is malformed.
    pub(crate) fn from_py(value: &Bound<'py, PyAny>) -> PyResult<Self> {
        if let Ok(minted) = value.cast::<ApiKey>() {
            return Ok(Self::Minted(minted.clone()));
        }
        if let Ok(text) = value.cast::<PyString>() {
            return match text.encode_utf8() {
                Ok(bytes) => Ok(Self::Bytes(bytes)),
                Err(_) => Err(raise(Error::Malformed(Malformed::Shape))),
            };
        }
        if let Ok(bytes) = value.cast::<PyBytes>() {
            return Ok(Self::Bytes(bytes.clone()));
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
            Self::Bytes(bytes) => bytes.as_bytes(),
            Self::Copied(bytes) => bytes,
            Self::Minted(key) => key.get().expose_secret().as_bytes(),
        }
    }
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
