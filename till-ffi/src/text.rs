//! Decoding a key without verifying it, finding and masking keys in free text, and the
//! strings Till allocates for the caller.

use std::ffi::{CString, c_char};

use till_core::{Found, FoundKind};

use crate::ffi::{
    Out, TextOut, bytes_in, free_handle, guard, guard_void, handle, into_handle, str_in,
};
use crate::status::{TILL_INTERNAL, TILL_INVALID_ARGUMENT, status_of, till_status};

/// What kind of secret `till_found_keys_kind` reports.
pub type till_found_kind = u32;

/// An API key, such as `till_live_...`.
pub const TILL_FOUND_API_KEY: till_found_kind = 1;
/// A root key, `tillroot_...`.
pub const TILL_FOUND_ROOT_KEY: till_found_kind = 2;

/// The keys found in a text, in order. Holds their positions and ids, not their text.
#[derive(Debug)]
pub struct till_found_keys(Vec<Found>);

/// Hands a string to C, NUL-terminated, to be released with `till_string_free`.
pub(crate) fn owned_string(
    text: Result<String, serde_json::Error>,
    out: Out<*mut c_char>,
    out_len: Out<usize>,
) -> Result<(), till_status> {
    // Serialising Till's own types fails only on a bug, and JSON escapes every NUL.
    let text = text.map_err(|_| TILL_INTERNAL)?;
    let len = text.len();
    let text = CString::new(text).map_err(|_| TILL_INTERNAL)?;
    out.set(text.into_raw());
    out_len.set(len);
    Ok(())
}

/// Decodes `key` without verifying it, for debugging: writes what the key says about
/// itself as a JSON object into a string Till allocates. **Nothing in it is verified**:
/// anyone can write a key that says anything. Checks the text, checksum and format, not the
/// tag. `*out_json` receives the NUL-terminated JSON and `*out_len` its length; release it
/// with `till_string_free`.
///
/// # Safety
///
/// `key` must point to `key_len` readable bytes (or be NULL when `key_len` is 0);
/// `out_json` must be valid for writing a pointer and `out_len` for writing a `size_t`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn till_inspect_json(
    key: *const c_char,
    key_len: usize,
    out_json: *mut *mut c_char,
    out_len: *mut usize,
) -> till_status {
    guard(|| {
        // SAFETY: the caller's promises.
        let (key, out_json, out_len) = unsafe {
            (
                bytes_in(key, key_len)?,
                Out::new(out_json)?,
                Out::new(out_len)?,
            )
        };
        let unverified = till_core::inspect(key).map_err(|e| status_of(&e))?;
        owned_string(serde_json::to_string(&unverified), out_json, out_len)
    })
}

/// Releases a string that Till allocated. NULL is ignored.
///
/// # Safety
///
/// `text` must be NULL or a string from Till not yet freed; it must not be used afterwards.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn till_string_free(text: *mut c_char) {
    guard_void(|| {
        if !text.is_null() {
            // SAFETY: the caller promises a string from `CString::into_raw`, not yet freed.
            drop(unsafe { CString::from_raw(text) });
        }
    });
}

/// Finds every Till API key and root key in `text` (UTF-8), by their grammar and checksum;
/// no secret is needed.
///
/// # Safety
///
/// `text` must point to `text_len` readable bytes (or be NULL when `text_len` is 0);
/// `out_found` must be valid for writing a pointer. On success it receives the keys found,
/// to be released with `till_found_keys_free`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn till_find_keys(
    text: *const c_char,
    text_len: usize,
    out_found: *mut *mut till_found_keys,
) -> till_status {
    guard(|| {
        // SAFETY: the caller's promises.
        let (text, out) = unsafe { (str_in(text, text_len)?, Out::new(out_found)?) };
        out.set(into_handle(till_found_keys(till_core::find_keys(text))));
        Ok(())
    })
}

/// Writes how many keys were found.
///
/// # Safety
///
/// `found` must be live; `out_count` must be valid for writing a `size_t`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn till_found_keys_len(
    found: *const till_found_keys,
    out_count: *mut usize,
) -> till_status {
    guard(|| {
        // SAFETY: the caller's promises.
        let (found, out) = unsafe { (handle(found)?, Out::new(out_count)?) };
        out.set(found.0.len());
        Ok(())
    })
}

/// The key at `index`, or `TILL_INVALID_ARGUMENT` past the end.
fn nth(found: &till_found_keys, index: usize) -> Result<&Found, till_status> {
    found.0.get(index).ok_or(TILL_INVALID_ARGUMENT)
}

/// Writes the kind of the key at `index`: `TILL_FOUND_API_KEY` or `TILL_FOUND_ROOT_KEY`.
///
/// # Safety
///
/// `found` must be live; `out_kind` must be valid for writing a `till_found_kind`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn till_found_keys_kind(
    found: *const till_found_keys,
    index: usize,
    out_kind: *mut till_found_kind,
) -> till_status {
    guard(|| {
        // SAFETY: the caller's promises.
        let (found, out) = unsafe { (handle(found)?, Out::new(out_kind)?) };
        let kind = match nth(found, index)?.kind {
            FoundKind::ApiKey => TILL_FOUND_API_KEY,
            FoundKind::RootKey => TILL_FOUND_ROOT_KEY,
            // A kind this interface does not know yet.
            _ => return Err(TILL_INTERNAL),
        };
        out.set(kind);
        Ok(())
    })
}

/// Writes where the key at `index` lies in the text: bytes `*out_start` up to (not
/// including) `*out_end`.
///
/// # Safety
///
/// `found` must be live; `out_start` and `out_end` must be valid for writing a `size_t`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn till_found_keys_range(
    found: *const till_found_keys,
    index: usize,
    out_start: *mut usize,
    out_end: *mut usize,
) -> till_status {
    guard(|| {
        // SAFETY: the caller's promises.
        let (found, start, end) =
            unsafe { (handle(found)?, Out::new(out_start)?, Out::new(out_end)?) };
        let range = &nth(found, index)?.range;
        start.set(range.start);
        end.set(range.end);
        Ok(())
    })
}

/// Writes the id of the key at `index`: the key id of an API key, the root key id of a root
/// key.
///
/// # Safety
///
/// `found` must be live. `buf` must be valid for writing `buf_len` bytes (or be NULL when
/// `buf_len` is 0), and `out_len` for writing a `size_t`. Fails with `TILL_BUFFER_TOO_SMALL`
/// when `buf_len` is not more than the text's length, which is then written to `*out_len`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn till_found_keys_id(
    found: *const till_found_keys,
    index: usize,
    buf: *mut c_char,
    buf_len: usize,
    out_len: *mut usize,
) -> till_status {
    guard(|| {
        // SAFETY: the caller's promises.
        let (found, out) = unsafe { (handle(found)?, TextOut::new(buf, buf_len, out_len)?) };
        out.write(nth(found, index)?.id.as_bytes())
    })
}

/// Releases the keys found. NULL is ignored.
///
/// # Safety
///
/// `found` must be NULL or not yet freed; it must not be used afterwards.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn till_found_keys_free(found: *mut till_found_keys) {
    // SAFETY: the caller's promise.
    guard_void(|| unsafe { free_handle(found) });
}

/// Writes `text` (UTF-8) with every key replaced by its redacted form, such as
/// `till_live_[redacted:AbCdEfGhIjKlMnOp]`, followed by a NUL. Embedded NULs are copied
/// like any other byte, so `*out_len` is the length to trust.
///
/// # Safety
///
/// `text` must point to `text_len` readable bytes (or be NULL when `text_len` is 0). `buf`
/// must be valid for writing `buf_len` bytes (or be NULL when `buf_len` is 0), and
/// `out_len` for writing a `size_t`. Fails with `TILL_BUFFER_TOO_SMALL` when `buf_len` is
/// not more than the result's length, which is then written to `*out_len`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn till_redact(
    text: *const c_char,
    text_len: usize,
    buf: *mut c_char,
    buf_len: usize,
    out_len: *mut usize,
) -> till_status {
    guard(|| {
        // SAFETY: the caller's promises.
        let (text, out) = unsafe {
            (
                str_in(text, text_len)?,
                TextOut::new(buf, buf_len, out_len)?,
            )
        };
        out.write(till_core::redact(text).as_bytes())
    })
}
