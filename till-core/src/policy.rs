//! Roles: named sets of scopes that keys refer to and verifiers resolve at every check.
//!
//! A policy names roles; each role allows scopes (the grammar of keys) and may include other
//! roles. A key may carry role names; a verifier resolves them against its current policy,
//! so a permission removed from a role is gone from every key at the next verify, without
//! re-issuing anything. A role the policy does not name grants nothing.

use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::sync::{Arc, RwLock};

use serde::Deserialize;

use crate::error::Error;
use crate::scope::{self, Scope};

/// One role as written in a policy file.
#[derive(Clone, Debug, Default, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct RoleDefinition {
    /// Scopes the role allows.
    #[serde(default)]
    pub scopes: Vec<String>,
    /// Roles whose scopes this role also allows.
    #[serde(default)]
    pub includes: Vec<String>,
}

/// A policy as written in a file: `[roles.support]` with `scopes` and `includes` in TOML, or
/// `{"roles": {"support": {"scopes": [...], "includes": [...]}}}` in JSON.
#[derive(Clone, Debug, Default, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct PolicyDefinition {
    /// The roles, by name.
    #[serde(default)]
    pub roles: BTreeMap<String, RoleDefinition>,
}

/// A validated policy: every role resolved to the scopes it allows, includes followed.
///
/// Built with [`Policy::new`], or deserialized with serde from any format (the `till`
/// command and the bindings read TOML and JSON); either way unknown references and cycles
/// are refused with an error that names them.
#[derive(Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(try_from = "PolicyDefinition")]
pub struct Policy {
    resolved: HashMap<Box<str>, Box<[Scope]>>,
}

impl Policy {
    /// Validates and resolves a policy.
    pub fn new(definition: &PolicyDefinition) -> Result<Self, Error> {
        let roles = &definition.roles;
        for (name, role) in roles {
            scope::validate_role(name)
                .map_err(|_| invalid(format!("`{name}` is not a valid role name")))?;
            for text in &role.scopes {
                Scope::parse(text)
                    .map_err(|e| invalid(format!("role `{name}`: scope `{text}`: {e}")))?;
            }
            if let Some(missing) = role
                .includes
                .iter()
                .find(|r| !roles.contains_key(r.as_str()))
            {
                return Err(invalid(format!(
                    "role `{name}` includes `{missing}`, which is not defined"
                )));
            }
        }
        if let Some(cycle) = find_cycle(roles) {
            return Err(invalid(format!(
                "roles include each other in a cycle: {}",
                cycle.join(" -> ")
            )));
        }

        let mut resolved = HashMap::with_capacity(roles.len());
        for name in roles.keys() {
            let mut scopes = Vec::new();
            collect(roles, name, &mut scopes);
            let scopes: Vec<Scope> = scopes.iter().filter_map(|s| Scope::parse(s).ok()).collect();
            resolved.insert(
                name.as_str().into(),
                scope::minimize(scopes).into_boxed_slice(),
            );
        }
        Ok(Self { resolved })
    }

    /// The scopes `role` allows, includes followed; `None` when the policy lacks the role.
    pub fn scopes(&self, role: &str) -> Option<&[Scope]> {
        self.resolved.get(role).map(|s| &**s)
    }

    /// Every role, sorted by name, with its resolved scopes.
    pub fn roles(&self) -> Vec<(&str, &[Scope])> {
        let mut roles: Vec<(&str, &[Scope])> =
            self.resolved.iter().map(|(n, s)| (&**n, &**s)).collect();
        roles.sort_by_key(|(name, _)| *name);
        roles
    }

    /// Whether `role` allows `requested`.
    pub(crate) fn role_covers(&self, role: &[u8], requested: &[u8]) -> bool {
        let Ok(role) = std::str::from_utf8(role) else {
            return false;
        };
        self.resolved.get(role).is_some_and(|scopes| {
            scopes
                .iter()
                .any(|s| scope::covers(s.as_str().as_bytes(), requested))
        })
    }

    /// The scopes that no scope of the `ceiling` roles covers. A role the policy lacks
    /// allows nothing.
    pub(crate) fn beyond<'a>(
        &self,
        ceiling: &[String],
        scopes: impl Iterator<Item = &'a Scope>,
    ) -> Vec<Scope> {
        let allowed: Vec<&Scope> = ceiling
            .iter()
            .filter_map(|r| self.scopes(r))
            .flatten()
            .collect();
        scopes
            .filter(|s| !allowed.iter().any(|a| a.covers(s)))
            .cloned()
            .collect()
    }
}

impl TryFrom<PolicyDefinition> for Policy {
    type Error = Error;

    fn try_from(definition: PolicyDefinition) -> Result<Self, Error> {
        Self::new(&definition)
    }
}

impl fmt::Debug for Policy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map().entries(self.roles()).finish()
    }
}

/// A policy that can be replaced while verifiers use it: the next verify sees the new one.
#[derive(Clone, Default)]
pub struct SharedPolicy {
    current: Arc<RwLock<Arc<Policy>>>,
}

impl SharedPolicy {
    /// Shares `policy`.
    pub fn new(policy: Policy) -> Self {
        Self {
            current: Arc::new(RwLock::new(Arc::new(policy))),
        }
    }

    /// Replaces the policy for every verifier that shares it.
    pub fn replace(&self, policy: Policy) {
        let mut current = self
            .current
            .write()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        *current = Arc::new(policy);
    }

    /// The policy in force now.
    pub fn current(&self) -> Arc<Policy> {
        Arc::clone(
            &self
                .current
                .read()
                .unwrap_or_else(|poisoned| poisoned.into_inner()),
        )
    }
}

impl fmt::Debug for SharedPolicy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.current().fmt(f)
    }
}

fn invalid(message: String) -> Error {
    Error::InvalidPolicy(message)
}

/// Every scope `name` allows, following includes. The policy is known to be acyclic.
fn collect(roles: &BTreeMap<String, RoleDefinition>, name: &str, out: &mut Vec<String>) {
    if let Some(role) = roles.get(name) {
        out.extend(role.scopes.iter().cloned());
        for included in &role.includes {
            collect(roles, included, out);
        }
    }
}

/// A cycle of includes, as the list of role names that form it, if there is one.
fn find_cycle(roles: &BTreeMap<String, RoleDefinition>) -> Option<Vec<String>> {
    #[derive(Clone, Copy, PartialEq)]
    enum Mark {
        Unseen,
        Open,
        Done,
    }
    fn visit<'a>(
        roles: &'a BTreeMap<String, RoleDefinition>,
        name: &'a str,
        marks: &mut HashMap<&'a str, Mark>,
        path: &mut Vec<&'a str>,
    ) -> Option<Vec<String>> {
        match marks.get(name).copied().unwrap_or(Mark::Unseen) {
            Mark::Done => return None,
            Mark::Open => {
                let start = path.iter().position(|n| *n == name).unwrap_or(0);
                let mut cycle: Vec<String> =
                    path[start..].iter().map(|n| (*n).to_owned()).collect();
                cycle.push(name.to_owned());
                return Some(cycle);
            }
            Mark::Unseen => {}
        }
        marks.insert(name, Mark::Open);
        path.push(name);
        for included in roles
            .get(name)
            .map(|r| r.includes.as_slice())
            .unwrap_or_default()
        {
            if let Some(cycle) = visit(roles, included, marks, path) {
                return Some(cycle);
            }
        }
        path.pop();
        marks.insert(name, Mark::Done);
        None
    }
    let mut marks = HashMap::new();
    roles
        .keys()
        .find_map(|name| visit(roles, name, &mut marks, &mut Vec::new()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn definition(roles: &[(&str, &[&str], &[&str])]) -> PolicyDefinition {
        let roles = roles
            .iter()
            .map(|(name, scopes, includes)| {
                let role = RoleDefinition {
                    scopes: scopes.iter().map(|s| (*s).to_owned()).collect(),
                    includes: includes.iter().map(|s| (*s).to_owned()).collect(),
                };
                ((*name).to_owned(), role)
            })
            .collect();
        PolicyDefinition { roles }
    }

    #[test]
    fn includes_are_followed() {
        let policy = Policy::new(&definition(&[
            ("viewer", &["tickets:read"], &[]),
            ("support", &["tickets:write"], &["viewer"]),
            ("lead", &["tickets/*:*"], &["support"]),
        ]))
        .unwrap();
        let names = |role| {
            policy
                .scopes(role)
                .unwrap()
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
        };
        assert_eq!(names("support"), ["tickets:read", "tickets:write"]);
        assert_eq!(
            names("lead"),
            ["tickets:read", "tickets:write", "tickets/*:*"]
        );
        assert!(policy.scopes("admin").is_none());
    }

    #[test]
    fn cycles_and_unknown_roles_are_named() {
        let cycle = Policy::new(&definition(&[
            ("a", &[], &["b"]),
            ("b", &[], &["c"]),
            ("c", &[], &["a"]),
        ]));
        assert_eq!(
            cycle.unwrap_err().to_string(),
            "invalid policy: roles include each other in a cycle: a -> b -> c -> a"
        );
        let unknown = Policy::new(&definition(&[("a", &[], &["ghost"])]));
        assert!(unknown.unwrap_err().to_string().contains("`ghost`"));
        let bad_scope = Policy::new(&definition(&[("a", &["Tickets:read"], &[])]));
        assert!(bad_scope.unwrap_err().to_string().contains("Tickets:read"));
        assert!(Policy::new(&definition(&[("Bad", &[], &[])])).is_err());
        assert!(Policy::new(&definition(&[("self", &[], &["self"])])).is_err());
    }
}
