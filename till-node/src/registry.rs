//! What the package's loader hands the binding once in each JavaScript environment: the
//! `TillError` class.

use std::cell::RefCell;
use std::mem::ManuallyDrop;

use napi::Env;
use napi::bindgen_prelude::{FnArgs, Function, FunctionRef};
use napi_derive::napi;

/// The arguments of the `TillError` constructor: message, code, number, the scopes missing
/// (`insufficient_scope`) and the scopes beyond the roles (`exceeds_roles`).
pub(crate) type ErrorArgs = FnArgs<(
    String,
    &'static str,
    u32,
    Option<Vec<String>>,
    Option<Vec<String>>,
)>;

struct Registered {
    error_class: FunctionRef<ErrorArgs, ()>,
}

thread_local! {
    // Each JavaScript environment (the main thread, each worker) runs on a thread of its own
    // and registers its own functions. The references are never deleted: the environment
    // reclaims them when it is torn down, which may happen before this thread's storage is.
    static REGISTERED: RefCell<Option<ManuallyDrop<Registered>>> = const { RefCell::new(None) };
}

/// Sets the class `TillError`s are made of for this JavaScript environment.
#[napi(skip_typescript)]
pub fn register(error_class: Function<'_, ErrorArgs, ()>) -> napi::Result<()> {
    let registered = Registered {
        error_class: error_class.create_ref()?,
    };
    REGISTERED.with_borrow_mut(|slot| *slot = Some(ManuallyDrop::new(registered)));
    Ok(())
}

/// Throws a `TillError`, or a plain `Error` with the same `code` when the addon was loaded
/// without its loader.
pub(crate) fn throw_till_error(env: &Env, args: ErrorArgs) -> napi::Result<()> {
    REGISTERED.with_borrow(|registered| match registered {
        Some(registered) => {
            let class = registered.error_class.borrow_back(env)?;
            env.throw(class.new_instance(args)?)
        }
        None => env.throw_error(&args.data.0, Some(args.data.1)),
    })
}
