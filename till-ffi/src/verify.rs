//! Requests, verifiers and the revocation checks they consult.

use std::ffi::{c_char, c_void};
use std::sync::Arc;

use till_core::{
    Error, KeyId, Request, Revocation, RevocationList, UnixTime, Verifier, VerifierBuilder,
};

use crate::ffi::{
    Out, bytes_in, free_handle, guard, guard_void, handle, handle_mut, into_handle, optional_out,
    str_in, strs_in, till_str,
};
use crate::grant::{fail, till_error, till_grant};
use crate::policy::till_policy;
use crate::root::till_keyring;
use crate::status::{TILL_NULL_ARGUMENT, status_of, till_status};

/// What a caller asks a key to grant: one scope, all of several, or any of several. Parsed
/// once, reusable for any number of checks. Immutable: safe to share between threads.
#[derive(Debug)]
pub struct till_request(Request);

/// An in-memory set of revoked key and block ids. Safe to update from one thread while
/// verifiers read it from others.
#[derive(Debug)]
pub struct till_revocation_list(Arc<RevocationList>);

/// Builds a verifier: keyring, then optionally prefix, environment, audience, leeway and a
/// revocation check.
#[derive(Debug)]
pub struct till_verifier_builder(VerifierBuilder);

/// Checks keys. Immutable and thread-safe: build one at startup and call
/// `till_verifier_verify` on it from any number of threads at once.
#[derive(Debug)]
pub struct till_verifier(Verifier);

/// An application's revocation check: returns true if the id is revoked.
///
/// `id` is a key id or block id: 16 characters of base64url, followed by a NUL that
/// `id_len` (16) does not count. The verifier calls it, after the key's tag is proven, with
/// the key id and then each block id of the key's chain. It is called from whichever
/// threads call the verifier, possibly several at once, so it and `user_data` must be
/// thread-safe. It must not unwind (no C++ exceptions, no longjmp) through Till.
pub type till_revocation_callback =
    Option<unsafe extern "C" fn(user_data: *mut c_void, id: *const c_char, id_len: usize) -> bool>;

/// A revocation callback and its user data, shared across the verifier's threads.
struct Callback {
    check: unsafe extern "C" fn(*mut c_void, *const c_char, usize) -> bool,
    user_data: *mut c_void,
}

// SAFETY: `till_verifier_builder_set_revocation_callback` requires the callback and its user
// data to be safe to call from any thread, at the same time.
unsafe impl Send for Callback {}
// SAFETY: as above.
unsafe impl Sync for Callback {}

impl Revocation for Callback {
    fn is_revoked(&self, id: &KeyId) -> bool {
        let mut text = id.to_string().into_bytes();
        let len = text.len();
        text.push(0);
        // SAFETY: the caller of `..._set_revocation_callback` vouched for the function and
        // its user data; `text` is `len` bytes and a NUL, alive for the call.
        unsafe { (self.check)(self.user_data, text.as_ptr().cast(), len) }
    }
}

/// Asks for one scope. Fails with `TILL_INVALID_SCOPE` if it breaks the grammar.
///
/// # Safety
///
/// `scope` must point to `scope_len` readable bytes (or be NULL when `scope_len` is 0);
/// `out_request` must be valid for writing a pointer. On success it receives a request, to
/// be released with `till_request_free`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn till_request_scope(
    scope: *const c_char,
    scope_len: usize,
    out_request: *mut *mut till_request,
) -> till_status {
    guard(|| {
        // SAFETY: the caller's promises.
        let (scope, out) = unsafe { (str_in(scope, scope_len)?, Out::new(out_request)?) };
        let request = Request::scope(scope).map_err(|e| status_of(&e))?;
        out.set(into_handle(till_request(request)));
        Ok(())
    })
}

/// Asks for every one of 1 to 32 scopes. Fails with `TILL_INVALID_SCOPE` for a scope that
/// breaks the grammar, or for an empty or too long list.
///
/// # Safety
///
/// `scopes` must point to `scopes_len` `till_str` values (or be NULL when `scopes_len` is 0),
/// each pointing to its `len` readable bytes; `out_request` must be valid for writing a
/// pointer. On success it receives a request, to be released with `till_request_free`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn till_request_all_of(
    scopes: *const till_str,
    scopes_len: usize,
    out_request: *mut *mut till_request,
) -> till_status {
    guard(|| {
        // SAFETY: the caller's promises.
        let (scopes, out) = unsafe { (strs_in(scopes, scopes_len)?, Out::new(out_request)?) };
        let request = Request::all_of(scopes).map_err(|e| status_of(&e))?;
        out.set(into_handle(till_request(request)));
        Ok(())
    })
}

/// Asks for at least one of 1 to 32 scopes. Fails as `till_request_all_of` does.
///
/// # Safety
///
/// As for `till_request_all_of`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn till_request_any_of(
    scopes: *const till_str,
    scopes_len: usize,
    out_request: *mut *mut till_request,
) -> till_status {
    guard(|| {
        // SAFETY: the caller's promises.
        let (scopes, out) = unsafe { (strs_in(scopes, scopes_len)?, Out::new(out_request)?) };
        let request = Request::any_of(scopes).map_err(|e| status_of(&e))?;
        out.set(into_handle(till_request(request)));
        Ok(())
    })
}

/// Releases a request. NULL is ignored.
///
/// # Safety
///
/// `request` must be NULL or a request not yet freed; it must not be used afterwards.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn till_request_free(request: *mut till_request) {
    // SAFETY: the caller's promise.
    guard_void(|| unsafe { free_handle(request) });
}

/// Creates an empty revocation list.
///
/// # Safety
///
/// `out_list` must be valid for writing a pointer. On success it receives a list, to be
/// released with `till_revocation_list_free`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn till_revocation_list_new(
    out_list: *mut *mut till_revocation_list,
) -> till_status {
    guard(|| {
        // SAFETY: the caller's promise.
        let out = unsafe { Out::new(out_list) }?;
        out.set(into_handle(till_revocation_list(Arc::new(
            RevocationList::new(),
        ))));
        Ok(())
    })
}

/// Revokes a key id or block id (16 characters of base64url). `*out_added` receives whether
/// it was newly added. Fails with `TILL_INVALID_ARGUMENT` for text that is not an id.
///
/// # Safety
///
/// `list` must be a live list; `id` must point to `id_len` readable bytes (or be NULL when
/// `id_len` is 0); `out_added` must be valid for writing a `bool`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn till_revocation_list_revoke(
    list: *const till_revocation_list,
    id: *const c_char,
    id_len: usize,
    out_added: *mut bool,
) -> till_status {
    guard(|| {
        // SAFETY: the caller's promises.
        let (list, id, out) = unsafe { (handle(list)?, str_in(id, id_len)?, Out::new(out_added)?) };
        let id: KeyId = id.parse().map_err(|e: Error| status_of(&e))?;
        out.set(list.0.revoke(id));
        Ok(())
    })
}

/// Lifts the revocation of an id. `*out_removed` receives whether it was in the list.
///
/// # Safety
///
/// As for `till_revocation_list_revoke`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn till_revocation_list_restore(
    list: *const till_revocation_list,
    id: *const c_char,
    id_len: usize,
    out_removed: *mut bool,
) -> till_status {
    guard(|| {
        // SAFETY: the caller's promises.
        let (list, id, out) =
            unsafe { (handle(list)?, str_in(id, id_len)?, Out::new(out_removed)?) };
        let id: KeyId = id.parse().map_err(|e: Error| status_of(&e))?;
        out.set(list.0.restore(&id));
        Ok(())
    })
}

/// Writes how many ids the list holds.
///
/// # Safety
///
/// `list` must be a live list; `out_len` must be valid for writing a `size_t`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn till_revocation_list_len(
    list: *const till_revocation_list,
    out_len: *mut usize,
) -> till_status {
    guard(|| {
        // SAFETY: the caller's promises.
        let (list, out) = unsafe { (handle(list)?, Out::new(out_len)?) };
        out.set(list.0.len());
        Ok(())
    })
}

/// Releases the caller's hold on a list. Verifiers built with it keep it alive. NULL is
/// ignored.
///
/// # Safety
///
/// `list` must be NULL or a list not yet freed; it must not be used afterwards.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn till_revocation_list_free(list: *mut till_revocation_list) {
    // SAFETY: the caller's promise.
    guard_void(|| unsafe { free_handle(list) });
}

/// Starts a verifier with the defaults: prefix `till`, environment `live`, no audience, no
/// leeway, no revocation check.
///
/// # Safety
///
/// `keyring` must be a live keyring; `out_builder` must be valid for writing a pointer. On
/// success it receives a builder, to be released with `till_verifier_builder_free`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn till_verifier_builder_new(
    keyring: *const till_keyring,
    out_builder: *mut *mut till_verifier_builder,
) -> till_status {
    guard(|| {
        // SAFETY: the caller's promises.
        let (keyring, out) = unsafe { (handle(keyring)?, Out::new(out_builder)?) };
        out.set(into_handle(till_verifier_builder(Verifier::builder(
            &keyring.0,
        ))));
        Ok(())
    })
}

/// Applies one of the core's builder settings. The core reports an invalid setting when the
/// verifier is built.
fn update(
    builder: &mut till_verifier_builder,
    set: impl FnOnce(VerifierBuilder) -> VerifierBuilder,
) -> Result<(), till_status> {
    builder.0 = set(builder.0.clone());
    Ok(())
}

/// Accepts keys with this application prefix instead of `till`. An invalid prefix makes
/// `till_verifier_builder_build` fail with `TILL_INVALID_ARGUMENT`.
///
/// # Safety
///
/// `builder` must be a live builder that no other thread uses during the call; `text` must
/// point to `text_len` readable bytes (or be NULL when `text_len` is 0).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn till_verifier_builder_set_prefix(
    builder: *mut till_verifier_builder,
    text: *const c_char,
    text_len: usize,
) -> till_status {
    guard(|| {
        // SAFETY: the caller's promises.
        let (builder, text) = unsafe { (handle_mut(builder)?, str_in(text, text_len)?) };
        update(builder, |b| b.prefix(text))
    })
}

/// Accepts keys of this environment instead of `live`. An invalid name makes
/// `till_verifier_builder_build` fail with `TILL_INVALID_ARGUMENT`.
///
/// # Safety
///
/// As for `till_verifier_builder_set_prefix`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn till_verifier_builder_set_env(
    builder: *mut till_verifier_builder,
    text: *const c_char,
    text_len: usize,
) -> till_status {
    guard(|| {
        // SAFETY: the caller's promises.
        let (builder, text) = unsafe { (handle_mut(builder)?, str_in(text, text_len)?) };
        update(builder, |b| b.env(text))
    })
}

/// Requires every key to name this audience. An invalid audience makes
/// `till_verifier_builder_build` fail with `TILL_INVALID_ARGUMENT`.
///
/// # Safety
///
/// As for `till_verifier_builder_set_prefix`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn till_verifier_builder_set_audience(
    builder: *mut till_verifier_builder,
    text: *const c_char,
    text_len: usize,
) -> till_status {
    guard(|| {
        // SAFETY: the caller's promises.
        let (builder, text) = unsafe { (handle_mut(builder)?, str_in(text, text_len)?) };
        update(builder, |b| b.audience(text))
    })
}

/// Tolerates clocks that differ by up to `seconds`. More than a day makes
/// `till_verifier_builder_build` fail with `TILL_INVALID_ARGUMENT`.
///
/// # Safety
///
/// `builder` must be a live builder that no other thread uses during the call.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn till_verifier_builder_set_leeway(
    builder: *mut till_verifier_builder,
    seconds: u32,
) -> till_status {
    guard(|| {
        // SAFETY: the caller's promise.
        let builder = unsafe { handle_mut(builder) }?;
        update(builder, |b| b.leeway(seconds))
    })
}

/// Consults `callback` for every id in a key's chain, replacing any revocation check set
/// before. See `till_revocation_callback` for when it is called.
///
/// # Safety
///
/// `builder` must be a live builder that no other thread uses during the call. `callback`
/// and `user_data` must be safe to use from any thread, several at once, for as long as any
/// verifier built from this builder lives.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn till_verifier_builder_set_revocation_callback(
    builder: *mut till_verifier_builder,
    callback: till_revocation_callback,
    user_data: *mut c_void,
) -> till_status {
    guard(|| {
        // SAFETY: the caller's promise.
        let builder = unsafe { handle_mut(builder) }?;
        let check = callback.ok_or(TILL_NULL_ARGUMENT)?;
        update(builder, |b| {
            b.revocation(Arc::new(Callback { check, user_data }))
        })
    })
}

/// Consults `list` for every id in a key's chain, replacing any revocation check set before.
/// The verifier shares the list: ids revoked later take effect at once.
///
/// # Safety
///
/// `builder` must be a live builder that no other thread uses during the call; `list` must
/// be a live list.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn till_verifier_builder_set_revocation_list(
    builder: *mut till_verifier_builder,
    list: *const till_revocation_list,
) -> till_status {
    guard(|| {
        // SAFETY: the caller's promises.
        let (builder, list) = unsafe { (handle_mut(builder)?, handle(list)?) };
        let list: Arc<dyn Revocation> = list.0.clone();
        update(builder, |b| b.revocation(list))
    })
}

/// Resolves the roles keys carry against `policy`, as it stands at each check; without a
/// policy, roles grant nothing. The verifier shares the policy: a replacement takes effect
/// at once.
///
/// # Safety
///
/// `builder` must be a live builder that no other thread uses during the call; `policy` must
/// be a live policy.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn till_verifier_builder_set_policy(
    builder: *mut till_verifier_builder,
    policy: *const till_policy,
) -> till_status {
    guard(|| {
        // SAFETY: the caller's promises.
        let (builder, policy) = unsafe { (handle_mut(builder)?, handle(policy)?) };
        update(builder, |b| b.policy(policy.0.clone()))
    })
}

/// Builds a verifier from the settings so far; the builder stays usable. Fails with the
/// first invalid setting's status.
///
/// # Safety
///
/// `builder` must be a live builder; `out_verifier` must be valid for writing a pointer. On
/// success it receives a verifier, to be released with `till_verifier_free`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn till_verifier_builder_build(
    builder: *const till_verifier_builder,
    out_verifier: *mut *mut till_verifier,
) -> till_status {
    guard(|| {
        // SAFETY: the caller's promises.
        let (builder, out) = unsafe { (handle(builder)?, Out::new(out_verifier)?) };
        let verifier = builder.0.clone().build().map_err(|e| status_of(&e))?;
        out.set(into_handle(till_verifier(verifier)));
        Ok(())
    })
}

/// Releases a builder. NULL is ignored.
///
/// # Safety
///
/// `builder` must be NULL or a builder not yet freed; it must not be used afterwards.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn till_verifier_builder_free(builder: *mut till_verifier_builder) {
    // SAFETY: the caller's promise.
    guard_void(|| unsafe { free_handle(builder) });
}

/// What a verify function asks of a key, as its caller passed it.
#[derive(Clone, Copy)]
enum Asked {
    Nothing,
    Request(*const till_request),
    /// A scope's text and its length.
    Scope(*const c_char, usize),
}

/// [`Asked`], read.
enum Read<'a> {
    Nothing,
    Request(&'a Request),
    Scope(&'a str),
}

/// The shared body of the verify functions.
///
/// # Safety
///
/// As for `till_verifier_verify_at`, or `till_verifier_verify_scope_at` for a scope.
unsafe fn verify(
    verifier: *const till_verifier,
    key: *const c_char,
    key_len: usize,
    asked: Asked,
    now: Option<i64>,
    out_grant: *mut *mut till_grant,
    out_error: *mut *mut till_error,
) -> till_status {
    guard(|| {
        // SAFETY: the caller's promises.
        let (verifier, key) = unsafe { (handle(verifier)?, bytes_in(key, key_len)?) };
        // SAFETY: the caller's promise.
        let asked = match asked {
            Asked::Nothing => Read::Nothing,
            Asked::Request(request) => Read::Request(&unsafe { handle(request) }?.0),
            Asked::Scope(scope, len) => Read::Scope(unsafe { str_in(scope, len) }?),
        };
        // SAFETY: both out-parameters may be NULL; otherwise the caller promises them.
        let out_grant = unsafe { optional_out(out_grant) }?;
        // SAFETY: as above.
        let out_error = unsafe { optional_out(out_error) }?;

        let now = now.map_or_else(|| verifier.0.now(), UnixTime::from_secs);
        let result = match asked {
            Read::Nothing => verifier.0.authenticate_at(key, now),
            Read::Request(request) => verifier.0.verify_at(key, request, now),
            Read::Scope(scope) => verifier.0.verify_scope_at(key, scope, now),
        };
        match result {
            Ok(grant) => {
                if let Some(out) = out_grant {
                    out.set(into_handle(till_grant::new(grant)));
                }
                Ok(())
            }
            Err(error) => Err(fail(error, out_error)),
        }
    })
}

/// Verifies `key` and checks that it grants `request`, at the system clock's time.
///
/// Returns `TILL_OK` or the reason the key is refused; every refusal is final. The key is
/// taken as bytes: text that is not ASCII is `TILL_MALFORMED`. Thread-safe: any number of
/// threads may verify with one verifier at once.
///
/// `out_grant` and `out_error` may each be NULL when not wanted. On success `*out_grant`
/// receives what the key grants, to be released with `till_grant_free`. On a refusal from
/// the core (a status from 1 to 99), `*out_error` receives its details, such as the missing
/// scopes of `TILL_INSUFFICIENT_SCOPE`, to be released with `till_error_free`. Nothing is
/// written otherwise.
///
/// # Safety
///
/// `verifier` and `request` must be live; `key` must point to `key_len` readable bytes (or
/// be NULL when `key_len` is 0); `out_grant` and `out_error` must each be NULL or valid for
/// writing a pointer.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn till_verifier_verify(
    verifier: *const till_verifier,
    key: *const c_char,
    key_len: usize,
    request: *const till_request,
    out_grant: *mut *mut till_grant,
    out_error: *mut *mut till_error,
) -> till_status {
    // SAFETY: the caller's promises.
    unsafe {
        verify(
            verifier,
            key,
            key_len,
            Asked::Request(request),
            None,
            out_grant,
            out_error,
        )
    }
}

/// `till_verifier_verify` as if the time were `now`, in seconds since the Unix epoch.
///
/// # Safety
///
/// As for `till_verifier_verify`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn till_verifier_verify_at(
    verifier: *const till_verifier,
    key: *const c_char,
    key_len: usize,
    request: *const till_request,
    now: i64,
    out_grant: *mut *mut till_grant,
    out_error: *mut *mut till_error,
) -> till_status {
    // SAFETY: the caller's promises.
    unsafe {
        verify(
            verifier,
            key,
            key_len,
            Asked::Request(request),
            Some(now),
            out_grant,
            out_error,
        )
    }
}

/// Verifies `key` and checks that it grants one scope, given as text: what
/// `till_verifier_verify` answers for the request `till_request_scope` makes of it, without
/// making the request. For callers handed a scope as a string on every call. A scope that
/// breaks the grammar is `TILL_INVALID_SCOPE`; text that is not UTF-8, `TILL_INVALID_UTF8`.
///
/// # Safety
///
/// As for `till_verifier_verify`, with `scope` in place of `request`: it must point to
/// `scope_len` readable bytes (or be NULL when `scope_len` is 0).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn till_verifier_verify_scope(
    verifier: *const till_verifier,
    key: *const c_char,
    key_len: usize,
    scope: *const c_char,
    scope_len: usize,
    out_grant: *mut *mut till_grant,
    out_error: *mut *mut till_error,
) -> till_status {
    // SAFETY: the caller's promises.
    unsafe {
        verify(
            verifier,
            key,
            key_len,
            Asked::Scope(scope, scope_len),
            None,
            out_grant,
            out_error,
        )
    }
}

/// `till_verifier_verify_scope` as if the time were `now`, in seconds since the Unix epoch.
///
/// # Safety
///
/// As for `till_verifier_verify_scope`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn till_verifier_verify_scope_at(
    verifier: *const till_verifier,
    key: *const c_char,
    key_len: usize,
    scope: *const c_char,
    scope_len: usize,
    now: i64,
    out_grant: *mut *mut till_grant,
    out_error: *mut *mut till_error,
) -> till_status {
    // SAFETY: the caller's promises.
    unsafe {
        verify(
            verifier,
            key,
            key_len,
            Asked::Scope(scope, scope_len),
            Some(now),
            out_grant,
            out_error,
        )
    }
}

/// Verifies `key` without asking for any scope: proves it genuine, current and not revoked,
/// and gives what it grants. Otherwise as `till_verifier_verify`.
///
/// # Safety
///
/// As for `till_verifier_verify`, without a request.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn till_verifier_authenticate(
    verifier: *const till_verifier,
    key: *const c_char,
    key_len: usize,
    out_grant: *mut *mut till_grant,
    out_error: *mut *mut till_error,
) -> till_status {
    // SAFETY: the caller's promises.
    unsafe {
        verify(
            verifier,
            key,
            key_len,
            Asked::Nothing,
            None,
            out_grant,
            out_error,
        )
    }
}

/// `till_verifier_authenticate` as if the time were `now`, in seconds since the Unix epoch.
///
/// # Safety
///
/// As for `till_verifier_authenticate`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn till_verifier_authenticate_at(
    verifier: *const till_verifier,
    key: *const c_char,
    key_len: usize,
    now: i64,
    out_grant: *mut *mut till_grant,
    out_error: *mut *mut till_error,
) -> till_status {
    // SAFETY: the caller's promises.
    unsafe {
        verify(
            verifier,
            key,
            key_len,
            Asked::Nothing,
            Some(now),
            out_grant,
            out_error,
        )
    }
}

/// Releases a verifier. NULL is ignored.
///
/// # Safety
///
/// `verifier` must be NULL or a verifier not yet freed, which no other thread is using; it
/// must not be used afterwards.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn till_verifier_free(verifier: *mut till_verifier) {
    // SAFETY: the caller's promise.
    guard_void(|| unsafe { free_handle(verifier) });
}
