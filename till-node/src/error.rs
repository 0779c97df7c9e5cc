//! The one place where failures become JavaScript exceptions.

use std::cell::RefCell;
use std::mem::ManuallyDrop;

use napi::bindgen_prelude::{FnArgs, Function, FunctionRef};
use napi::{Env, Status};
use napi_derive::napi;

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

/// The arguments of the `TillError` constructor: message, code, number, missing scopes.
type ErrorArgs = FnArgs<(String, &'static str, u32, Option<Vec<String>>)>;

thread_local! {
    // Each JavaScript environment (the main thread, each worker) runs on a thread of its own
    // and registers its own class. The reference is never deleted: the environment reclaims
    // it when it is torn down, which may happen before this thread's storage is dropped.
    static ERROR_CLASS: RefCell<Option<ManuallyDrop<FunctionRef<ErrorArgs, ()>>>> =
        const { RefCell::new(None) };
}

/// Sets the class that `TillError`s are made of in this JavaScript environment.
#[napi(skip_typescript)]
pub fn register_error_class(class: Function<'_, ErrorArgs, ()>) -> napi::Result<()> {
    let class = ManuallyDrop::new(class.create_ref()?);
    ERROR_CLASS.with_borrow_mut(|slot| *slot = Some(class));
    Ok(())
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
    let message = error.to_string();
    let missing = error.missing_scopes().map(|missing| {
        missing
            .iter()
            .map(|scope| scope.as_str().to_owned())
            .collect()
    });

    ERROR_CLASS.with_borrow(|class| match class {
        Some(class) => {
            let args = (message, code.as_str(), code.number(), missing);
            let class = class.borrow_back(env)?;
            env.throw(class.new_instance(args.into())?)
        }
        // Only when the addon is loaded without its loader.
        None => env.throw_error(&message, Some(code.as_str())),
    })
}
