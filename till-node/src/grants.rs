//! Verified grants, handed to JavaScript as records that live in JavaScript's memory.
//!
//! `verify` hands JavaScript the grant's record ([`till_core::Grant::record`]) as a string of
//! Latin-1 characters, one per byte, instead of an object with every field filled in: most
//! callers read one or two fields, and working out the effective scopes costs as much as
//! verifying. The package's `Grant` class passes the record back here for each field when it
//! is first read ([`till_core::GrantRecord`]). Nothing of the grant stays on the Rust side,
//! so most grants need no finalizer: they are collected like any short-lived object.
//!
//! A key that names roles, verified with a policy, comes with that policy as it stood, in an
//! external ([`Held`]) whose finalizer releases the policy: its effective scopes are worked
//! out with it when they are read.
#![allow(
    unsafe_code,
    reason = "converting a grant to JavaScript values, and reading a record after checking its type"
)]

use std::sync::Arc;

use napi::bindgen_prelude::ToNapiValue;
use napi::{Env, JsString, JsValue, Unknown, ValueType, sys};
use napi_derive::napi;
use till_core::{Grant, GrantRecord, Policy};

use crate::convert::Date;
use crate::error::{Failure, catch};
use crate::held::{self, Held};

/// What `verify` returns to the package's `Grant` class: the record, or for a key whose roles
/// a policy resolved, an array of the record and that policy.
#[derive(Debug)]
pub struct Made(pub(crate) Grant);

impl ToNapiValue for Made {
    unsafe fn to_napi_value(env: sys::napi_env, made: Self) -> napi::Result<sys::napi_value> {
        let env = Env::from_raw(env);
        let record = env.create_string_latin1(made.0.record())?;
        let Some(policy) = made.0.policy() else {
            return Ok(record.raw());
        };
        let pair = (record, Held(Arc::clone(policy)));
        // SAFETY: `env` is the environment this call runs in; a pair becomes an array.
        unsafe { ToNapiValue::to_napi_value(env.raw(), pair) }
    }
}

/// Reads the record of a grant, for the `Grant` class: a string of characters up to U+00FF,
/// one per byte, as [`Made`] wrote it. Its roles are resolved by `policy`.
fn read(record: Unknown<'_>, policy: Option<Arc<Policy>>) -> Result<GrantRecord, Failure> {
    if record.get_type()? != ValueType::String {
        return Err(Failure::Type(RECORD));
    }
    // SAFETY: the value is a string.
    let text = unsafe { record.cast::<JsString<'_>>() }?.into_utf8()?;
    let bytes: Option<Vec<u8>> = text
        .as_str()?
        .chars()
        .map(|c| u8::try_from(c).ok())
        .collect();
    let bytes = bytes.ok_or(Failure::Type(RECORD))?;
    GrantRecord::read(&bytes, policy).ok_or(Failure::Type(RECORD))
}

/// Reads one field of the grant whose record `record` is, for the `Grant` class.
fn field<T>(
    env: &Env,
    record: Unknown<'_>,
    get: impl FnOnce(&GrantRecord) -> T,
) -> napi::Result<T> {
    catch(env, || Ok(get(&read(record, None)?)))
}

fn scope_names(grant: &GrantRecord) -> Vec<String> {
    let scopes = grant.scopes();
    scopes
        .iter()
        .map(|scope| scope.as_str().to_owned())
        .collect()
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

/// The effective scopes, with the roles resolved by the policy that came with the record.
#[napi(skip_typescript)]
pub fn grant_scopes(
    env: Env,
    record: Unknown<'_>,
    policy: Option<Unknown<'_>>,
) -> napi::Result<Vec<String>> {
    catch(&env, || {
        let policy = match policy {
            Some(policy) => Some(Arc::clone(held::borrow::<Arc<Policy>>(policy, RECORD)?)),
            None => None,
        };
        Ok(scope_names(&read(record, policy)?))
    })
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
