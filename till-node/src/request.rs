//! What `verify` asks of a key: a scope string, a `ScopeRequest` object, or a `Request`
//! built once from either, whose parsed request the package hands over on its own.
#![allow(
    unsafe_code,
    reason = "reading a short string into a buffer on the stack"
)]

use std::borrow::Cow;

use napi::{Env, JsValue, Unknown, ValueType, sys};
use napi_derive::napi;

use crate::convert;
use crate::error::{Failure, catch};
use crate::held::Held;

/// What to ask of a key: exactly one of `scope`, `allOf` and `anyOf`.
#[derive(Debug)]
#[napi(object, object_to_js = false)]
pub struct ScopeRequest {
    /// One scope, such as `"repo/acme/api:read"`.
    pub scope: Option<String>,
    /// Scopes that must all be granted.
    pub all_of: Option<Vec<String>>,
    /// Scopes of which one suffices.
    pub any_of: Option<Vec<String>>,
}

/// A request checked and parsed once, to pass to `verify` on every call: a handler that
/// asks for the same scopes each time spares `verify` reading and parsing them again.
#[derive(Debug)]
#[napi]
pub struct Request {
    inner: till_core::Request,
}

#[napi]
impl Request {
    /// A request for one scope (a string), or for what a `ScopeRequest` or `Request` names.
    #[napi(constructor, ts_args_type = "request: string | Request | ScopeRequest")]
    pub fn new(env: Env, request: Unknown<'_>) -> napi::Result<Self> {
        catch(&env, || {
            let inner = read(request, None)?.into_owned();
            Ok(Self { inner })
        })
    }

    /// The scopes asked for, in the order given.
    #[napi(getter)]
    pub fn scopes(&self) -> Vec<String> {
        let scopes = self.inner.scopes().iter();
        scopes.map(|scope| scope.as_str().to_owned()).collect()
    }

    /// Whether any one of the scopes suffices (`anyOf`), rather than all of them.
    #[napi(getter)]
    pub fn any_of(&self) -> bool {
        self.inner.is_any_of()
    }

    /// The parsed request, for the package's `Request` class to hand `verify` in an
    /// external, which the binding reads more cheaply than it proves an object's class.
    #[napi(skip_typescript)]
    pub fn prepared(&self) -> Held<till_core::Request> {
        Held(self.inner.clone())
    }
}

/// Reads a request: a scope string, a `Request`, or a `ScopeRequest` object. A scope given
/// as a string is parsed through `verifier`, which remembers the last few, when one is given.
pub(crate) fn read<'a>(
    value: Unknown<'a>,
    verifier: Option<&till_core::Verifier>,
) -> Result<Cow<'a, till_core::Request>, Failure> {
    let mut room = Room::new();
    if let Some(text) = scope(value, &mut room)? {
        return Ok(Cow::Owned(one(&text, verifier)?));
    }
    read_object(value, verifier)
}

/// [`read`] of a value that is not a string.
pub(crate) fn read_object<'a>(
    value: Unknown<'a>,
    verifier: Option<&till_core::Verifier>,
) -> Result<Cow<'a, till_core::Request>, Failure> {
    match value.get_type()? {
        ValueType::Object => {
            if let Ok(request) = convert::instance::<Request>(value, REQUEST) {
                return Ok(Cow::Borrowed(&request.inner));
            }
            let request = convert::value::<ScopeRequest>(value, REQUEST)?;
            Ok(Cow::Owned(request.into_core(verifier)?))
        }
        _ => Err(Failure::Type(REQUEST)),
    }
}

/// Stack room for a scope's UTF-8 and the NUL that Node-API writes after it.
const ROOM: usize = 256;

/// Where a scope string is read to.
pub(crate) struct Room([u8; ROOM]);

impl Room {
    pub(crate) fn new() -> Self {
        Self([0; ROOM])
    }
}

/// Reads a scope string, into `room` when it is short and onto the heap otherwise; `None`
/// when the value is not a string. A scope string is the usual request: it is read at once,
/// and the value's type is asked only when it is not a string.
pub(crate) fn scope<'r>(
    value: Unknown<'_>,
    room: &'r mut Room,
) -> Result<Option<Cow<'r, str>>, Failure> {
    let room = &mut room.0;
    let mut used = 0;
    // SAFETY: the pointer and length describe `room`, which Node-API fills with as much of
    // the string as fits, and a NUL.
    let status = unsafe {
        sys::napi_get_value_string_utf8(
            value.value().env,
            value.raw(),
            room.as_mut_ptr().cast(),
            ROOM,
            &mut used,
        )
    };
    match status {
        sys::Status::napi_ok => {}
        sys::Status::napi_string_expected => return Ok(None),
        other => return Err(napi::Error::from_status(napi::Status::from(other)).into()),
    }
    // A string that came near filling the room may have been cut short (before a character
    // of up to 4 bytes): read it whole instead.
    if used + 4 < ROOM {
        let text = std::str::from_utf8(&room[..used]).map_err(|_| Failure::Type(REQUEST))?;
        return Ok(Some(Cow::Borrowed(text)));
    }
    let text = convert::value::<String>(value, REQUEST)?;
    Ok(Some(Cow::Owned(text)))
}

/// A request for one scope, through `verifier` when there is one.
pub(crate) fn one(
    scope: &str,
    verifier: Option<&till_core::Verifier>,
) -> Result<till_core::Request, till_core::Error> {
    match verifier {
        Some(verifier) => verifier.request_for(scope),
        None => till_core::Request::scope(scope),
    }
}

impl ScopeRequest {
    fn into_core(
        self,
        verifier: Option<&till_core::Verifier>,
    ) -> Result<till_core::Request, Failure> {
        let request = match (self.scope, self.all_of, self.any_of) {
            (Some(scope), None, None) => one(&scope, verifier)?,
            (None, Some(scopes), None) => till_core::Request::all_of(scopes)?,
            (None, None, Some(scopes)) => till_core::Request::any_of(scopes)?,
            _ => return Err(till_core::Error::InvalidArgument(ONE_REQUEST).into()),
        };
        Ok(request)
    }
}

const REQUEST: &str = "a request is a scope string, a Request, { scope }, { allOf } or { anyOf }";
const ONE_REQUEST: &str = "a request names exactly one of scope, allOf and anyOf";
