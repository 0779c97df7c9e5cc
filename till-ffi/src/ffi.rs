//! The rules every exported function follows: panics are caught, pointers are checked before
//! use, text comes in as pointer and length, and results leave only through out-parameters
//! that are written only on success.

use std::ffi::c_char;
use std::panic::{self, AssertUnwindSafe};
use std::ptr::NonNull;

use crate::status::{
    TILL_BUFFER_TOO_SMALL, TILL_INTERNAL_PANIC, TILL_INVALID_ARGUMENT, TILL_INVALID_UTF8,
    TILL_NULL_ARGUMENT, TILL_OK, till_status,
};

/// A borrowed text: `len` bytes at `data`, with no terminating NUL required. An embedded NUL
/// is an ordinary byte. `data` may be NULL only when `len` is 0 (the empty text).
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct till_str {
    /// The first byte, or NULL for the empty text.
    pub data: *const c_char,
    /// The number of bytes.
    pub len: usize,
}

/// Runs `body`, turning a panic into `TILL_INTERNAL_PANIC` so that no unwinding crosses into C.
pub(crate) fn guard(body: impl FnOnce() -> Result<(), till_status>) -> till_status {
    match panic::catch_unwind(AssertUnwindSafe(body)) {
        Ok(Ok(())) => TILL_OK,
        Ok(Err(status)) => status,
        Err(_) => TILL_INTERNAL_PANIC,
    }
}

/// Runs `body` for a function that cannot report failure, such as a `_free`.
pub(crate) fn guard_void(body: impl FnOnce()) {
    // Nothing can be reported; what matters is that the panic stops here.
    let _ = panic::catch_unwind(AssertUnwindSafe(body));
}

/// The bytes at `data`.
///
/// # Safety
///
/// Unless NULL, `data` must point to `len` readable bytes that stay unchanged for `'a`.
pub(crate) unsafe fn bytes_in<'a>(
    data: *const c_char,
    len: usize,
) -> Result<&'a [u8], till_status> {
    if data.is_null() {
        return if len == 0 {
            Ok(&[])
        } else {
            Err(TILL_NULL_ARGUMENT)
        };
    }
    if isize::try_from(len).is_err() {
        return Err(TILL_INVALID_ARGUMENT);
    }
    // SAFETY: the caller promises `len` readable bytes; the length fits in an isize.
    Ok(unsafe { std::slice::from_raw_parts(data.cast::<u8>(), len) })
}

/// The UTF-8 text at `data`.
///
/// # Safety
///
/// As for [`bytes_in`].
pub(crate) unsafe fn str_in<'a>(data: *const c_char, len: usize) -> Result<&'a str, till_status> {
    // SAFETY: passed on from the caller.
    let bytes = unsafe { bytes_in(data, len) }?;
    std::str::from_utf8(bytes).map_err(|_| TILL_INVALID_UTF8)
}

/// The texts of an array of `till_str`.
///
/// # Safety
///
/// Unless NULL, `items` must point to `len` `till_str` values, each valid as for [`bytes_in`].
pub(crate) unsafe fn strs_in<'a>(
    items: *const till_str,
    len: usize,
) -> Result<Vec<&'a str>, till_status> {
    // SAFETY: passed on from the caller.
    let items = unsafe { slice_in(items, len) }?;
    items
        .iter()
        // SAFETY: each item is valid, as the caller promises.
        .map(|item| unsafe { str_in(item.data, item.len) })
        .collect()
}

/// The `len` values at `items`; NULL with a length of 0 is the empty array.
///
/// # Safety
///
/// Unless NULL, `items` must point to `len` initialised values of `T`.
pub(crate) unsafe fn slice_in<'a, T>(items: *const T, len: usize) -> Result<&'a [T], till_status> {
    if items.is_null() {
        return if len == 0 {
            Ok(&[])
        } else {
            Err(TILL_NULL_ARGUMENT)
        };
    }
    if !items.is_aligned()
        || len
            .checked_mul(size_of::<T>())
            .is_none_or(|n| n > isize::MAX as usize)
    {
        return Err(TILL_INVALID_ARGUMENT);
    }
    // SAFETY: non-NULL, aligned, within isize, and the caller promises `len` values.
    Ok(unsafe { std::slice::from_raw_parts(items, len) })
}

/// The value behind a handle.
///
/// # Safety
///
/// Unless NULL, `handle` must have come from Till and not been freed.
pub(crate) unsafe fn handle<'a, T>(handle: *const T) -> Result<&'a T, till_status> {
    if !handle.is_aligned() {
        return Err(TILL_INVALID_ARGUMENT);
    }
    // SAFETY: aligned, and live if non-NULL, as the caller promises.
    unsafe { handle.as_ref() }.ok_or(TILL_NULL_ARGUMENT)
}

/// The value behind a handle that the call may change.
///
/// # Safety
///
/// As for [`handle`], and no other reference to it may be in use during the call.
pub(crate) unsafe fn handle_mut<'a, T>(handle: *mut T) -> Result<&'a mut T, till_status> {
    if !handle.is_aligned() {
        return Err(TILL_INVALID_ARGUMENT);
    }
    // SAFETY: aligned, live if non-NULL and unshared, as the caller promises.
    unsafe { handle.as_mut() }.ok_or(TILL_NULL_ARGUMENT)
}

/// Gives a value to C as a handle, to be released by the matching `_free`.
pub(crate) fn into_handle<T>(value: T) -> *mut T {
    Box::into_raw(Box::new(value))
}

/// Releases a handle made by [`into_handle`]. NULL is ignored.
///
/// # Safety
///
/// Unless NULL, `handle` must have come from [`into_handle`] for this `T` and not been freed.
pub(crate) unsafe fn free_handle<T>(handle: *mut T) {
    if !handle.is_null() {
        // SAFETY: the caller promises a live handle made by `Box::into_raw`.
        drop(unsafe { Box::from_raw(handle) });
    }
}

/// An out-parameter, checked up front and written only when the call succeeds.
#[derive(Debug)]
pub(crate) struct Out<T>(NonNull<T>);

impl<T> Out<T> {
    /// Checks `ptr`.
    ///
    /// # Safety
    ///
    /// Unless NULL, `ptr` must be valid for writing a `T` for the rest of the call.
    pub(crate) unsafe fn new(ptr: *mut T) -> Result<Self, till_status> {
        let ptr = NonNull::new(ptr).ok_or(TILL_NULL_ARGUMENT)?;
        if !ptr.is_aligned() {
            return Err(TILL_INVALID_ARGUMENT);
        }
        Ok(Self(ptr))
    }

    /// Writes `value`, without reading or dropping what was there.
    pub(crate) fn set(self, value: T) {
        // SAFETY: checked in `new`, whose caller promised a writable location.
        unsafe { self.0.as_ptr().write(value) }
    }
}

/// An out-parameter the caller may leave NULL.
///
/// # Safety
///
/// Unless NULL, `ptr` must be valid for writing a `T` for the rest of the call.
pub(crate) unsafe fn optional_out<T>(ptr: *mut T) -> Result<Option<Out<T>>, till_status> {
    if ptr.is_null() {
        return Ok(None);
    }
    // SAFETY: passed on from the caller.
    unsafe { Out::new(ptr) }.map(Some)
}

/// Where a text result goes: a caller's buffer of `cap` bytes and its length out-parameter.
///
/// The text is written followed by a NUL, and its length (without the NUL) to the length
/// out-parameter. A buffer shorter than the text plus the NUL receives nothing; the call
/// fails with `TILL_BUFFER_TOO_SMALL` and still writes the length, so that a first call with
/// a NULL buffer and a capacity of 0 asks for the size.
#[derive(Debug)]
pub(crate) struct TextOut {
    buf: *mut c_char,
    cap: usize,
    len: Out<usize>,
}

impl TextOut {
    /// Checks the buffer and the length out-parameter.
    ///
    /// # Safety
    ///
    /// Unless NULL, `buf` must be valid for writing `cap` bytes, and `len` for writing a
    /// `size_t`, for the rest of the call.
    pub(crate) unsafe fn new(
        buf: *mut c_char,
        cap: usize,
        len: *mut usize,
    ) -> Result<Self, till_status> {
        // SAFETY: passed on from the caller.
        let len = unsafe { Out::new(len) }?;
        if buf.is_null() && cap != 0 {
            return Err(TILL_NULL_ARGUMENT);
        }
        if isize::try_from(cap).is_err() {
            return Err(TILL_INVALID_ARGUMENT);
        }
        Ok(Self { buf, cap, len })
    }

    /// Writes `text`, or reports the size it needs.
    pub(crate) fn write(self, text: &[u8]) -> Result<(), till_status> {
        if text.len() >= self.cap {
            self.len.set(text.len());
            return Err(TILL_BUFFER_TOO_SMALL);
        }
        // SAFETY: `buf` is non-NULL (cap > 0) and holds `cap` > `text.len()` bytes; the text
        // belongs to Till, so the two cannot overlap.
        unsafe {
            std::ptr::copy_nonoverlapping(text.as_ptr(), self.buf.cast::<u8>(), text.len());
            self.buf.add(text.len()).write(0);
        }
        self.len.set(text.len());
        Ok(())
    }

    /// Writes a text that may be absent: an absent text needs no room, writes a length of 0
    /// and an empty string if the buffer has room for its NUL, and sets `present` to false.
    pub(crate) fn write_optional(
        self,
        text: Option<&[u8]>,
        present: Out<bool>,
    ) -> Result<(), till_status> {
        match text {
            Some(text) => self.write(text)?,
            None => {
                if self.cap > 0 {
                    // SAFETY: non-NULL with room for at least one byte.
                    unsafe { self.buf.write(0) };
                }
                self.len.set(0);
            }
        }
        present.set(text.is_some());
        Ok(())
    }
}
