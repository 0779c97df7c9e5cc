//! Verified grants, handed to JavaScript as records that live in JavaScript's memory.
//!
//! `verify` hands JavaScript the grant's record ([`till_core::Grant::record`]) as a string of
//! Latin-1 characters, one per byte, instead of an object with every field filled in: most
//! callers read one or two fields, and working out the effective scopes costs as much as
//! verifying. The package's `Grant` class passes the record back here for each field when it
//! is first read. Nothing stays on the Rust side, so a grant needs no finalizer: it is
//! collected like any short-lived object.
//!
//! A record carries no policy. A key that names roles has its scopes worked out at verify,
//! with the policy then in force, and they come with the record.
#![allow(
    unsafe_code,
    reason = "converting a grant to JavaScript values, and reading a record after checking its type"
)]

use napi::bindgen_prelude::ToNapiValue;
use napi::{Env, JsString, JsValue, Unknown, ValueType, sys};
use napi_derive::napi;
use till_core::Grant;

use crate::convert::Date;
use crate::error::{Failure, catch};

/// What `verify` returns to the package's `Grant` class: the record, or for a key that names
/// roles, an array of the record and the scopes.
#[derive(Debug)]
pub struct Made(pub(crate) Grant);

impl ToNapiValue for Made {
    unsafe fn to_napi_value(env: sys::napi_env, made: Self) -> napi::Result<sys::napi_value> {
        let env = Env::from_raw(env);
        let record = env.create_string_latin1(made.0.record())?;
        if made.0.roles().next().is_none() {
            return Ok(record.raw());
        }
        // SAFETY: `env` is the environment this call runs in; a pair becomes an array.
        unsafe { ToNapiValue::to_napi_value(env.raw(), (record, scope_names(&made.0))) }
    }
}

fn scope_names(grant: &Grant) -> Vec<String> {
    let scopes = grant.scopes();
    scopes
        .iter()
        .map(|scope| scope.as_str().to_owned())
        .collect()
}

/// Reads one field of the grant whose record `record` is, for the `Grant` class.
fn field<T>(env: &Env, record: Unknown<'_>, read: impl FnOnce(&Grant) -> T) -> napi::Result<T> {
    catch(env, || {
        if record.get_type()? != ValueType::String {
            return Err(Failure::Type(RECORD));
        }
        // SAFETY: the value is a string.
        let text = unsafe { record.cast::<JsString<'_>>() }?.into_latin1()?;
        let grant = Grant::from_unverified_record(text.as_slice()).ok_or(Failure::Type(RECORD))?;
        Ok(read(&grant))
    })
}

/// The key's id.
#[napi(skip_typescript)]
pub fn grant_key_id(env: Env, record: Unknown<'_>) -> napi::Result<String> {
    field(&env, record, |grant| grant.key_id().to_string())
}

/// The id of the root key that minted the key.
#[napi(skip_typescript)]
pub fn grant_root_key_id(env: Env, record: Unknown<'_>) -> napi::Result<String> {
    field(&env, record, |grant| grant.root_key_id().to_string())
}

/// The application prefix.
#[napi(skip_typescript)]
pub fn grant_prefix(env: Env, record: Unknown<'_>) -> napi::Result<String> {
    field(&env, record, |grant| grant.prefix().to_string())
}

/// The environment.
#[napi(skip_typescript)]
pub fn grant_env(env: Env, record: Unknown<'_>) -> napi::Result<String> {
    field(&env, record, |grant| grant.env().to_string())
}

/// The subject, or `null`.
#[napi(skip_typescript)]
pub fn grant_subject(env: Env, record: Unknown<'_>) -> napi::Result<Option<String>> {
    field(&env, record, |grant| grant.subject().map(str::to_owned))
}

/// The audience, or `null`.
#[napi(skip_typescript)]
pub fn grant_audience(env: Env, record: Unknown<'_>) -> napi::Result<Option<String>> {
    field(&env, record, |grant| grant.audience().map(str::to_owned))
}

/// The effective scopes of a key that names no roles.
#[napi(skip_typescript)]
pub fn grant_scopes(env: Env, record: Unknown<'_>) -> napi::Result<Vec<String>> {
    field(&env, record, scope_names)
}

/// The roles the key names.
#[napi(skip_typescript)]
pub fn grant_roles(env: Env, record: Unknown<'_>) -> napi::Result<Vec<String>> {
    field(&env, record, |grant| {
        grant.roles().map(str::to_owned).collect()
    })
}

/// When the key was minted.
#[napi(skip_typescript)]
pub fn grant_issued_at(env: Env, record: Unknown<'_>) -> napi::Result<Date> {
    field(&env, record, |grant| Date(grant.issued_at()))
}

/// When the key stops being valid, or `null`.
#[napi(skip_typescript)]
pub fn grant_expires_at(env: Env, record: Unknown<'_>) -> napi::Result<Option<Date>> {
    field(&env, record, |grant| grant.expires_at().map(Date))
}

/// When the key starts being valid, or `null`.
#[napi(skip_typescript)]
pub fn grant_not_before(env: Env, record: Unknown<'_>) -> napi::Result<Option<Date>> {
    field(&env, record, |grant| grant.not_before().map(Date))
}

/// The delegation chain, oldest block first.
#[napi(skip_typescript)]
pub fn grant_chain(env: Env, record: Unknown<'_>) -> napi::Result<Vec<Link>> {
    field(&env, record, |grant| {
        let link = |link: till_core::Link<'_>| Link {
            id: link.id.to_string(),
            label: link.label.map(str::to_owned),
        };
        grant.chain().map(link).collect()
    })
}

/// One attenuation block of a key's delegation chain.
#[derive(Debug)]
#[napi(object, object_from_js = false, use_nullable = true)]
pub struct Link {
    /// The block's id, which `isRevoked` receives.
    pub id: String,
    /// Whom the block delegates to, if it says.
    pub label: Option<String>,
}

const RECORD: &str = "a Grant is made only by Verifier#verify and Verifier#authenticate";
