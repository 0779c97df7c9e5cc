//! What a verified key grants, and why a key was refused.

use std::ffi::c_char;
use std::sync::OnceLock;

use till_core::{Error, Grant, Scope, UnixTime};

use crate::ffi::{Out, TextOut, free_handle, guard, guard_void, handle, into_handle, str_in};
use crate::status::{TILL_INVALID_ARGUMENT, status_of, till_status};
use crate::text::owned_string;

/// What a verified key grants, and who holds it. Holds no secret. Immutable: safe to read
/// from several threads.
#[derive(Debug)]
pub struct till_grant {
    grant: Grant,
    // The core computes the effective scopes on each call; index access needs them kept.
    scopes: OnceLock<Vec<Scope>>,
}

impl till_grant {
    pub(crate) fn new(grant: Grant) -> Self {
        Self {
            grant,
            scopes: OnceLock::new(),
        }
    }

    fn scopes(&self) -> &[Scope] {
        self.scopes.get_or_init(|| self.grant.scopes())
    }
}

/// Why a call failed, for the functions that offer an `out_error` (verify, mint and
/// policy): a status of the core, a message, the scopes not granted for
/// `TILL_INSUFFICIENT_SCOPE`, and the scopes beyond the roles for `TILL_EXCEEDS_ROLES`.
/// Holds no secret.
#[derive(Debug)]
pub struct till_error(pub(crate) Error);

/// Reports a core error as a status, handing its details to `out_error` if the caller wants
/// them.
pub(crate) fn fail(error: Error, out_error: Option<Out<*mut till_error>>) -> till_status {
    let status = status_of(&error);
    if let Some(out) = out_error {
        out.set(into_handle(till_error(error)));
    }
    status
}

/// The grant behind a handle, and a text out-parameter: the start of every text accessor.
///
/// # Safety
///
/// As for the accessors' own contracts.
unsafe fn text_accessor<'a>(
    grant: *const till_grant,
    buf: *mut c_char,
    buf_len: usize,
    out_len: *mut usize,
) -> Result<(&'a till_grant, TextOut), till_status> {
    // SAFETY: passed on from the caller.
    unsafe { Ok((handle(grant)?, TextOut::new(buf, buf_len, out_len)?)) }
}

/// Writes the id of the key (16 characters), shared by every key attenuated from it.
///
/// # Safety
///
/// `grant` must be a live grant. `buf` must be valid for writing `buf_len` bytes (or be NULL
/// when `buf_len` is 0), and `out_len` for writing a `size_t`. Fails with
/// `TILL_BUFFER_TOO_SMALL` when `buf_len` is not more than the text's length, which is then
/// written to `*out_len`. The same holds for every text accessor of a grant.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn till_grant_key_id(
    grant: *const till_grant,
    buf: *mut c_char,
    buf_len: usize,
    out_len: *mut usize,
) -> till_status {
    guard(|| {
        // SAFETY: the caller's promises.
        let (grant, out) = unsafe { text_accessor(grant, buf, buf_len, out_len) }?;
        out.write(grant.grant.key_id().to_string().as_bytes())
    })
}

/// Writes the id of the root key that minted the key: four lowercase hexadecimal digits.
///
/// # Safety
///
/// As for `till_grant_key_id`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn till_grant_root_key_id(
    grant: *const till_grant,
    buf: *mut c_char,
    buf_len: usize,
    out_len: *mut usize,
) -> till_status {
    guard(|| {
        // SAFETY: the caller's promises.
        let (grant, out) = unsafe { text_accessor(grant, buf, buf_len, out_len) }?;
        out.write(grant.grant.root_key_id().to_string().as_bytes())
    })
}

/// Writes the key's application prefix, such as `till`.
///
/// # Safety
///
/// As for `till_grant_key_id`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn till_grant_prefix(
    grant: *const till_grant,
    buf: *mut c_char,
    buf_len: usize,
    out_len: *mut usize,
) -> till_status {
    guard(|| {
        // SAFETY: the caller's promises.
        let (grant, out) = unsafe { text_accessor(grant, buf, buf_len, out_len) }?;
        out.write(grant.grant.prefix().as_str().as_bytes())
    })
}

/// Writes the key's environment, such as `live`.
///
/// # Safety
///
/// As for `till_grant_key_id`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn till_grant_env(
    grant: *const till_grant,
    buf: *mut c_char,
    buf_len: usize,
    out_len: *mut usize,
) -> till_status {
    guard(|| {
        // SAFETY: the caller's promises.
        let (grant, out) = unsafe { text_accessor(grant, buf, buf_len, out_len) }?;
        out.write(grant.grant.env().as_str().as_bytes())
    })
}

/// Writes the user or agent the key was issued to. `*out_present` receives whether the key
/// names one; when it does not, the text is empty and needs no room.
///
/// # Safety
///
/// As for `till_grant_key_id`; `out_present` must be valid for writing a `bool`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn till_grant_subject(
    grant: *const till_grant,
    buf: *mut c_char,
    buf_len: usize,
    out_len: *mut usize,
    out_present: *mut bool,
) -> till_status {
    guard(|| {
        // SAFETY: the caller's promises.
        let (grant, out) = unsafe { text_accessor(grant, buf, buf_len, out_len) }?;
        // SAFETY: the caller's promise.
        let present = unsafe { Out::new(out_present) }?;
        out.write_optional(grant.grant.subject().map(str::as_bytes), present)
    })
}

/// Writes the audience the key is bound to, if any, as `till_grant_subject` does.
///
/// # Safety
///
/// As for `till_grant_subject`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn till_grant_audience(
    grant: *const till_grant,
    buf: *mut c_char,
    buf_len: usize,
    out_len: *mut usize,
    out_present: *mut bool,
) -> till_status {
    guard(|| {
        // SAFETY: the caller's promises.
        let (grant, out) = unsafe { text_accessor(grant, buf, buf_len, out_len) }?;
        // SAFETY: the caller's promise.
        let present = unsafe { Out::new(out_present) }?;
        out.write_optional(grant.grant.audience().map(str::as_bytes), present)
    })
}

/// Writes when the key was issued, in seconds since the Unix epoch.
///
/// # Safety
///
/// `grant` must be a live grant; `out_time` must be valid for writing an `int64_t`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn till_grant_issued_at(
    grant: *const till_grant,
    out_time: *mut i64,
) -> till_status {
    guard(|| {
        // SAFETY: the caller's promises.
        let (grant, out) = unsafe { (handle(grant)?, Out::new(out_time)?) };
        out.set(grant.grant.issued_at().secs());
        Ok(())
    })
}

/// Writes an optional time and whether it is present (0 when it is not).
fn write_time(
    time: Option<UnixTime>,
    out: Out<i64>,
    present: Out<bool>,
) -> Result<(), till_status> {
    out.set(time.map_or(0, UnixTime::secs));
    present.set(time.is_some());
    Ok(())
}

/// Writes the first second at which the key is no longer valid: the earliest expiry in its
/// chain. `*out_present` is false, and `*out_time` 0, for a key that never expires.
///
/// # Safety
///
/// `grant` must be a live grant; `out_time` must be valid for writing an `int64_t` and
/// `out_present` for writing a `bool`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn till_grant_expires_at(
    grant: *const till_grant,
    out_time: *mut i64,
    out_present: *mut bool,
) -> till_status {
    guard(|| {
        // SAFETY: the caller's promises.
        let (grant, out, present) =
            unsafe { (handle(grant)?, Out::new(out_time)?, Out::new(out_present)?) };
        write_time(grant.grant.expires_at(), out, present)
    })
}

/// Writes the first second at which the key is valid, if it states one.
///
/// # Safety
///
/// As for `till_grant_expires_at`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn till_grant_not_before(
    grant: *const till_grant,
    out_time: *mut i64,
    out_present: *mut bool,
) -> till_status {
    guard(|| {
        // SAFETY: the caller's promises.
        let (grant, out, present) =
            unsafe { (handle(grant)?, Out::new(out_time)?, Out::new(out_present)?) };
        write_time(grant.grant.not_before(), out, present)
    })
}

/// Writes how many scopes the key grants: its root scopes narrowed by every block, reduced
/// to the fewest patterns that say the same, and sorted.
///
/// # Safety
///
/// `grant` must be a live grant; `out_count` must be valid for writing a `size_t`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn till_grant_scopes_len(
    grant: *const till_grant,
    out_count: *mut usize,
) -> till_status {
    guard(|| {
        // SAFETY: the caller's promises.
        let (grant, out) = unsafe { (handle(grant)?, Out::new(out_count)?) };
        out.set(grant.scopes().len());
        Ok(())
    })
}

/// Writes the granted scope at `index`. Fails with `TILL_INVALID_ARGUMENT` past the end.
///
/// # Safety
///
/// As for `till_grant_key_id`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn till_grant_scope(
    grant: *const till_grant,
    index: usize,
    buf: *mut c_char,
    buf_len: usize,
    out_len: *mut usize,
) -> till_status {
    guard(|| {
        // SAFETY: the caller's promises.
        let (grant, out) = unsafe { text_accessor(grant, buf, buf_len, out_len) }?;
        let scope = grant.scopes().get(index).ok_or(TILL_INVALID_ARGUMENT)?;
        out.write(scope.as_str().as_bytes())
    })
}

/// Writes how many roles the key names; a verifier's policy resolves them.
///
/// # Safety
///
/// As for `till_grant_scopes_len`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn till_grant_roles_len(
    grant: *const till_grant,
    out_count: *mut usize,
) -> till_status {
    guard(|| {
        // SAFETY: the caller's promises.
        let (grant, out) = unsafe { (handle(grant)?, Out::new(out_count)?) };
        out.set(grant.grant.roles().count());
        Ok(())
    })
}

/// Writes the role at `index`. Fails with `TILL_INVALID_ARGUMENT` past the end.
///
/// # Safety
///
/// As for `till_grant_key_id`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn till_grant_role(
    grant: *const till_grant,
    index: usize,
    buf: *mut c_char,
    buf_len: usize,
    out_len: *mut usize,
) -> till_status {
    guard(|| {
        // SAFETY: the caller's promises.
        let (grant, out) = unsafe { text_accessor(grant, buf, buf_len, out_len) }?;
        let role = grant
            .grant
            .roles()
            .nth(index)
            .ok_or(TILL_INVALID_ARGUMENT)?;
        out.write(role.as_bytes())
    })
}

/// Writes how many attenuation blocks the key's delegation chain has (0 for a key as
/// minted).
///
/// # Safety
///
/// As for `till_grant_scopes_len`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn till_grant_chain_len(
    grant: *const till_grant,
    out_count: *mut usize,
) -> till_status {
    guard(|| {
        // SAFETY: the caller's promises.
        let (grant, out) = unsafe { (handle(grant)?, Out::new(out_count)?) };
        out.set(grant.grant.chain().count());
        Ok(())
    })
}

/// Writes the id of the chain's block at `index`, oldest first: the id a revocation check
/// receives for that block. Fails with `TILL_INVALID_ARGUMENT` past the end.
///
/// # Safety
///
/// As for `till_grant_key_id`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn till_grant_chain_id(
    grant: *const till_grant,
    index: usize,
    buf: *mut c_char,
    buf_len: usize,
    out_len: *mut usize,
) -> till_status {
    guard(|| {
        // SAFETY: the caller's promises.
        let (grant, out) = unsafe { text_accessor(grant, buf, buf_len, out_len) }?;
        let link = grant
            .grant
            .chain()
            .nth(index)
            .ok_or(TILL_INVALID_ARGUMENT)?;
        out.write(link.id.to_string().as_bytes())
    })
}

/// Writes whom the chain's block at `index` was delegated to, if it says, as
/// `till_grant_subject` does. Fails with `TILL_INVALID_ARGUMENT` past the end.
///
/// # Safety
///
/// As for `till_grant_subject`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn till_grant_chain_label(
    grant: *const till_grant,
    index: usize,
    buf: *mut c_char,
    buf_len: usize,
    out_len: *mut usize,
    out_present: *mut bool,
) -> till_status {
    guard(|| {
        // SAFETY: the caller's promises.
        let (grant, out) = unsafe { text_accessor(grant, buf, buf_len, out_len) }?;
        // SAFETY: the caller's promise.
        let present = unsafe { Out::new(out_present) }?;
        let link = grant
            .grant
            .chain()
            .nth(index)
            .ok_or(TILL_INVALID_ARGUMENT)?;
        out.write_optional(link.label.map(str::as_bytes), present)
    })
}

/// Writes whether the key grants `scope`. Fails with `TILL_INVALID_SCOPE` if it breaks the
/// grammar.
///
/// # Safety
///
/// `grant` must be a live grant; `scope` must point to `scope_len` readable bytes (or be
/// NULL when `scope_len` is 0); `out_allowed` must be valid for writing a `bool`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn till_grant_allows(
    grant: *const till_grant,
    scope: *const c_char,
    scope_len: usize,
    out_allowed: *mut bool,
) -> till_status {
    guard(|| {
        // SAFETY: the caller's promises.
        let (grant, scope, out) = unsafe {
            (
                handle(grant)?,
                str_in(scope, scope_len)?,
                Out::new(out_allowed)?,
            )
        };
        let scope = Scope::parse(scope).map_err(|e| status_of(&e))?;
        out.set(grant.grant.allows(&scope));
        Ok(())
    })
}

/// Writes the grant as a JSON object with the fields `key_id`, `root_key_id`, `prefix`,
/// `env`, `subject`, `audience`, `scopes`, `roles`, `issued_at`, `expires_at`, `not_before`
/// and `chain`, into a string that Till allocates: `*out_json` receives it, NUL-terminated,
/// and `*out_len` its length. Release it with `till_string_free`.
///
/// # Safety
///
/// `grant` must be a live grant; `out_json` must be valid for writing a pointer and
/// `out_len` for writing a `size_t`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn till_grant_to_json(
    grant: *const till_grant,
    out_json: *mut *mut c_char,
    out_len: *mut usize,
) -> till_status {
    guard(|| {
        // SAFETY: the caller's promises.
        let (grant, out_json, out_len) =
            unsafe { (handle(grant)?, Out::new(out_json)?, Out::new(out_len)?) };
        owned_string(serde_json::to_string(&grant.grant), out_json, out_len)
    })
}

/// Releases a grant. NULL is ignored.
///
/// # Safety
///
/// `grant` must be NULL or a grant not yet freed; it must not be used afterwards.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn till_grant_free(grant: *mut till_grant) {
    // SAFETY: the caller's promise.
    guard_void(|| unsafe { free_handle(grant) });
}

/// Writes the error's status, the one the failed call returned.
///
/// # Safety
///
/// `error` must be a live error; `out_status` must be valid for writing a `till_status`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn till_error_status(
    error: *const till_error,
    out_status: *mut till_status,
) -> till_status {
    guard(|| {
        // SAFETY: the caller's promises.
        let (error, out) = unsafe { (handle(error)?, Out::new(out_status)?) };
        out.set(status_of(&error.0));
        Ok(())
    })
}

/// Writes a message that explains the error, such as "wrong environment: the key is for
/// `test`, this verifier accepts `live`". It never contains a key or a secret. The wording
/// may change between versions; compare statuses instead.
///
/// # Safety
///
/// `error` must be a live error. `buf` must be valid for writing `buf_len` bytes (or be NULL
/// when `buf_len` is 0), and `out_len` for writing a `size_t`. Fails with
/// `TILL_BUFFER_TOO_SMALL` when `buf_len` is not more than the text's length, which is then
/// written to `*out_len`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn till_error_message(
    error: *const till_error,
    buf: *mut c_char,
    buf_len: usize,
    out_len: *mut usize,
) -> till_status {
    guard(|| {
        // SAFETY: the caller's promises.
        let (error, out) = unsafe { (handle(error)?, TextOut::new(buf, buf_len, out_len)?) };
        out.write(error.0.to_string().as_bytes())
    })
}

/// Writes how many requested scopes were not granted: at least 1 for
/// `TILL_INSUFFICIENT_SCOPE`, 0 for any other error.
///
/// # Safety
///
/// `error` must be a live error; `out_count` must be valid for writing a `size_t`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn till_error_missing_scopes_len(
    error: *const till_error,
    out_count: *mut usize,
) -> till_status {
    guard(|| {
        // SAFETY: the caller's promises.
        let (error, out) = unsafe { (handle(error)?, Out::new(out_count)?) };
        out.set(error.0.missing_scopes().map_or(0, |missing| missing.len()));
        Ok(())
    })
}

/// Writes the missing scope at `index`, in request order. Fails with
/// `TILL_INVALID_ARGUMENT` past the end.
///
/// # Safety
///
/// As for `till_error_message`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn till_error_missing_scope(
    error: *const till_error,
    index: usize,
    buf: *mut c_char,
    buf_len: usize,
    out_len: *mut usize,
) -> till_status {
    guard(|| {
        // SAFETY: the caller's promises.
        let (error, out) = unsafe { (handle(error)?, TextOut::new(buf, buf_len, out_len)?) };
        let scope = error
            .0
            .missing_scopes()
            .and_then(|missing| missing.iter().nth(index))
            .ok_or(TILL_INVALID_ARGUMENT)?;
        out.write(scope.as_str().as_bytes())
    })
}

/// The scopes a mint on behalf of roles asked for beyond what those roles allow.
fn beyond(error: &Error) -> &[Scope] {
    match error {
        Error::ExceedsRoles(scopes) => scopes,
        _ => &[],
    }
}

/// Writes how many scopes went beyond the roles a key was minted on behalf of: at least 1
/// for `TILL_EXCEEDS_ROLES`, 0 for any other error.
///
/// # Safety
///
/// `error` must be a live error; `out_count` must be valid for writing a `size_t`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn till_error_beyond_scopes_len(
    error: *const till_error,
    out_count: *mut usize,
) -> till_status {
    guard(|| {
        // SAFETY: the caller's promises.
        let (error, out) = unsafe { (handle(error)?, Out::new(out_count)?) };
        out.set(beyond(&error.0).len());
        Ok(())
    })
}

/// Writes the scope at `index` of those beyond the roles, sorted. Fails with
/// `TILL_INVALID_ARGUMENT` past the end.
///
/// # Safety
///
/// As for `till_error_message`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn till_error_beyond_scope(
    error: *const till_error,
    index: usize,
    buf: *mut c_char,
    buf_len: usize,
    out_len: *mut usize,
) -> till_status {
    guard(|| {
        // SAFETY: the caller's promises.
        let (error, out) = unsafe { (handle(error)?, TextOut::new(buf, buf_len, out_len)?) };
        let scope = beyond(&error.0).get(index).ok_or(TILL_INVALID_ARGUMENT)?;
        out.write(scope.as_str().as_bytes())
    })
}

/// Releases an error. NULL is ignored.
///
/// # Safety
///
/// `error` must be NULL or an error not yet freed; it must not be used afterwards.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn till_error_free(error: *mut till_error) {
    // SAFETY: the caller's promise.
    guard_void(|| unsafe { free_handle(error) });
}
