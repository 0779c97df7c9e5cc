//! Status codes: the numbers of `till_core::ErrorCode`, and a few that only the C interface
//! can produce.

use std::ffi::{CStr, CString, c_char};
use std::panic;
use std::sync::OnceLock;

use till_core::{Error, ErrorCode};

/// The outcome of a call: `TILL_OK` (0), a code of the core (1-99, the numbers of
/// `ErrorCode::number`, shared with every other interface), or a code of the C interface
/// itself (100 and up). Numbers are never reused.
pub type till_status = u32;

/// Success.
pub const TILL_OK: till_status = 0;
/// The text is not a well-formed key.
pub const TILL_MALFORMED: till_status = 1;
/// The checksum at the end of the key does not match the text before it.
pub const TILL_BAD_CHECKSUM: till_status = 2;
/// The key exceeds a documented limit.
pub const TILL_TOO_LARGE: till_status = 3;
/// The key states a format version this library does not know.
pub const TILL_UNSUPPORTED_VERSION: till_status = 4;
/// The key names a root key that the keyring does not hold.
pub const TILL_UNKNOWN_ROOT_KEY: till_status = 5;
/// The key's tag is wrong: it was forged, altered, or minted under another secret.
pub const TILL_INVALID_SIGNATURE: till_status = 6;
/// The key was minted for another environment.
pub const TILL_WRONG_ENVIRONMENT: till_status = 7;
/// The key was minted for another audience, or states none where one is required.
pub const TILL_WRONG_AUDIENCE: till_status = 8;
/// The key has expired.
pub const TILL_EXPIRED: till_status = 9;
/// The key is not valid yet.
pub const TILL_NOT_YET_VALID: till_status = 10;
/// The key, or a key it was attenuated from, has been revoked.
pub const TILL_REVOKED: till_status = 11;
/// The key is valid but does not grant what was asked.
pub const TILL_INSUFFICIENT_SCOPE: till_status = 12;
/// The key carries more attenuation blocks than one of its links allows.
pub const TILL_DELEGATION_LIMIT: till_status = 13;
/// A scope or request does not follow the scope grammar.
pub const TILL_INVALID_SCOPE: till_status = 14;
/// An argument is out of range or badly formed (an index past the end, for instance).
pub const TILL_INVALID_ARGUMENT: till_status = 15;
/// Attenuation asked for a scope the key does not hold.
pub const TILL_SCOPE_NOT_HELD: till_status = 16;
/// A root key's text is not valid.
pub const TILL_INVALID_ROOT_KEY: till_status = 17;
/// A keyring was given two root keys with the same id.
pub const TILL_DUPLICATE_ROOT_KEY: till_status = 18;
/// The system failed in a way the caller cannot fix (no randomness, for instance).
pub const TILL_INTERNAL: till_status = 19;
/// A policy names an unknown role, includes roles in a cycle, or breaks the grammar.
pub const TILL_INVALID_POLICY: till_status = 20;
/// Minting on behalf of roles asked for more than those roles allow.
pub const TILL_EXCEEDS_ROLES: till_status = 21;
/// A pointer argument was NULL where a value is required, or NULL with a non-zero length.
pub const TILL_NULL_ARGUMENT: till_status = 100;
/// A text argument is not valid UTF-8.
pub const TILL_INVALID_UTF8: till_status = 101;
/// The caller's buffer cannot hold the text and its terminating NUL; the text's length has
/// been written to the length out-parameter.
pub const TILL_BUFFER_TOO_SMALL: till_status = 102;
/// Till failed unexpectedly and the call was abandoned; no output was written.
pub const TILL_INTERNAL_PANIC: till_status = 103;

// The core codes keep the numbers of the core, so that logs and metrics agree across languages.
const _: () = {
    assert!(TILL_MALFORMED == ErrorCode::Malformed.number());
    assert!(TILL_BAD_CHECKSUM == ErrorCode::BadChecksum.number());
    assert!(TILL_TOO_LARGE == ErrorCode::TooLarge.number());
    assert!(TILL_UNSUPPORTED_VERSION == ErrorCode::UnsupportedVersion.number());
    assert!(TILL_UNKNOWN_ROOT_KEY == ErrorCode::UnknownRootKey.number());
    assert!(TILL_INVALID_SIGNATURE == ErrorCode::InvalidSignature.number());
    assert!(TILL_WRONG_ENVIRONMENT == ErrorCode::WrongEnvironment.number());
    assert!(TILL_WRONG_AUDIENCE == ErrorCode::WrongAudience.number());
    assert!(TILL_EXPIRED == ErrorCode::Expired.number());
    assert!(TILL_NOT_YET_VALID == ErrorCode::NotYetValid.number());
    assert!(TILL_REVOKED == ErrorCode::Revoked.number());
    assert!(TILL_INSUFFICIENT_SCOPE == ErrorCode::InsufficientScope.number());
    assert!(TILL_DELEGATION_LIMIT == ErrorCode::DelegationLimit.number());
    assert!(TILL_INVALID_SCOPE == ErrorCode::InvalidScope.number());
    assert!(TILL_INVALID_ARGUMENT == ErrorCode::InvalidArgument.number());
    assert!(TILL_SCOPE_NOT_HELD == ErrorCode::ScopeNotHeld.number());
    assert!(TILL_INVALID_ROOT_KEY == ErrorCode::InvalidRootKey.number());
    assert!(TILL_DUPLICATE_ROOT_KEY == ErrorCode::DuplicateRootKey.number());
    assert!(TILL_INTERNAL == ErrorCode::Internal.number());
    assert!(TILL_INVALID_POLICY == ErrorCode::InvalidPolicy.number());
    assert!(TILL_EXCEEDS_ROLES == ErrorCode::ExceedsRoles.number());
};

/// The status of a core error. Every error of the core reaches C through this function.
pub(crate) fn status_of(error: &Error) -> till_status {
    error.code().number()
}

/// The codes of the C interface itself, with their names and messages.
const FFI_CODES: [(till_status, &CStr, &CStr); 5] = [
    (TILL_OK, c"ok", c"success"),
    (
        TILL_NULL_ARGUMENT,
        c"null_argument",
        c"a required pointer argument is NULL",
    ),
    (
        TILL_INVALID_UTF8,
        c"invalid_utf8",
        c"a text argument is not valid UTF-8",
    ),
    (
        TILL_BUFFER_TOO_SMALL,
        c"buffer_too_small",
        c"the output buffer is too small",
    ),
    (
        TILL_INTERNAL_PANIC,
        c"internal_panic",
        c"Till failed unexpectedly",
    ),
];

/// Each core code's number and name, NUL-terminated, taken from the core so that the
/// names cannot drift.
fn core_names() -> &'static [(till_status, CString)] {
    static NAMES: OnceLock<Vec<(till_status, CString)>> = OnceLock::new();
    NAMES.get_or_init(|| {
        ErrorCode::ALL
            .into_iter()
            .filter_map(|code| Some((code.number(), CString::new(code.as_str()).ok()?)))
            .collect()
    })
}

/// A one-line description of each core code, for `till_status_str`.
fn core_message(code: ErrorCode) -> &'static CStr {
    match code {
        ErrorCode::Malformed => c"the text is not a well-formed key",
        ErrorCode::BadChecksum => c"the key was mistyped, truncated or altered",
        ErrorCode::TooLarge => c"the key exceeds a documented limit",
        ErrorCode::UnsupportedVersion => c"the key's format version is not supported",
        ErrorCode::UnknownRootKey => c"the key names a root key the keyring does not hold",
        ErrorCode::InvalidSignature => c"the key's signature does not verify",
        ErrorCode::WrongEnvironment => c"the key belongs to another environment",
        ErrorCode::WrongAudience => c"the key is for another audience",
        ErrorCode::Expired => c"the key has expired",
        ErrorCode::NotYetValid => c"the key is not valid yet",
        ErrorCode::Revoked => c"the key has been revoked",
        ErrorCode::InsufficientScope => c"the key does not grant what was asked",
        ErrorCode::DelegationLimit => c"the key exceeds its delegation limit",
        ErrorCode::InvalidScope => c"a scope does not follow the scope grammar",
        ErrorCode::InvalidArgument => c"an argument is out of range or badly formed",
        ErrorCode::ScopeNotHeld => c"the key does not hold a scope asked for",
        ErrorCode::InvalidRootKey => c"the root key text is not valid",
        ErrorCode::DuplicateRootKey => c"two root keys share an id",
        ErrorCode::Internal => c"the system failed (no randomness, for instance)",
        ErrorCode::InvalidPolicy => c"the policy is not valid",
        ErrorCode::ExceedsRoles => c"the key would grant more than its roles allow",
        // A code the core adds later still gets its name, and this until it is described.
        _ => c"see the code's name",
    }
}

const UNKNOWN_NAME: &CStr = c"unknown";
const UNKNOWN_MESSAGE: &CStr = c"unknown status";

/// The name and message of `status`, each ending in NUL.
fn describe(status: till_status) -> (&'static CStr, &'static CStr) {
    if let Some(&(_, name, message)) = FFI_CODES.iter().find(|(s, _, _)| *s == status) {
        return (name, message);
    }
    let code = ErrorCode::ALL
        .into_iter()
        .find(|code| code.number() == status);
    let name = core_names().iter().find(|(number, _)| *number == status);
    match (code, name) {
        (Some(code), Some((_, name))) => (name.as_c_str(), core_message(code)),
        _ => (UNKNOWN_NAME, UNKNOWN_MESSAGE),
    }
}

/// A static, NUL-terminated, human-readable description of `status`, such as
/// "the key has expired". Never NULL; an unknown status gives "unknown status". The text
/// may change between versions: compare statuses, or the names of `till_status_code`.
#[unsafe(no_mangle)]
pub extern "C" fn till_status_str(status: till_status) -> *const c_char {
    panic::catch_unwind(|| describe(status).1)
        .unwrap_or(UNKNOWN_MESSAGE)
        .as_ptr()
}

/// The static, NUL-terminated, stable name of `status`, such as "insufficient_scope": the
/// same strings as every other Till interface. "ok" for `TILL_OK`, "unknown" for a number
/// Till does not use. Never NULL.
#[unsafe(no_mangle)]
pub extern "C" fn till_status_code(status: till_status) -> *const c_char {
    panic::catch_unwind(|| describe(status).0)
        .unwrap_or(UNKNOWN_NAME)
        .as_ptr()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_the_core_names() {
        for code in ErrorCode::ALL {
            let (name, message) = describe(code.number());
            assert_eq!(name.to_str(), Ok(code.as_str()));
            assert!(!message.is_empty() && message != UNKNOWN_MESSAGE);
        }
        assert_eq!(describe(TILL_BUFFER_TOO_SMALL).0, c"buffer_too_small");
        assert_eq!(describe(99).0, c"unknown");
        assert_eq!(describe(u32::MAX).1, c"unknown status");
    }

    #[test]
    fn no_interface_code_reuses_a_core_number() {
        for (status, _, _) in FFI_CODES {
            assert!(ErrorCode::ALL.iter().all(|code| code.number() != status));
        }
    }
}
