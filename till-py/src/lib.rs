//! The compiled half of the `till` Python package, imported as `till._till`.
//!
//! Every function here converts its arguments, calls `till-core`, and converts the answer
//! back; errors cross into Python through `error::raise` alone. Most functions are wrapped by
//! the typed Python layer in `python/till`, which turns times and durations into whole
//! seconds. `Verifier.verify` and `authenticate` are called directly, on every request a
//! service checks: they read seconds themselves and hand any other form of time to that
//! layer's converter. Grants leave as `Grant` objects whose fields are read when asked for.

mod args;
mod bench;
mod error;
mod issue;
mod policy;
mod request;
mod secrets;
mod text;
mod verify;

use std::hash::{Hash, Hasher};

use pyo3::prelude::*;

/// `__hash__` of a class whose equality compares `fields`.
fn hash_of(fields: impl Hash) -> u64 {
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    fields.hash(&mut hasher);
    hasher.finish()
}

/// The module `till._till`.
#[pymodule(name = "_till")]
fn till_module(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    m.add_class::<secrets::RootKey>()?;
    m.add_class::<secrets::Keyring>()?;
    m.add_class::<secrets::ApiKey>()?;
    m.add_class::<issue::Issuer>()?;
    m.add_class::<policy::Policy>()?;
    m.add_class::<verify::Verifier>()?;
    m.add_class::<request::Request>()?;
    m.add_class::<verify::Grant>()?;
    m.add_function(wrap_pyfunction!(issue::attenuate, m)?)?;
    m.add_function(wrap_pyfunction!(text::inspect, m)?)?;
    m.add_function(wrap_pyfunction!(text::find_keys, m)?)?;
    m.add_function(wrap_pyfunction!(text::redact, m)?)?;
    m.add_function(wrap_pyfunction!(error::error_codes, m)?)?;
    m.add_function(wrap_pyfunction!(bench::noop, m)?)?;
    m.add_function(wrap_pyfunction!(bench::core_verify_ns, m)?)?;
    Ok(())
}
