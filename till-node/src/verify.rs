//! Verifying keys, and what a verified key grants.

use std::cell::Cell;
use std::rc::Rc;

use napi::bindgen_prelude::{Function, FunctionRef};
use napi::{Env, JsValue, Status, Unknown, ValueType};
use napi_derive::napi;
use till_core::{KeyId, Request, VerifierBuilder};

use crate::convert;
use crate::error::{Failure, catch};
use crate::grants::Made;
use crate::held::{self, Held};
use crate::keys::Keyring;
use crate::policy::Policy;
use crate::{key, request};

/// Options of a `Verifier`.
#[allow(missing_debug_implementations, reason = "holds JavaScript values")]
#[napi(object, object_to_js = false)]
pub struct VerifierOptions<'a> {
    /// The environment accepted, `live` by default.
    pub env: Option<String>,
    /// An audience every key must name.
    pub audience: Option<String>,
    /// Seconds of clock difference tolerated (at most one day).
    pub leeway: Option<f64>,
    /// The application prefix accepted, `till` by default.
    pub prefix: Option<String>,
    /// The policy that resolves the roles keys carry; without one, roles grant nothing.
    #[napi(ts_type = "Policy")]
    pub policy: Option<Unknown<'a>>,
    /// Called, once the key is proven genuine, with the key id and each attenuation block id;
    /// returning `true` refuses the key as `revoked`. Runs synchronously; if it throws, the
    /// key is refused and the exception passes to the caller of `verify`.
    #[napi(ts_type = "(id: string) => boolean")]
    pub is_revoked: Option<Function<'a, String, bool>>,
}

/// Checks keys against a keyring, an environment, an audience and the clock.
#[napi]
pub struct Verifier {
    checker: Rc<Checker>,
}

/// What a `Verifier` checks keys with. The package's `Verifier` class keeps it in an
/// external ([`Held`]), which [`verify_with`] reads more cheaply than Node-API unwraps an
/// object.
pub struct Checker {
    inner: till_core::Verifier,
    is_revoked: Option<FunctionRef<String, bool>>,
}

#[napi]
impl Verifier {
    /// A verifier of keys minted with any root key of `keyring`.
    #[napi(
        constructor,
        ts_args_type = "keyring: Keyring, options?: VerifierOptions"
    )]
    pub fn new(env: Env, keyring: Unknown<'_>, options: Option<Unknown<'_>>) -> napi::Result<Self> {
        catch(&env, || {
            let keyring = convert::instance::<Keyring>(keyring, "a Verifier needs a Keyring")?;
            let options = options.map(|o| convert::value::<VerifierOptions>(o, OPTIONS));
            let builder = till_core::Verifier::builder(&keyring.inner);
            let (builder, is_revoked) = match options.transpose()? {
                Some(options) => options.apply(builder)?,
                None => (builder, None),
            };
            let checker = Checker {
                inner: builder.build()?,
                is_revoked,
            };
            Ok(Self {
                checker: Rc::new(checker),
            })
        })
    }

    /// Verifies `key` and checks that it grants `request`, at `now` (a Date or seconds) or
    /// the current time. Throws a `TillError` whose `code` says why a key is refused.
    /// `request` is a scope string, a `ScopeRequest`, or a `Request` built once to spare
    /// parsing it on every call. The grant's fields are worked out when first read.
    #[napi(
        ts_args_type = "key: KeyText, request: string | Request | ScopeRequest, now?: Time",
        ts_return_type = "Grant"
    )]
    pub fn verify(
        &self,
        env: Env,
        key: Unknown<'_>,
        request: Unknown<'_>,
        now: Option<Unknown<'_>>,
    ) -> napi::Result<Made> {
        catch(&env, || self.checker.verify(&env, key, request, now))
    }

    /// Verifies `key` without asking for a scope: proves it genuine, current and not revoked,
    /// and returns what it grants.
    #[napi(ts_args_type = "key: KeyText, now?: Time", ts_return_type = "Grant")]
    pub fn authenticate(
        &self,
        env: Env,
        key: Unknown<'_>,
        now: Option<Unknown<'_>>,
    ) -> napi::Result<Made> {
        catch(&env, || Ok(Made(self.checker.check(&env, key, None, now)?)))
    }

    /// What the package's `Verifier` class checks keys with, through [`verify_with`].
    #[napi(skip_typescript)]
    pub fn checker(&self) -> Held<Rc<Checker>> {
        Held(Rc::clone(&self.checker))
    }
}

/// [`Verifier::verify`], for the package's `Verifier` class, which holds the checker.
#[napi(skip_typescript)]
pub fn verify_with(
    env: Env,
    checker: Unknown<'_>,
    key: Unknown<'_>,
    request: Unknown<'_>,
    now: Option<Unknown<'_>>,
) -> napi::Result<Made> {
    with(&env, checker, |checker| {
        checker.verify(&env, key, request, now)
    })
}

/// [`Verifier::verify`] of a `Request` built once, for the package's `Verifier` class, which
/// holds the checker and hands over the request the `Request` holds.
#[napi(skip_typescript)]
pub fn verify_prepared_with(
    env: Env,
    checker: Unknown<'_>,
    key: Unknown<'_>,
    prepared: Unknown<'_>,
    now: Option<Unknown<'_>>,
) -> napi::Result<Made> {
    with(&env, checker, |checker| {
        let request = held::borrow::<Request>(prepared, PREPARED)?;
        Ok(Made(checker.check(&env, key, Some(request), now)?))
    })
}

/// [`Verifier::authenticate`], for the package's `Verifier` class, which holds the checker.
#[napi(skip_typescript)]
pub fn authenticate_with(
    env: Env,
    checker: Unknown<'_>,
    key: Unknown<'_>,
    now: Option<Unknown<'_>>,
) -> napi::Result<Made> {
    with(&env, checker, |checker| {
        Ok(Made(checker.check(&env, key, None, now)?))
    })
}

/// Runs `call` with the checker that `checker`, held by a `Verifier` of the package, holds.
fn with(
    env: &Env,
    checker: Unknown<'_>,
    call: impl FnOnce(&Checker) -> Result<Made, Failure>,
) -> napi::Result<Made> {
    catch(env, || call(held::borrow::<Rc<Checker>>(checker, CHECKER)?))
}

impl Checker {
    fn verify(
        &self,
        env: &Env,
        key: Unknown<'_>,
        request: Unknown<'_>,
        now: Option<Unknown<'_>>,
    ) -> Result<Made, Failure> {
        let mut room = request::Room::new();
        let Some(scope) = request::scope(request, &mut room)? else {
            let request = request::read_object(request, Some(&self.inner))?;
            return Ok(Made(self.check(env, key, Some(&request), now)?));
        };
        // Checked before the key and the time are read, as a request built here would be: a
        // bad scope is reported first whatever else is wrong.
        till_core::validate_scope(&scope)?;
        if self.is_revoked.is_some() {
            let request = request::one(&scope, Some(&self.inner))?;
            return Ok(Made(self.check(env, key, Some(&request), now)?));
        }
        let mut room = key::Room::new();
        let key = key::read(key, &mut room)?;
        let now = self.now(now)?;
        Ok(Made(self.inner.verify_scope_at(
            key.as_bytes(),
            &scope,
            now,
        )?))
    }

    /// `now`, a Date or seconds, or the clock's time when no time is given.
    fn now(&self, now: Option<Unknown<'_>>) -> Result<till_core::UnixTime, Failure> {
        match now {
            Some(now) => convert::time(now),
            None => Ok(self.inner.now()),
        }
    }

    fn check(
        &self,
        env: &Env,
        key: Unknown<'_>,
        request: Option<&Request>,
        now: Option<Unknown<'_>>,
    ) -> Result<till_core::Grant, Failure> {
        let mut room = key::Room::new();
        let key = key::read(key, &mut room)?;
        let now = self.now(now)?;

        // The callback cannot fail inside till-core: a failure refuses the key there, and is
        // kept to be reported here.
        let callback = self.is_revoked.as_ref().map(|f| f.borrow_back(env));
        let callback = callback.transpose()?;
        let failure = Cell::new(None);
        let ask = |id: &KeyId| {
            let Some(callback) = &callback else {
                return false;
            };
            callback.call(id.to_string()).unwrap_or_else(|error| {
                failure.set(Some(error));
                true
            })
        };
        let grant = self
            .inner
            .verify_with_revocation(key.as_bytes(), request, now, &ask);
        match failure.into_inner() {
            None => Ok(grant?),
            Some(error) if error.status == Status::BooleanExpected => {
                Err(Failure::Type("isRevoked must return a boolean"))
            }
            Some(thrown) => Err(Failure::Js(thrown)),
        }
    }
}

impl VerifierOptions<'_> {
    fn apply(
        self,
        mut builder: VerifierBuilder,
    ) -> Result<(VerifierBuilder, Option<FunctionRef<String, bool>>), Failure> {
        if let Some(env) = &self.env {
            builder = builder.env(env);
        }
        if let Some(audience) = &self.audience {
            builder = builder.audience(audience);
        }
        if let Some(leeway) = self.leeway {
            builder = builder.leeway(convert::whole(leeway, LEEWAY)?);
        }
        if let Some(prefix) = &self.prefix {
            builder = builder.prefix(prefix);
        }
        if let Some(policy) = self.policy {
            let policy = convert::instance::<Policy>(policy, POLICY)?;
            builder = builder.policy(policy.inner.clone());
        }
        let is_revoked = match self.is_revoked {
            Some(f) if f.to_unknown().get_type()? == ValueType::Function => Some(f.create_ref()?),
            Some(_) => return Err(Failure::Type("isRevoked is a function")),
            None => None,
        };
        Ok((builder, is_revoked))
    }
}

impl std::fmt::Debug for Verifier {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.checker.fmt(f)
    }
}

impl std::fmt::Debug for Checker {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Verifier")
            .field("inner", &self.inner)
            .field("is_revoked", &self.is_revoked.is_some())
            .finish()
    }
}

const CHECKER: &str = "verify is called on a Verifier made by @till/node";
const PREPARED: &str = "a prepared request is made by @till/node's Request";
const OPTIONS: &str = "the options of a Verifier are a VerifierOptions object";
const POLICY: &str = "policy is a Policy object";
const LEEWAY: &str = "leeway is a whole number of seconds";
