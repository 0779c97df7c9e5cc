//! Converting JavaScript values to what `till-core` takes, and back.
//!
//! Every argument arrives as an `Unknown` and is converted here, so that a value of the wrong
//! type is a `TypeError` whose message never echoes the value, whatever secret it may hold.
#![allow(
    unsafe_code,
    reason = "reading JavaScript values after checking their type"
)]

use napi::bindgen_prelude::{FromNapiRef, FromNapiValue, ToNapiValue, TypeName, ValidateNapiValue};
use napi::{Env, JsDate, JsValue, Status, Unknown, ValueType, sys};
use till_core::UnixTime;

use crate::error::Failure;

const TIME_TYPE: &str = "a time is a Date or a number of seconds since the Unix epoch";

/// Reads a time: a `Date`, or seconds since the Unix epoch (rounded down).
pub(crate) fn time(value: Unknown<'_>) -> Result<UnixTime, Failure> {
    // A number is read at once; the value's type is asked only when it is not one.
    let mut seconds = 0.0;
    // SAFETY: `seconds` is where Node-API writes the number.
    let status =
        unsafe { sys::napi_get_value_double(value.value().env, value.raw(), &mut seconds) };
    match status {
        sys::Status::napi_ok => {}
        sys::Status::napi_number_expected if value.is_date()? => {
            // SAFETY: the value is a date.
            let date = unsafe { value.cast::<JsDate<'_>>() }?;
            seconds = date.value_of()? / 1000.0;
        }
        sys::Status::napi_number_expected => return Err(Failure::Type(TIME_TYPE)),
        other => return Err(napi::Error::from_status(Status::from(other)).into()),
    }
    if !seconds.is_finite() {
        return Err(invalid(
            "a time is a valid Date or a finite number of seconds",
        ));
    }
    // Finite, so the conversion only saturates at the ends of the range.
    Ok(UnixTime::from_secs(seconds.floor() as i64))
}

/// Reads an optional time, defaulting to `now`.
pub(crate) fn time_or(value: Option<Unknown<'_>>, now: UnixTime) -> Result<UnixTime, Failure> {
    value.map_or(Ok(now), time)
}

/// Reads a whole number of 0 or more that fits `T`, such as a count of seconds.
pub(crate) fn whole<T: TryFrom<u64>>(value: f64, message: &'static str) -> Result<T, Failure> {
    let whole = value.is_finite() && value >= 0.0 && value.fract() == 0.0;
    if !whole || value >= u64::MAX as f64 {
        return Err(invalid(message));
    }
    T::try_from(value as u64).map_err(|_| invalid(message))
}

/// Reads a plain value, such as a string or an options object, with napi-rs's conversion.
/// Class instances are read with [`instance`] instead, which checks their class.
pub(crate) fn value<T>(value: Unknown<'_>, message: &'static str) -> Result<T, Failure>
where
    T: FromNapiValue + ValidateNapiValue,
{
    let (env, raw) = (value.value().env, value.raw());

    // SAFETY: `validate` checks the value's type, and the conversions of plain values check
    // the type of each part they read.
    let converted = unsafe { T::validate(env, raw).and_then(|_| T::from_napi_value(env, raw)) };
    converted.map_err(|error| match error.status {
        // A getter of an options object threw: that exception goes to the caller.
        Status::PendingException => Failure::Js(error),
        _ => Failure::Type(message),
    })
}

/// Borrows the Rust value behind an instance of the class `T`; any other value is a
/// `TypeError` with `message`.
pub(crate) fn instance<'a, T>(value: Unknown<'a>, message: &'static str) -> Result<&'a T, Failure>
where
    T: FromNapiRef + 'static,
    &'static T: ValidateNapiValue,
{
    let env = value.value().env;

    // SAFETY: `validate` checks that the value is an instance of `T`'s class, so what the
    // object wraps is a `T`.
    unsafe {
        <&T>::validate(env, value.raw()).map_err(|_| Failure::Type(message))?;
        Ok(T::from_napi_ref(env, value.raw())?)
    }
}

/// A time handed to JavaScript as a `Date`.
#[derive(Debug)]
pub struct Date(pub(crate) UnixTime);

impl TypeName for Date {
    fn type_name() -> &'static str {
        "Date"
    }

    fn value_type() -> ValueType {
        ValueType::Object
    }
}

impl ToNapiValue for Date {
    unsafe fn to_napi_value(env: sys::napi_env, date: Self) -> napi::Result<sys::napi_value> {
        // Times in keys are at most 9999-12-31, well within a Date and exact in an f64.
        let millis = date.0.secs() as f64 * 1000.0;
        Ok(Env::from_raw(env).create_date(millis)?.raw())
    }
}

fn invalid(message: &'static str) -> Failure {
    Failure::Till(till_core::Error::InvalidArgument(message))
}
