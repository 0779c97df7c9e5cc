//! Policies: the roles keys may carry, resolved by verifiers at every check.

use std::collections::BTreeMap;
use std::ffi::c_char;

use till_core::{Error, Policy, PolicyDefinition, SharedPolicy};

use crate::ffi::{Out, free_handle, guard, guard_void, handle, into_handle, optional_out, str_in};
use crate::grant::{fail, till_error};
use crate::status::till_status;
use crate::text::owned_string;

/// A policy that verifiers and issuers share. `till_policy_replace_json` changes it for all
/// of them at once, so a permission taken from a role is gone from every key at the next
/// check. Safe to use from several threads at once, replacements included.
#[derive(Debug)]
pub struct till_policy(pub(crate) SharedPolicy);

/// Reads a policy from its JSON form, `{"roles": {"<name>": {"scopes": [...],
/// "includes": [...]}}}`, and resolves it: the core refuses unknown roles, cycles of
/// includes, and names or scopes that break the grammar, with `TILL_INVALID_POLICY`.
fn read(json: &str) -> Result<Policy, Error> {
    let definition: PolicyDefinition = serde_json::from_str(json)
        .map_err(|e| Error::InvalidPolicy(format!("not a policy in JSON: {e}")))?;
    Policy::new(&definition)
}

/// Builds a policy from JSON text such as
/// `{"roles": {"support": {"scopes": ["tickets:write"], "includes": ["viewer"]}}}`.
///
/// Fails with `TILL_INVALID_POLICY` for text that is not such JSON, an include of an unknown
/// role, includes in a cycle, or a role name or scope that breaks the grammar. On that
/// failure `*out_error`, unless `out_error` is NULL, receives the details, whose message
/// names the roles or scopes at fault; release it with `till_error_free`.
///
/// # Safety
///
/// `json` must point to `json_len` readable bytes (or be NULL when `json_len` is 0);
/// `out_policy` must be valid for writing a pointer, and `out_error` NULL or valid for
/// writing a pointer. On success `*out_policy` receives a policy, to be released with
/// `till_policy_free`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn till_policy_from_json(
    json: *const c_char,
    json_len: usize,
    out_policy: *mut *mut till_policy,
    out_error: *mut *mut till_error,
) -> till_status {
    guard(|| {
        // SAFETY: the caller's promises.
        let (json, out, out_error) = unsafe {
            (
                str_in(json, json_len)?,
                Out::new(out_policy)?,
                optional_out(out_error)?,
            )
        };
        let policy = read(json).map_err(|e| fail(e, out_error))?;
        out.set(into_handle(till_policy(SharedPolicy::new(policy))));
        Ok(())
    })
}

/// Puts a new policy, in the same JSON form, in force for every verifier and issuer that
/// holds this one; their next check uses it. On failure the policy in force is unchanged.
///
/// # Safety
///
/// `policy` must be a live policy; otherwise as for `till_policy_from_json`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn till_policy_replace_json(
    policy: *const till_policy,
    json: *const c_char,
    json_len: usize,
    out_error: *mut *mut till_error,
) -> till_status {
    guard(|| {
        // SAFETY: the caller's promises.
        let (policy, json, out_error) = unsafe {
            (
                handle(policy)?,
                str_in(json, json_len)?,
                optional_out(out_error)?,
            )
        };
        let replacement = read(json).map_err(|e| fail(e, out_error))?;
        policy.0.replace(replacement);
        Ok(())
    })
}

/// Writes the policy in force as JSON that maps each role, by name, to the scopes it allows
/// with includes followed, such as `{"support":["tickets:read","tickets:write"]}`, into a
/// string Till allocates. `*out_json` receives it, NUL-terminated, and `*out_len` its length;
/// release it with `till_string_free`.
///
/// # Safety
///
/// `policy` must be a live policy; `out_json` must be valid for writing a pointer and
/// `out_len` for writing a `size_t`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn till_policy_roles_json(
    policy: *const till_policy,
    out_json: *mut *mut c_char,
    out_len: *mut usize,
) -> till_status {
    guard(|| {
        // SAFETY: the caller's promises.
        let (policy, out_json, out_len) =
            unsafe { (handle(policy)?, Out::new(out_json)?, Out::new(out_len)?) };
        let current = policy.0.current();
        let roles: BTreeMap<&str, Vec<&str>> = current
            .roles()
            .into_iter()
            .map(|(name, scopes)| (name, scopes.iter().map(|s| s.as_str()).collect()))
            .collect();
        owned_string(serde_json::to_string(&roles), out_json, out_len)
    })
}

/// Releases the caller's hold on a policy; verifiers and issuers that use it keep it. NULL
/// is ignored.
///
/// # Safety
///
/// `policy` must be NULL or a policy not yet freed; it must not be used afterwards.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn till_policy_free(policy: *mut till_policy) {
    // SAFETY: the caller's promise.
    guard_void(|| unsafe { free_handle(policy) });
}
