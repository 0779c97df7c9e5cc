//! Claims, issuers, and the API keys they mint.

use std::ffi::c_char;
use std::time::Duration;

use till_core::{ApiKey, Claims, Env, Error, Expiry, Issuer, Prefix, UnixTime};

use crate::ffi::{
    Out, TextOut, free_handle, guard, guard_void, handle, handle_mut, into_handle, optional_out,
    str_in, strs_in, till_str,
};
use crate::grant::{fail, till_error};
use crate::policy::till_policy;
use crate::root::till_keyring;
use crate::status::{TILL_INVALID_ARGUMENT, status_of, till_status};

/// How `till_claims_new` reads its expiry value.
pub type till_expiry_kind = u32;

/// The key expires `value` seconds (0 or more) after it is minted.
pub const TILL_EXPIRY_AFTER: till_expiry_kind = 1;
/// The key expires at `value`, in seconds since the Unix epoch.
pub const TILL_EXPIRY_AT: till_expiry_kind = 2;
/// The key never expires; `value` is ignored. Such a key can only be stopped by revocation
/// or by retiring its root key.
pub const TILL_EXPIRY_NEVER: till_expiry_kind = 3;

/// What a key will grant, and to whom: scopes, expiry, and optional subject, audience,
/// environment (`live` unless set), start of validity, delegation limit and roles.
#[derive(Debug)]
pub struct till_claims(Claims);

/// Mints keys with the first root key of a keyring. Immutable: safe to share between
/// threads.
#[derive(Debug)]
pub struct till_issuer(Issuer);

/// A minted or attenuated API key: a secret. Its text is reached only through
/// `till_api_key_text`, and it is wiped from memory when freed.
#[derive(Debug)]
pub struct till_api_key(pub(crate) ApiKey);

/// Starts claims that grant `scopes` (an array of `scopes_len` texts; it may be empty if
/// roles are added) with an expiry: `kind` is `TILL_EXPIRY_AFTER`, `TILL_EXPIRY_AT` or
/// `TILL_EXPIRY_NEVER`, and `value` is read as that kind says.
///
/// Fails with `TILL_INVALID_SCOPE` for a scope that breaks the grammar and
/// `TILL_INVALID_ARGUMENT` for an unknown kind or a negative time to live.
///
/// # Safety
///
/// `scopes` must point to `scopes_len` `till_str` values (or be NULL when `scopes_len` is 0),
/// each pointing to its `len` readable bytes; `out_claims` must be valid for writing a pointer.
/// On success it receives claims, to be released with `till_claims_free`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn till_claims_new(
    scopes: *const till_str,
    scopes_len: usize,
    kind: till_expiry_kind,
    value: i64,
    out_claims: *mut *mut till_claims,
) -> till_status {
    guard(|| {
        // SAFETY: the caller's promises.
        let (scopes, out) = unsafe { (strs_in(scopes, scopes_len)?, Out::new(out_claims)?) };
        let expiry = match kind {
            TILL_EXPIRY_AFTER => {
                let secs = u64::try_from(value).map_err(|_| TILL_INVALID_ARGUMENT)?;
                Expiry::After(Duration::from_secs(secs))
            }
            TILL_EXPIRY_AT => Expiry::At(UnixTime::from_secs(value)),
            TILL_EXPIRY_NEVER => Expiry::Never,
            _ => return Err(TILL_INVALID_ARGUMENT),
        };
        let claims = Claims::new(scopes, expiry).map_err(|e| status_of(&e))?;
        out.set(into_handle(till_claims(claims)));
        Ok(())
    })
}

/// Applies one of the core's claim setters; the claims are unchanged if it fails.
fn update(
    claims: &mut till_claims,
    set: impl FnOnce(Claims) -> Result<Claims, Error>,
) -> Result<(), till_status> {
    claims.0 = set(claims.0.clone()).map_err(|e| status_of(&e))?;
    Ok(())
}

/// Sets the user or agent the key is issued to.
///
/// # Safety
///
/// `claims` must be live claims that no other thread uses during the call; `text` must point
/// to `text_len` readable bytes (or be NULL when `text_len` is 0).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn till_claims_set_subject(
    claims: *mut till_claims,
    text: *const c_char,
    text_len: usize,
) -> till_status {
    guard(|| {
        // SAFETY: the caller's promises.
        let (claims, text) = unsafe { (handle_mut(claims)?, str_in(text, text_len)?) };
        update(claims, |c| Ok(c.subject(text)))
    })
}

/// Binds the key to the service it is for.
///
/// # Safety
///
/// As for `till_claims_set_subject`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn till_claims_set_audience(
    claims: *mut till_claims,
    text: *const c_char,
    text_len: usize,
) -> till_status {
    guard(|| {
        // SAFETY: the caller's promises.
        let (claims, text) = unsafe { (handle_mut(claims)?, str_in(text, text_len)?) };
        update(claims, |c| Ok(c.audience(text)))
    })
}

/// Sets the environment (`live` unless set): 1-8 lowercase letters or digits, starting with
/// a letter. Fails with `TILL_INVALID_ARGUMENT` otherwise.
///
/// # Safety
///
/// As for `till_claims_set_subject`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn till_claims_set_env(
    claims: *mut till_claims,
    text: *const c_char,
    text_len: usize,
) -> till_status {
    guard(|| {
        // SAFETY: the caller's promises.
        let (claims, text) = unsafe { (handle_mut(claims)?, str_in(text, text_len)?) };
        update(claims, |c| Ok(c.env(Env::new(text)?)))
    })
}

/// Sets the first second at which the key is valid, in seconds since the Unix epoch.
///
/// # Safety
///
/// `claims` must be live claims that no other thread uses during the call.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn till_claims_set_not_before(
    claims: *mut till_claims,
    at: i64,
) -> till_status {
    guard(|| {
        // SAFETY: the caller's promise.
        let claims = unsafe { handle_mut(claims) }?;
        update(claims, |c| Ok(c.not_before(UnixTime::from_secs(at))))
    })
}

/// Limits how many attenuation blocks may be added to the key (0: none).
///
/// # Safety
///
/// `claims` must be live claims that no other thread uses during the call.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn till_claims_set_max_delegation(
    claims: *mut till_claims,
    blocks: u8,
) -> till_status {
    guard(|| {
        // SAFETY: the caller's promise.
        let claims = unsafe { handle_mut(claims) }?;
        update(claims, |c| Ok(c.max_delegation(blocks)))
    })
}

/// Adds roles, which a verifier's policy resolves each time the key is checked. Fails with
/// `TILL_INVALID_SCOPE` for a name that breaks the role grammar.
///
/// # Safety
///
/// `claims` must be live claims that no other thread uses during the call; `roles` must
/// point to `roles_len` `till_str` values (or be NULL when `roles_len` is 0).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn till_claims_add_roles(
    claims: *mut till_claims,
    roles: *const till_str,
    roles_len: usize,
) -> till_status {
    guard(|| {
        // SAFETY: the caller's promises.
        let (claims, roles) = unsafe { (handle_mut(claims)?, strs_in(roles, roles_len)?) };
        update(claims, |c| c.roles(roles))
    })
}

/// Mints on behalf of someone holding `roles`: the issuer's policy must allow every scope
/// and every carried role within those roles, or minting fails with `TILL_EXCEEDS_ROLES`
/// and names what exceeds them. The roles are not written into the key (that is
/// `till_claims_add_roles`). Fails with `TILL_INVALID_SCOPE` for a name that breaks the role
/// grammar.
///
/// # Safety
///
/// As for `till_claims_add_roles`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn till_claims_add_on_behalf_of(
    claims: *mut till_claims,
    roles: *const till_str,
    roles_len: usize,
) -> till_status {
    guard(|| {
        // SAFETY: the caller's promises.
        let (claims, roles) = unsafe { (handle_mut(claims)?, strs_in(roles, roles_len)?) };
        update(claims, |c| c.on_behalf_of(roles))
    })
}

/// Releases claims. NULL is ignored.
///
/// # Safety
///
/// `claims` must be NULL or claims not yet freed; they must not be used afterwards.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn till_claims_free(claims: *mut till_claims) {
    // SAFETY: the caller's promise.
    guard_void(|| unsafe { free_handle(claims) });
}

/// Builds an issuer that mints `till_` keys with the keyring's first root key.
///
/// # Safety
///
/// `keyring` must be a live keyring; `out_issuer` must be valid for writing a pointer. On
/// success it receives an issuer, to be released with `till_issuer_free`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn till_issuer_new(
    keyring: *const till_keyring,
    out_issuer: *mut *mut till_issuer,
) -> till_status {
    guard(|| {
        // SAFETY: the caller's promises.
        let (keyring, out) = unsafe { (handle(keyring)?, Out::new(out_issuer)?) };
        out.set(into_handle(till_issuer(Issuer::new(&keyring.0))));
        Ok(())
    })
}

/// Builds an issuer that mints keys with an application prefix instead of `till`: 2-12
/// lowercase letters or digits, starting with a letter. Fails with `TILL_INVALID_ARGUMENT`
/// otherwise.
///
/// # Safety
///
/// As for `till_issuer_new`; `prefix` must point to `prefix_len` readable bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn till_issuer_new_with_prefix(
    keyring: *const till_keyring,
    prefix: *const c_char,
    prefix_len: usize,
    out_issuer: *mut *mut till_issuer,
) -> till_status {
    guard(|| {
        // SAFETY: the caller's promises.
        let (keyring, prefix, out) = unsafe {
            (
                handle(keyring)?,
                str_in(prefix, prefix_len)?,
                Out::new(out_issuer)?,
            )
        };
        let prefix = Prefix::new(prefix).map_err(|e| status_of(&e))?;
        out.set(into_handle(till_issuer(
            Issuer::new(&keyring.0).with_prefix(prefix),
        )));
        Ok(())
    })
}

/// An issuer like `issuer` that checks carried roles and claims made on behalf of roles
/// against `policy`, as it stands at each mint. `issuer` is unchanged.
///
/// # Safety
///
/// `issuer` and `policy` must be live; `out_issuer` must be valid for writing a pointer. On
/// success it receives an issuer, to be released with `till_issuer_free`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn till_issuer_with_policy(
    issuer: *const till_issuer,
    policy: *const till_policy,
    out_issuer: *mut *mut till_issuer,
) -> till_status {
    guard(|| {
        // SAFETY: the caller's promises.
        let (issuer, policy, out) =
            unsafe { (handle(issuer)?, handle(policy)?, Out::new(out_issuer)?) };
        let with_policy = issuer.0.clone().with_policy(policy.0.clone());
        out.set(into_handle(till_issuer(with_policy)));
        Ok(())
    })
}

/// The shared body of the two mint functions.
///
/// # Safety
///
/// As for `till_issuer_mint_at`.
unsafe fn mint(
    issuer: *const till_issuer,
    claims: *const till_claims,
    now: Option<i64>,
    out_key: *mut *mut till_api_key,
    out_error: *mut *mut till_error,
) -> till_status {
    guard(|| {
        // SAFETY: the caller's promises.
        let (issuer, claims, out, out_error) = unsafe {
            (
                handle(issuer)?,
                handle(claims)?,
                Out::new(out_key)?,
                optional_out(out_error)?,
            )
        };
        let key = match now {
            Some(now) => issuer.0.mint_at(&claims.0, UnixTime::from_secs(now)),
            None => issuer.0.mint(&claims.0),
        };
        out.set(into_handle(till_api_key(
            key.map_err(|e| fail(e, out_error))?,
        )));
        Ok(())
    })
}

/// Mints a key from `claims`, at the system clock's time.
///
/// Fails with `TILL_INVALID_ARGUMENT` for claims that grant nothing or expire past
/// 9999-12-31, `TILL_INVALID_POLICY` for a carried role the issuer's policy lacks, and
/// `TILL_EXCEEDS_ROLES` for claims beyond the roles they are made on behalf of. On a failure
/// from the core, `*out_error`, unless `out_error` is NULL, receives the details (such as
/// the scopes beyond the roles), to be released with `till_error_free`.
///
/// # Safety
///
/// `issuer` and `claims` must be live; `out_key` must be valid for writing a pointer, and
/// `out_error` NULL or valid for writing a pointer. On success `*out_key` receives a key, to
/// be released with `till_api_key_free`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn till_issuer_mint(
    issuer: *const till_issuer,
    claims: *const till_claims,
    out_key: *mut *mut till_api_key,
    out_error: *mut *mut till_error,
) -> till_status {
    // SAFETY: the caller's promises.
    unsafe { mint(issuer, claims, None, out_key, out_error) }
}

/// Mints a key from `claims` as if the time were `now`, in seconds since the Unix epoch.
///
/// # Safety
///
/// As for `till_issuer_mint`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn till_issuer_mint_at(
    issuer: *const till_issuer,
    claims: *const till_claims,
    now: i64,
    out_key: *mut *mut till_api_key,
    out_error: *mut *mut till_error,
) -> till_status {
    // SAFETY: the caller's promises.
    unsafe { mint(issuer, claims, Some(now), out_key, out_error) }
}

/// Releases an issuer. NULL is ignored.
///
/// # Safety
///
/// `issuer` must be NULL or an issuer not yet freed; it must not be used afterwards.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn till_issuer_free(issuer: *mut till_issuer) {
    // SAFETY: the caller's promise.
    guard_void(|| unsafe { free_handle(issuer) });
}

/// Writes the key's text, to hand to its holder, followed by a NUL.
///
/// # Safety
///
/// `key` must be a live key. `buf` must be valid for writing `buf_len` bytes (or be NULL
/// when `buf_len` is 0), and `out_len` for writing a `size_t`. Fails with
/// `TILL_BUFFER_TOO_SMALL` when `buf_len` is not more than the text's length, which is then
/// written to `*out_len`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn till_api_key_text(
    key: *const till_api_key,
    buf: *mut c_char,
    buf_len: usize,
    out_len: *mut usize,
) -> till_status {
    guard(|| {
        // SAFETY: the caller's promises.
        let (key, out) = unsafe { (handle(key)?, TextOut::new(buf, buf_len, out_len)?) };
        out.write(key.0.expose_secret().as_bytes())
    })
}

/// Writes the id of the key (16 characters), shared by every key attenuated from it.
///
/// # Safety
///
/// As for `till_api_key_text`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn till_api_key_id(
    key: *const till_api_key,
    buf: *mut c_char,
    buf_len: usize,
    out_len: *mut usize,
) -> till_status {
    guard(|| {
        // SAFETY: the caller's promises.
        let (key, out) = unsafe { (handle(key)?, TextOut::new(buf, buf_len, out_len)?) };
        out.write(key.0.key_id().to_string().as_bytes())
    })
}

/// Writes the key's redacted form, such as `till_live_[redacted:AbCdEfGhIjKlMnOp]`, which is
/// safe to log.
///
/// # Safety
///
/// As for `till_api_key_text`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn till_api_key_redacted(
    key: *const till_api_key,
    buf: *mut c_char,
    buf_len: usize,
    out_len: *mut usize,
) -> till_status {
    guard(|| {
        // SAFETY: the caller's promises.
        let (key, out) = unsafe { (handle(key)?, TextOut::new(buf, buf_len, out_len)?) };
        out.write(key.0.redacted().as_bytes())
    })
}

/// Releases a key and wipes its text. NULL is ignored.
///
/// # Safety
///
/// `key` must be NULL or a key not yet freed; it must not be used afterwards.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn till_api_key_free(key: *mut till_api_key) {
    // SAFETY: the caller's promise.
    guard_void(|| unsafe { free_handle(key) });
}
