//! What the package's loader hands the binding once in each JavaScript environment: the
//! `TillError` class, and the function that builds grant objects.

use std::cell::RefCell;
use std::mem::ManuallyDrop;

use napi::bindgen_prelude::{FnArgs, Function, FunctionRef};
use napi::{Env, Unknown};
use napi_derive::napi;

use crate::convert::Date;
use crate::verify::{Grant, Link};

/// The arguments of the `TillError` constructor: message, code, number, the scopes missing
/// (`insufficient_scope`) and the scopes beyond the roles (`exceeds_roles`).
pub(crate) type ErrorArgs = FnArgs<(
    String,
    &'static str,
    u32,
    Option<Vec<String>>,
    Option<Vec<String>>,
)>;

/// The fields of a [`Grant`], in the order they are declared.
type GrantArgs = FnArgs<(
    String,
    String,
    String,
    String,
    Option<String>,
    Option<String>,
    Vec<String>,
    Vec<String>,
    Date,
    Option<Date>,
    Option<Date>,
    Vec<Link>,
)>;

struct Registered {
    error_class: FunctionRef<ErrorArgs, ()>,
    make_grant: FunctionRef<GrantArgs, Unknown<'static>>,
}

thread_local! {
    // Each JavaScript environment (the main thread, each worker) runs on a thread of its own
    // and registers its own functions. The references are never deleted: the environment
    // reclaims them when it is torn down, which may happen before this thread's storage is.
    static REGISTERED: RefCell<Option<ManuallyDrop<Registered>>> = const { RefCell::new(None) };
}

/// Sets the class `TillError`s are made of, and the function that makes grants, for this
/// JavaScript environment.
#[napi(skip_typescript)]
pub fn register(
    error_class: Function<'_, ErrorArgs, ()>,
    make_grant: Function<'_, GrantArgs, Unknown<'static>>,
) -> napi::Result<()> {
    let registered = Registered {
        error_class: error_class.create_ref()?,
        make_grant: make_grant.create_ref()?,
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

/// The JavaScript object for `grant`.
///
/// The loader's function builds it as an object literal: V8 gives those one fixed shape at
/// once, where setting the fields one by one from here costs several times as much.
pub(crate) fn grant(env: &Env, grant: Grant) -> napi::Result<Unknown<'static>> {
    let fields = (
        grant.key_id,
        grant.root_key_id,
        grant.prefix,
        grant.env,
        grant.subject,
        grant.audience,
        grant.scopes,
        grant.roles,
        grant.issued_at,
        grant.expires_at,
        grant.not_before,
        grant.chain,
    );
    REGISTERED.with_borrow(|registered| match registered {
        Some(registered) => registered.make_grant.borrow_back(env)?.call(fields.into()),
        None => Err(napi::Error::from_reason(
            "load the addon through @till/node's index.js",
        )),
    })
}
