//! Roles: named sets of scopes that keys may carry, resolved by verifiers at every check.

use std::collections::{BTreeMap, HashMap};

use napi::{Env, Unknown};
use napi_derive::napi;
use till_core::SharedPolicy;

use crate::convert;
use crate::error::{Failure, catch};

/// Roles and the scopes each allows, as a policy file states them.
#[derive(Debug)]
#[napi(object, object_to_js = false)]
pub struct PolicyDefinition {
    /// The roles, by name.
    pub roles: Option<HashMap<String, RoleDefinition>>,
}

/// One role of a policy.
#[derive(Debug)]
#[napi(object, object_to_js = false)]
pub struct RoleDefinition {
    /// Scopes the role allows.
    pub scopes: Option<Vec<String>>,
    /// Roles whose scopes this role also allows.
    pub includes: Option<Vec<String>>,
}

/// A policy that verifiers and issuers share: roles that keys may carry, resolved at every
/// verify. `replace` changes it for all of them at once, so a permission taken from a role
/// is gone from every key at the next check.
#[derive(Debug)]
#[napi]
pub struct Policy {
    pub(crate) inner: SharedPolicy,
}

#[napi]
impl Policy {
    /// A policy of `definition`. Fails with `invalid_policy` on an unknown role, a cycle of
    /// includes, or a name or scope that breaks the grammar.
    #[napi(constructor, ts_args_type = "definition: PolicyDefinition")]
    pub fn new(env: Env, definition: Unknown<'_>) -> napi::Result<Self> {
        catch(&env, || {
            Ok(Self {
                inner: SharedPolicy::new(read(definition)?),
            })
        })
    }

    /// Puts `definition` in force for every verifier and issuer that holds this policy.
    #[napi(ts_args_type = "definition: PolicyDefinition")]
    pub fn replace(&self, env: Env, definition: Unknown<'_>) -> napi::Result<()> {
        catch(&env, || {
            self.inner.replace(read(definition)?);
            Ok(())
        })
    }

    /// Every role, by name, with the scopes it allows, includes followed.
    #[napi(getter)]
    pub fn roles(&self) -> BTreeMap<String, Vec<String>> {
        let policy = self.inner.current();
        let roles = policy.roles().into_iter().map(|(name, scopes)| {
            let scopes = scopes.iter().map(|s| s.as_str().to_owned()).collect();
            (name.to_owned(), scopes)
        });
        roles.collect()
    }
}

fn read(definition: Unknown<'_>) -> Result<till_core::Policy, Failure> {
    let definition = convert::value::<PolicyDefinition>(definition, DEFINITION)?;
    let roles = definition
        .roles
        .unwrap_or_default()
        .into_iter()
        .map(|(name, role)| {
            let role = till_core::RoleDefinition {
                scopes: role.scopes.unwrap_or_default(),
                includes: role.includes.unwrap_or_default(),
            };
            (name, role)
        });
    let definition = till_core::PolicyDefinition {
        roles: roles.collect(),
    };
    Ok(till_core::Policy::new(&definition)?)
}

const DEFINITION: &str = "a policy is { roles: { <name>: { scopes, includes } } }";
