//! Measuring aids for `bench/bench_verify.py`: what a call into the extension costs, and what
//! the core's check costs alone in this process, so that the benchmark can tell the binding's
//! share of a `verify` from the core's.

use std::hint::black_box;
use std::time::Instant;

use pyo3::prelude::*;
use till_core::UnixTime;

use crate::args::Key;
use crate::error::raise;
use crate::request::Request;
use crate::verify::Verifier;

/// Does nothing: the benchmark measures the cost of a call into the extension with it.
#[pyfunction]
pub(crate) fn noop() {}

/// The mean time, in nanoseconds, of `calls` calls of the core's `verify_at` on `key`, timed
/// in Rust with no Python in between. The key must be granted the request.
#[pyfunction]
pub(crate) fn core_verify_ns(
    verifier: &Bound<'_, Verifier>,
    key: &Bound<'_, PyAny>,
    request: &Bound<'_, Request>,
    now: i64,
    calls: u32,
) -> PyResult<f64> {
    let key = Key::from_py(key)?;
    let text = key.as_bytes();
    let verifier = verifier.get().core();
    let request = &request.get().inner;
    let now = UnixTime::from_secs(now);
    verifier.verify_at(text, request, now).map_err(raise)?;
    let start = Instant::now();
    for _ in 0..calls {
        drop(black_box(verifier.verify_at(black_box(text), request, now)));
    }
    Ok(start.elapsed().as_nanos() as f64 / f64::from(calls.max(1)))
}
