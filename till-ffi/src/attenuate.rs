//! Attenuation: narrowing a key offline, without any secret.

use std::ffi::c_char;
use std::time::Duration;

use till_core::{Attenuation, Error, UnixTime};

use crate::ffi::{
    Out, bytes_in, free_handle, guard, guard_void, handle, handle_mut, into_handle, str_in,
    strs_in, till_str,
};
use crate::mint::till_api_key;
use crate::status::{status_of, till_status};

/// The restrictions one attenuation block adds: scopes, expiry, audience, label and
/// delegation limit, each optional. A block with none still gives the sub-key an id of its
/// own, which can be revoked alone.
#[derive(Debug)]
pub struct till_attenuation(Attenuation);

/// Starts an attenuation with no restriction.
///
/// # Safety
///
/// `out_attenuation` must be valid for writing a pointer. On success it receives an
/// attenuation, to be released with `till_attenuation_free`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn till_attenuation_new(
    out_attenuation: *mut *mut till_attenuation,
) -> till_status {
    guard(|| {
        // SAFETY: the caller's promise.
        let out = unsafe { Out::new(out_attenuation) }?;
        out.set(into_handle(till_attenuation(Attenuation::new())));
        Ok(())
    })
}

/// Applies one of the core's attenuation setters; unchanged if it fails.
fn update(
    attenuation: &mut till_attenuation,
    set: impl FnOnce(Attenuation) -> Result<Attenuation, Error>,
) -> Result<(), till_status> {
    attenuation.0 = set(attenuation.0.clone()).map_err(|e| status_of(&e))?;
    Ok(())
}

/// Narrows the sub-key to `scopes`, each within a scope the key grants. Fails with
/// `TILL_INVALID_SCOPE` for a scope that breaks the grammar.
///
/// # Safety
///
/// `attenuation` must be live and used by no other thread during the call; `scopes` must
/// point to `scopes_len` `till_str` values (or be NULL when `scopes_len` is 0).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn till_attenuation_set_scopes(
    attenuation: *mut till_attenuation,
    scopes: *const till_str,
    scopes_len: usize,
) -> till_status {
    guard(|| {
        // SAFETY: the caller's promises.
        let (attenuation, scopes) =
            unsafe { (handle_mut(attenuation)?, strs_in(scopes, scopes_len)?) };
        update(attenuation, |a| a.scopes(scopes))
    })
}

/// Ends the sub-key's validity `seconds` after the time of attenuation, or at the key's own
/// expiry if that is sooner. Takes precedence over `till_attenuation_set_expires_at`.
///
/// # Safety
///
/// `attenuation` must be live and used by no other thread during the call.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn till_attenuation_set_ttl(
    attenuation: *mut till_attenuation,
    seconds: u64,
) -> till_status {
    guard(|| {
        // SAFETY: the caller's promise.
        let attenuation = unsafe { handle_mut(attenuation) }?;
        update(attenuation, |a| Ok(a.ttl(Duration::from_secs(seconds))))
    })
}

/// Ends the sub-key's validity at `at` (seconds since the Unix epoch), or at the key's own
/// expiry if that is sooner.
///
/// # Safety
///
/// `attenuation` must be live and used by no other thread during the call.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn till_attenuation_set_expires_at(
    attenuation: *mut till_attenuation,
    at: i64,
) -> till_status {
    guard(|| {
        // SAFETY: the caller's promise.
        let attenuation = unsafe { handle_mut(attenuation) }?;
        update(attenuation, |a| Ok(a.expires_at(UnixTime::from_secs(at))))
    })
}

/// Binds the sub-key to one audience.
///
/// # Safety
///
/// `attenuation` must be live and used by no other thread during the call; `text` must
/// point to `text_len` readable bytes (or be NULL when `text_len` is 0).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn till_attenuation_set_audience(
    attenuation: *mut till_attenuation,
    text: *const c_char,
    text_len: usize,
) -> till_status {
    guard(|| {
        // SAFETY: the caller's promises.
        let (attenuation, text) = unsafe { (handle_mut(attenuation)?, str_in(text, text_len)?) };
        update(attenuation, |a| Ok(a.audience(text)))
    })
}

/// Records whom the sub-key is delegated to, such as `agent:triage-bot`.
///
/// # Safety
///
/// As for `till_attenuation_set_audience`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn till_attenuation_set_label(
    attenuation: *mut till_attenuation,
    text: *const c_char,
    text_len: usize,
) -> till_status {
    guard(|| {
        // SAFETY: the caller's promises.
        let (attenuation, text) = unsafe { (handle_mut(attenuation)?, str_in(text, text_len)?) };
        update(attenuation, |a| Ok(a.label(text)))
    })
}

/// Limits how many further blocks may follow this one (0: none).
///
/// # Safety
///
/// `attenuation` must be live and used by no other thread during the call.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn till_attenuation_set_max_delegation(
    attenuation: *mut till_attenuation,
    blocks: u8,
) -> till_status {
    guard(|| {
        // SAFETY: the caller's promise.
        let attenuation = unsafe { handle_mut(attenuation) }?;
        update(attenuation, |a| Ok(a.max_delegation(blocks)))
    })
}

/// Releases an attenuation. NULL is ignored.
///
/// # Safety
///
/// `attenuation` must be NULL or not yet freed; it must not be used afterwards.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn till_attenuation_free(attenuation: *mut till_attenuation) {
    // SAFETY: the caller's promise.
    guard_void(|| unsafe { free_handle(attenuation) });
}

/// The shared body of the two attenuate functions.
///
/// # Safety
///
/// As for `till_attenuate_at`.
unsafe fn attenuate(
    key: *const c_char,
    key_len: usize,
    attenuation: *const till_attenuation,
    now: Option<i64>,
    out_key: *mut *mut till_api_key,
) -> till_status {
    guard(|| {
        // SAFETY: the caller's promises.
        let (key, attenuation, out) = unsafe {
            (
                bytes_in(key, key_len)?,
                handle(attenuation)?,
                Out::new(out_key)?,
            )
        };
        let sub_key = match now {
            Some(now) => till_core::attenuate_at(key, &attenuation.0, UnixTime::from_secs(now)),
            None => till_core::attenuate(key, &attenuation.0),
        };
        out.set(into_handle(till_api_key(
            sub_key.map_err(|e| status_of(&e))?,
        )));
        Ok(())
    })
}

/// Adds one attenuation block to `key`, giving a weaker sub-key; reads the system clock for
/// a time to live. Needs no secret and does not verify the key.
///
/// Fails with `TILL_SCOPE_NOT_HELD` for a scope outside those the key grants,
/// `TILL_DELEGATION_LIMIT` or `TILL_TOO_LARGE` past a limit, `TILL_INVALID_ARGUMENT` for a
/// second audience, and the key's own format errors. The key is taken as bytes, as by
/// `till_verifier_verify`.
///
/// # Safety
///
/// `key` must point to `key_len` readable bytes (or be NULL when `key_len` is 0);
/// `attenuation` must be live; `out_key` must be valid for writing a pointer. On success it
/// receives the sub-key, to be released with `till_api_key_free`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn till_attenuate(
    key: *const c_char,
    key_len: usize,
    attenuation: *const till_attenuation,
    out_key: *mut *mut till_api_key,
) -> till_status {
    // SAFETY: the caller's promises.
    unsafe { attenuate(key, key_len, attenuation, None, out_key) }
}

/// `till_attenuate` as if the time were `now`, in seconds since the Unix epoch.
///
/// # Safety
///
/// As for `till_attenuate`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn till_attenuate_at(
    key: *const c_char,
    key_len: usize,
    attenuation: *const till_attenuation,
    now: i64,
    out_key: *mut *mut till_api_key,
) -> till_status {
    // SAFETY: the caller's promises.
    unsafe { attenuate(key, key_len, attenuation, Some(now), out_key) }
}
