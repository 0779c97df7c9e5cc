//! The one place where failures become JavaScript exceptions.

use napi::{Env, Status};

use till_core::Scope;

use crate::registry;

/// Why a binding call failed.
pub(crate) enum Failure {
    /// `till-core` refused: thrown as a `TillError` with the error's code.
    Till(till_core::Error),
    /// An argument has the wrong JavaScript type: thrown as a `TypeError`.
    Type(&'static str),
    /// The JavaScript engine failed, or JavaScript code called from here threw: passed on.
    Js(napi::Error),
}

impl From<till_core::Error> for Failure {
    fn from(error: till_core::Error) -> Self {
        Self::Till(error)
    }
}

impl From<napi::Error> for Failure {
    fn from(error: napi::Error) -> Self {
        Self::Js(error)
    }
}

/// Runs one binding call, throwing the JavaScript exception for its failure.
pub(crate) fn catch<T>(env: &Env, call: impl FnOnce() -> Result<T, Failure>) -> napi::Result<T> {
    call().map_err(|failure| throw(env, failure))
}

fn throw(env: &Env, failure: Failure) -> napi::Error {
    let thrown = match failure {
        Failure::Js(error) => return error,
        Failure::Type(message) => env.throw_type_error(message, Some("ERR_INVALID_ARG_TYPE")),
        Failure::Till(error) => throw_till_error(env, &error),
    };
    match thrown {
        Ok(()) => napi::Error::from_status(Status::PendingException),
        Err(error) => error,
    }
}

fn throw_till_error(env: &Env, error: &till_core::Error) -> napi::Result<()> {
    let code = error.code();
    let missing = error.missing_scopes().map(|missing| names(missing.iter()));
    let beyond = match error {
        till_core::Error::ExceedsRoles(scopes) => Some(names(scopes.iter())),
        _ => None,
    };
    let args = (
        error.to_string(),
        code.as_str(),
        code.number(),
        missing,
        beyond,
    );
    registry::throw_till_error(env, args.into())
}

fn names<'a>(scopes: impl Iterator<Item = &'a Scope>) -> Vec<String> {
    scopes.map(|scope| scope.as_str().to_owned()).collect()
}
