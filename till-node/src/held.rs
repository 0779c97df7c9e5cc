//! Rust values held by JavaScript externals that this package makes, keeps in private fields
//! and hands back to the binding: a verifier's checker, a parsed request, the policy that
//! resolved a grant's roles.
//!
//! Reading an external costs less than unwrapping an object. The functions that take one are
//! meant for the package's own classes, but any JavaScript in the process can reach them and
//! pass any external, one of another type or another addon's: every value held is therefore
//! recorded, by address and type, while its external lives, and an external is read only if
//! its address is recorded with the type asked for. The value is only ever borrowed shared,
//! so a call that re-enters the binding (through `isRevoked`) aliases nothing mutably.
#![allow(
    unsafe_code,
    reason = "making externals and reading the values they own"
)]

use std::any::TypeId;
use std::cell::RefCell;
use std::collections::HashMap;
use std::ffi::c_void;
use std::hash::{BuildHasherDefault, Hasher};
use std::ptr;

use napi::bindgen_prelude::ToNapiValue;
use napi::{JsValue, Unknown, sys};

use crate::error::Failure;

thread_local! {
    /// The address and type of every value an external of this thread owns. Externals are
    /// made and finalized on their environment's thread.
    static LIVE: RefCell<HashMap<usize, TypeId, BuildHasherDefault<AddressHasher>>> =
        RefCell::default();
}

/// Hashes an address: distinct live boxes have distinct addresses, so one multiplication
/// spreads them well enough.
#[derive(Default)]
struct AddressHasher(u64);

impl Hasher for AddressHasher {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0 << 8 | u64::from(b)).wrapping_mul(0x9e37_79b9_7f4a_7c15);
        }
    }

    fn write_usize(&mut self, address: usize) {
        self.0 = (address as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15);
    }
}

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
        LIVE.with(|live| live.borrow_mut().insert(data as usize, TypeId::of::<T>()));
        Ok(external)
    }
}

/// Frees a held value once its external is garbage.
unsafe extern "C" fn release<T>(_env: sys::napi_env, data: *mut c_void, _hint: *mut c_void) {
    // When the thread is ending, its record may be gone before the last finalizers run.
    let _ = LIVE.try_with(|live| live.borrow_mut().remove(&(data as usize)));
    // SAFETY: `data` is the box that `Held::<T>::to_napi_value` gave the external, freed here
    // once.
    drop(unsafe { Box::from_raw(data.cast::<T>()) });
}

/// Borrows the value that `value`, an external, holds: a `TypeError` naming `what` unless a
/// [`Held<T>`] of this thread made it, with the same `T`.
pub(crate) fn borrow<'a, T: 'static>(
    value: Unknown<'a>,
    what: &'static str,
) -> Result<&'a T, Failure> {
    let mut data = ptr::null_mut();
    // SAFETY: Node-API writes the external's data pointer, or fails for any other value.
    let status = unsafe { sys::napi_get_value_external(value.value().env, value.raw(), &mut data) };
    let made_here = |live: &RefCell<HashMap<_, _, _>>| {
        live.borrow().get(&(data as usize)) == Some(&TypeId::of::<T>())
    };
    if status != sys::Status::napi_ok || data.is_null() || !LIVE.with(made_here) {
        return Err(Failure::Type(what));
    }
    // SAFETY: a `Held<T>` made this external, as its recorded address and type say, so
    // `data` is a live `T`, freed only when the external is garbage (and unrecorded then),
    // which it is not while `value` is in hand.
    Ok(unsafe { &*data.cast::<T>() })
}
