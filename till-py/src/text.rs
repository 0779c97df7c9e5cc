//! Reading keys without verifying them, and finding them in free text.

use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList, PyString, PyTuple};
use till_core::{Scope, Unverified, UnverifiedBlock};

use crate::args::{self, Key};
use crate::error::raise;

/// What `key` says about itself, as a dict of the fields of `till.Unverified`. Nothing in it
/// is verified.
#[pyfunction]
pub(crate) fn inspect<'py>(key: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyDict>> {
    let py = key.py();
    let found = till_core::inspect(Key::from_py(key)?.as_bytes()).map_err(raise)?;
    unverified_dict(py, &found)
}

fn unverified_dict<'py>(py: Python<'py>, key: &Unverified) -> PyResult<Bound<'py, PyDict>> {
    let dict = PyDict::new(py);
    dict.set_item("prefix", key.prefix.as_str())?;
    dict.set_item("env", key.env.as_str())?;
    dict.set_item("version", key.version)?;
    dict.set_item("root_key_id", &key.root_key_id)?;
    dict.set_item("key_id", key.key_id.to_string())?;
    dict.set_item("issued_at", key.issued_at)?;
    dict.set_item("expires_at", key.expires_at)?;
    dict.set_item("not_before", key.not_before)?;
    dict.set_item("subject", &key.subject)?;
    dict.set_item("audience", &key.audience)?;
    dict.set_item("scopes", scope_tuple(py, &key.scopes)?)?;
    dict.set_item("roles", PyTuple::new(py, &key.roles)?)?;
    dict.set_item("max_delegation", key.max_delegation)?;
    let blocks = key.blocks.iter().map(|block| block_dict(py, block));
    dict.set_item(
        "blocks",
        PyList::new(py, blocks.collect::<PyResult<Vec<_>>>()?)?,
    )?;
    Ok(dict)
}

fn block_dict<'py>(py: Python<'py>, block: &UnverifiedBlock) -> PyResult<Bound<'py, PyDict>> {
    let dict = PyDict::new(py);
    dict.set_item("expires_at", block.expires_at)?;
    dict.set_item("audience", &block.audience)?;
    dict.set_item("label", &block.label)?;
    let scopes = block
        .scopes
        .as_deref()
        .map(|scopes| scope_tuple(py, scopes))
        .transpose()?;
    dict.set_item("scopes", scopes)?;
    dict.set_item("max_delegation", block.max_delegation)?;
    Ok(dict)
}

fn scope_tuple<'py>(py: Python<'py>, scopes: &[Scope]) -> PyResult<Bound<'py, PyTuple>> {
    PyTuple::new(py, scopes.iter().map(Scope::as_str))
}

/// Every key in `text`, as tuples (kind, start, end, id, redacted). `start` and `end` index
/// the Python string, in characters; the core counts bytes of UTF-8.
#[pyfunction]
pub(crate) fn find_keys<'py>(text: &Bound<'py, PyString>) -> PyResult<Bound<'py, PyList>> {
    let py = text.py();
    let text = args::text(text)?;
    let mut chars = 0;
    let mut counted = 0;
    let mut found = Vec::new();
    for key in till_core::find_keys(&text) {
        chars += text[counted..key.range.start].chars().count();
        let start = chars;
        chars += text[key.range.clone()].chars().count();
        counted = key.range.end;
        found.push((key.kind.as_str(), start, chars, key.id, key.redacted));
    }
    PyList::new(py, found)
}

/// `text` with every key replaced by its redacted form.
#[pyfunction]
pub(crate) fn redact(text: &Bound<'_, PyString>) -> PyResult<String> {
    Ok(till_core::redact(&args::text(text)?))
}
