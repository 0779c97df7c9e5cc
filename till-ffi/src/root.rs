//! Root keys and keyrings.

use std::ffi::c_char;

use till_core::{Keyring, RootKey};

use crate::ffi::{
    Out, TextOut, free_handle, guard, guard_void, handle, into_handle, slice_in, str_in,
};
use crate::status::{status_of, till_status};

/// A root secret. Its text is reached only through `till_root_key_to_text`, and it is wiped
/// from memory when freed. Immutable: safe to share between threads.
#[derive(Debug)]
pub struct till_root_key(pub(crate) RootKey);

/// The root keys a service trusts; the first one mints, all of them verify. Immutable: safe
/// to share between threads.
#[derive(Debug)]
pub struct till_keyring(pub(crate) Keyring);

/// Generates a root key from the system's random source.
///
/// # Safety
///
/// `out_key` must be valid for writing a pointer. On success it receives a root key, to be
/// released with `till_root_key_free`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn till_root_key_generate(out_key: *mut *mut till_root_key) -> till_status {
    guard(|| {
        // SAFETY: the caller's promise.
        let out_key = unsafe { Out::new(out_key) }?;
        let key = RootKey::generate().map_err(|e| status_of(&e))?;
        out_key.set(into_handle(till_root_key(key)));
        Ok(())
    })
}

/// Reads a root key's text form, `tillroot_...`; surrounding whitespace is ignored.
///
/// # Safety
///
/// `text` must point to `text_len` readable bytes (or be NULL when `text_len` is 0), and
/// `out_key` must be valid for writing a pointer. On success `*out_key` receives a root key,
/// to be released with `till_root_key_free`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn till_root_key_from_text(
    text: *const c_char,
    text_len: usize,
    out_key: *mut *mut till_root_key,
) -> till_status {
    guard(|| {
        // SAFETY: the caller's promises.
        let (text, out_key) = unsafe { (str_in(text, text_len)?, Out::new(out_key)?) };
        let key = RootKey::from_text(text).map_err(|e| status_of(&e))?;
        out_key.set(into_handle(till_root_key(key)));
        Ok(())
    })
}

/// Writes the root key's text form, `tillroot_...` (62 characters), followed by a NUL.
/// Treat it like the secret it is.
///
/// # Safety
///
/// `key` must be a live root key. `buf` must be valid for writing `buf_len` bytes (or be NULL
/// when `buf_len` is 0), and `out_len` for writing a `size_t`. Fails with
/// `TILL_BUFFER_TOO_SMALL` when `buf_len` is not more than the text's length, which is then
/// written to `*out_len`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn till_root_key_to_text(
    key: *const till_root_key,
    buf: *mut c_char,
    buf_len: usize,
    out_len: *mut usize,
) -> till_status {
    guard(|| {
        // SAFETY: the caller's promises.
        let (key, out) = unsafe { (handle(key)?, TextOut::new(buf, buf_len, out_len)?) };
        out.write(key.0.to_text().as_bytes())
    })
}

/// Writes the root key's id, four lowercase hexadecimal digits such as `0a1f`, followed by a
/// NUL.
///
/// # Safety
///
/// As for `till_root_key_to_text`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn till_root_key_id(
    key: *const till_root_key,
    buf: *mut c_char,
    buf_len: usize,
    out_len: *mut usize,
) -> till_status {
    guard(|| {
        // SAFETY: the caller's promises.
        let (key, out) = unsafe { (handle(key)?, TextOut::new(buf, buf_len, out_len)?) };
        out.write(key.0.id().to_string().as_bytes())
    })
}

/// Releases a root key and wipes its secret. NULL is ignored.
///
/// # Safety
///
/// `key` must be NULL or a root key not yet freed; it must not be used afterwards.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn till_root_key_free(key: *mut till_root_key) {
    // SAFETY: the caller's promise.
    guard_void(|| unsafe { free_handle(key) });
}

/// Builds a keyring of `keys_len` root keys, in order: the first mints, all verify. The
/// keyring holds copies of the keys; the root key handles stay the caller's to free. Fails
/// with `TILL_INVALID_ARGUMENT` for an empty list and `TILL_DUPLICATE_ROOT_KEY` when two keys
/// share an id.
///
/// # Safety
///
/// `keys` must point to `keys_len` pointers (or be NULL when `keys_len` is 0), each a live
/// root key; `out_keyring` must be valid for writing a pointer. On success it receives a
/// keyring, to be released with `till_keyring_free`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn till_keyring_new(
    keys: *const *const till_root_key,
    keys_len: usize,
    out_keyring: *mut *mut till_keyring,
) -> till_status {
    guard(|| {
        // SAFETY: the caller's promises.
        let (keys, out) = unsafe { (slice_in(keys, keys_len)?, Out::new(out_keyring)?) };
        let mut copies = Vec::with_capacity(keys.len());
        for &key in keys {
            // SAFETY: each pointer is a live root key, as the caller promises.
            let key = unsafe { handle(key) }?;
            copies.push(copy_root_key(&key.0).map_err(|e| status_of(&e))?);
        }
        let keyring = Keyring::new(copies).map_err(|e| status_of(&e))?;
        out.set(into_handle(till_keyring(keyring)));
        Ok(())
    })
}

/// Releases a keyring. Issuers and verifiers built from it keep what they need. NULL is
/// ignored.
///
/// # Safety
///
/// `keyring` must be NULL or a keyring not yet freed; it must not be used afterwards.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn till_keyring_free(keyring: *mut till_keyring) {
    // SAFETY: the caller's promise.
    guard_void(|| unsafe { free_handle(keyring) });
}

/// A second `RootKey` with the same id and secret. The core does not clone root keys, so the
/// copy goes through the text form, which is wiped on drop.
pub(crate) fn copy_root_key(key: &RootKey) -> Result<RootKey, till_core::Error> {
    RootKey::from_text(&key.to_text())
}
