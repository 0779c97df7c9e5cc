//! Reading a key from JavaScript: a string, a `Buffer` or a `Uint8Array`.
#![allow(
    unsafe_code,
    reason = "copying a string's UTF-8 into a buffer on the stack"
)]

use std::borrow::Cow;

use napi::bindgen_prelude::Uint8ArraySlice;
use napi::{JsString, JsStringUtf8, JsValue, Unknown, ValueType, sys};
use zeroize::Zeroize;

use crate::error::Failure;

const KEY_TYPE: &str = "a key is a string, a Buffer or a Uint8Array";

/// Stack room for a key string's UTF-8 and the NUL that Node-API writes after it. Few keys
/// are longer; those go to the heap. Wiped when dropped: the text is a secret.
pub(crate) struct Room {
    bytes: [u8; 513],
    used: usize,
}

impl Room {
    pub(crate) fn new() -> Self {
        Self {
            bytes: [0; 513],
            used: 0,
        }
    }
}

impl Drop for Room {
    fn drop(&mut self) {
        self.bytes[..self.used].zeroize();
    }
}

/// The bytes of a key as JavaScript handed it over.
pub(crate) enum Key<'a> {
    /// A string's UTF-8, copied into a [`Room`].
    Copied(&'a [u8]),
    /// A string too long for the room: its UTF-8 on the heap.
    Long(JsStringUtf8<'a>),
    /// The bytes of a `Buffer` or `Uint8Array`, borrowed.
    Bytes(Uint8ArraySlice<'a>),
}

impl Key<'_> {
    pub(crate) fn as_bytes(&self) -> &[u8] {
        match self {
            Self::Copied(bytes) => bytes,
            Self::Long(text) => text.as_slice(),
            Self::Bytes(bytes) => bytes,
        }
    }

    /// The text for functions of till-core that take `&str`. Bytes that are not UTF-8 are
    /// decoded as `Buffer#toString` decodes them, so both forms of one input agree.
    pub(crate) fn to_text(&self) -> Cow<'_, str> {
        String::from_utf8_lossy(self.as_bytes())
    }
}

/// Reads a key, copying a string into `room` rather than onto the heap.
pub(crate) fn read<'a>(value: Unknown<'a>, room: &'a mut Room) -> Result<Key<'a>, Failure> {
    // A string is the usual key: it is read at once, and the value's type is asked only when
    // Node-API answers that it is not a string.
    // SAFETY: the pointer and length describe `room.bytes`, which Node-API fills with as much
    // of the string as fits, and a NUL.
    let status = unsafe {
        sys::napi_get_value_string_utf8(
            value.value().env,
            value.raw(),
            room.bytes.as_mut_ptr().cast(),
            room.bytes.len(),
            &mut room.used,
        )
    };
    match status {
        sys::Status::napi_ok => {
            // A string that came near filling the room may have been cut short (before a
            // character of up to 4 bytes): read it whole instead. Measuring every string
            // first would walk it twice.
            if room.used + 4 >= room.bytes.len() {
                // SAFETY: the value is a string.
                let text = unsafe { value.cast::<JsString<'_>>() }?;
                return Ok(Key::Long(text.into_utf8()?));
            }
            Ok(Key::Copied(&room.bytes[..room.used]))
        }
        sys::Status::napi_string_expected => match value.get_type()? {
            ValueType::Object if value.is_typedarray()? => {
                // SAFETY: the value is a typed array; the conversion checks that it holds
                // bytes.
                let bytes = unsafe { value.cast::<Uint8ArraySlice<'_>>() };
                bytes.map(Key::Bytes).map_err(|_| Failure::Type(KEY_TYPE))
            }
            _ => Err(Failure::Type(KEY_TYPE)),
        },
        other => Err(napi::Error::from_status(napi::Status::from(other)).into()),
    }
}
