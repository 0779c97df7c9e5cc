//! Rust values held by JavaScript externals that this package makes, keeps in private fields
//! and hands back to the binding: a verifier's checker, a parsed request, the policy that
//! resolved a grant's roles.
//!
//! Reading an external costs less than unwrapping an object. The functions that take one are
//! internal to the package: `index.js` passes them only externals it holds, and the values
//! callers pass (keys, requests, times) are never read as externals. The value is only ever
//! borrowed shared, so a call that re-enters the binding (through `isRevoked`) aliases
//! nothing mutably.
#![allow(
    unsafe_code,
    reason = "making externals and reading the values they own"
)]

use std::ffi::c_void;
use std::ptr;

use napi::bindgen_prelude::ToNapiValue;
use napi::{JsValue, Unknown, sys};

use crate::error::Failure;

/// A value on its way to JavaScript, to be owned by an external.
#[derive(Debug)]
pub struct Held<T: 'static>(pub(crate) T);

impl<T: 'static> ToNapiValue for Held<T> {
    unsafe fn to_napi_value(env: sys::napi_env, held: Self) -> napi::Result<sys::napi_value> {
        let data = Box::into_raw(Box::new(held.0));
        let mut external = ptr::null_mut();
        // SAFETY: `data` is a live box that the external owns from here on; `release::<T>`
        // frees it as a `T` once the external is garbage.
        let status = unsafe {
            sys::napi_create_external(
                env,
                data.cast(),
                Some(release::<T>),
                ptr::null_mut(),
                &mut external,
            )
        };
        if status != sys::Status::napi_ok {
            // SAFETY: the external was not made, so the box is still only ours.
            drop(unsafe { Box::from_raw(data) });
            return Err(napi::Error::from_status(napi::Status::from(status)));
        }
        Ok(external)
    }
}

/// Frees a held value once its external is garbage.
unsafe extern "C" fn release<T>(_env: sys::napi_env, data: *mut c_void, _hint: *mut c_void) {
    // SAFETY: `data` is the box that `Held::<T>::to_napi_value` gave the external, freed here
    // once.
    drop(unsafe { Box::from_raw(data.cast::<T>()) });
}

/// Borrows the value that `value`, an external, holds.
///
/// # Safety
///
/// `value` is an external that [`Held<T>`] made, with the same `T`: one that `index.js` keeps
/// in a private field and hands back unchanged.
pub(crate) unsafe fn borrow<'a, T>(
    value: Unknown<'a>,
    what: &'static str,
) -> Result<&'a T, Failure> {
    let mut data = ptr::null_mut();
    // SAFETY: Node-API writes the external's data pointer, or fails for any other value.
    let status = unsafe { sys::napi_get_value_external(value.value().env, value.raw(), &mut data) };
    if status != sys::Status::napi_ok || data.is_null() {
        return Err(Failure::Type(what));
    }
    // SAFETY: the caller promises a `Held<T>` made this external, so `data` is a live `T`,
    // freed only when the external is garbage, which it is not while `value` is in hand.
    Ok(unsafe { &*data.cast::<T>() })
}
