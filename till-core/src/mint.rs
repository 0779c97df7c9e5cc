//! Minting keys.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use ring::rand::{SecureRandom, SystemRandom};

use crate::error::Error;
use crate::key::{self, Env, KeyId, Prefix};
use crate::policy::SharedPolicy;
use crate::root::Keyring;
use crate::scope::Scope;
use crate::secret::ApiKey;
use crate::time::{Clock, SystemClock, UnixTime};
use crate::wire::{self, RootFields, TAG_LEN};
use crate::{mac, scope};

/// When a key stops being valid. Every key states one, unless its issuer asks in so many words
/// for a key that never expires.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Expiry {
    /// This long after the key is issued.
    After(Duration),
    /// At this time.
    At(UnixTime),
    /// Never. Such a key can only be stopped by revocation or by retiring its root key.
    Never,
}

/// What a key will grant, and to whom.
#[derive(Clone, Debug)]
pub struct Claims {
    scopes: Vec<Scope>,
    roles: Vec<String>,
    expiry: Expiry,
    not_before: Option<UnixTime>,
    subject: Option<String>,
    audience: Option<String>,
    env: Env,
    max_delegation: Option<u8>,
    on_behalf_of: Option<Vec<String>>,
}

impl Claims {
    /// Claims granting `scopes` until `expiry`, in the `live` environment.
    pub fn new<I, S>(scopes: I, expiry: Expiry) -> Result<Self, Error>
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        let scopes = scopes
            .into_iter()
            .map(|s| Scope::parse(s.as_ref()))
            .collect::<Result<_, _>>()?;
        Ok(Self {
            scopes,
            roles: Vec::new(),
            expiry,
            not_before: None,
            subject: None,
            audience: None,
            env: Env::LIVE,
            max_delegation: None,
            on_behalf_of: None,
        })
    }

    /// Adds roles, resolved by the verifier's policy each time the key is checked.
    pub fn roles<I, S>(mut self, roles: I) -> Result<Self, Error>
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        for role in roles {
            let role = role.into();
            scope::validate_role(&role)?;
            self.roles.push(role);
        }
        Ok(self)
    }

    /// The user or agent the key is issued to.
    pub fn subject(mut self, subject: impl Into<String>) -> Self {
        self.subject = Some(subject.into());
        self
    }

    /// The service the key is for.
    pub fn audience(mut self, audience: impl Into<String>) -> Self {
        self.audience = Some(audience.into());
        self
    }

    /// The environment, `live` by default.
    pub fn env(mut self, env: Env) -> Self {
        self.env = env;
        self
    }

    /// The first second at which the key is valid.
    pub fn not_before(mut self, at: UnixTime) -> Self {
        self.not_before = Some(at);
        self
    }

    /// How many attenuation blocks may be added to the key (0: none).
    pub fn max_delegation(mut self, blocks: u8) -> Self {
        self.max_delegation = Some(blocks);
        self
    }

    /// Mints on behalf of someone holding `roles`: the issuer's policy must allow every
    /// scope and every carried role within the union of those roles, or minting fails with
    /// [`Error::ExceedsRoles`] naming what exceeds them. An empty list allows nothing. The
    /// roles are not written into the key; use [`Claims::roles`] for that.
    pub fn on_behalf_of<I, S>(mut self, roles: I) -> Result<Self, Error>
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        // Even an empty list sets a ceiling: it then allows nothing, rather than everything.
        let ceiling = self.on_behalf_of.get_or_insert_with(Vec::new);
        for role in roles {
            let role = role.into();
            scope::validate_role(&role)?;
            ceiling.push(role);
        }
        Ok(self)
    }

    /// The scopes the claims grant.
    pub fn scopes(&self) -> &[Scope] {
        &self.scopes
    }
}

/// Mints keys with a keyring's signing key.
#[derive(Clone)]
pub struct Issuer {
    keyring: Keyring,
    prefix: Prefix,
    clock: Arc<dyn Clock>,
    rng: SystemRandom,
    policy: Option<SharedPolicy>,
}

impl Issuer {
    /// An issuer minting `till_` keys with the system clock.
    pub fn new(keyring: &Keyring) -> Self {
        Self {
            keyring: keyring.clone(),
            prefix: Prefix::TILL,
            clock: Arc::new(SystemClock),
            rng: SystemRandom::new(),
            policy: None,
        }
    }

    /// Checks claims made on behalf of roles, and carried roles, against `policy`.
    pub fn with_policy(mut self, policy: SharedPolicy) -> Self {
        self.policy = Some(policy);
        self
    }

    /// Uses an application prefix instead of `till`.
    pub fn with_prefix(mut self, prefix: Prefix) -> Self {
        self.prefix = prefix;
        self
    }

    /// Reads time from `clock`.
    pub fn with_clock(mut self, clock: Arc<dyn Clock>) -> Self {
        self.clock = clock;
        self
    }

    /// Mints a key.
    pub fn mint(&self, claims: &Claims) -> Result<ApiKey, Error> {
        self.mint_at(claims, self.clock.now())
    }

    /// Mints a key as if the time were `now`.
    pub fn mint_at(&self, claims: &Claims, now: UnixTime) -> Result<ApiKey, Error> {
        let mut key_id = [0u8; 12];
        self.rng
            .fill(&mut key_id)
            .map_err(|_| Error::Internal("no randomness"))?;
        self.mint_with_id(claims, now, KeyId(key_id))
    }

    pub(crate) fn mint_with_id(
        &self,
        claims: &Claims,
        now: UnixTime,
        key_id: KeyId,
    ) -> Result<ApiKey, Error> {
        if claims.scopes.is_empty() && claims.roles.is_empty() {
            return Err(Error::InvalidArgument(
                "a key must grant at least one scope or role",
            ));
        }
        self.check_roles(claims)?;
        let expires_at = match claims.expiry {
            Expiry::After(ttl) => Some(
                now.checked_add_secs(ttl.as_secs())
                    .ok_or(Error::InvalidArgument("the expiry lies beyond 9999-12-31"))?,
            ),
            Expiry::At(at) => Some(at),
            Expiry::Never => None,
        };
        let root_key = self.keyring.signing_key();
        let fields = RootFields {
            root_key_id: root_key.id().0,
            key_id: key_id.0,
            issued_at: now.secs(),
            expires_at: expires_at.map(UnixTime::secs),
            not_before: claims.not_before.map(UnixTime::secs),
            subject: claims.subject.as_deref(),
            audience: claims.audience.as_deref(),
            scopes: non_empty(&claims.scopes)
                .map(wire::encode_scope_list)
                .transpose()?,
            roles: non_empty(&claims.roles)
                .map(wire::encode_role_list)
                .transpose()?,
            max_delegation: claims.max_delegation,
        };
        let mut payload = wire::write_root(&fields)?;

        let mut signed = format!("{}_{}_", self.prefix, claims.env).into_bytes();
        signed.extend_from_slice(&payload);
        let tag = mac::root_tag(root_key.mac(), &signed);
        payload.extend_from_slice(&tag[..TAG_LEN]);
        let text = key::encode(self.prefix, claims.env, &payload);
        if text.len() > crate::limits::MAX_KEY_LEN {
            return Err(Error::TooLarge(crate::error::Limit::KeyLength));
        }
        Ok(ApiKey::new(text, key_id))
    }
}

impl Issuer {
    /// Carried roles must exist in the policy; claims made on behalf of roles must stay
    /// within them, carried roles included.
    fn check_roles(&self, claims: &Claims) -> Result<(), Error> {
        let policy = match (&self.policy, &claims.on_behalf_of) {
            (Some(policy), _) => policy.current(),
            (None, None) => return Ok(()),
            (None, Some(_)) => {
                return Err(Error::InvalidArgument(
                    "minting on behalf of roles needs a policy",
                ));
            }
        };
        if let Some(unknown) = claims.roles.iter().find(|r| policy.scopes(r).is_none()) {
            return Err(Error::InvalidPolicy(format!(
                "role `{unknown}` is not defined"
            )));
        }
        let Some(ceiling) = &claims.on_behalf_of else {
            return Ok(());
        };
        let carried = claims
            .roles
            .iter()
            .filter_map(|r| policy.scopes(r))
            .flatten();
        let mut beyond = policy.beyond(ceiling, claims.scopes.iter().chain(carried));
        if beyond.is_empty() {
            return Ok(());
        }
        beyond.sort();
        beyond.dedup();
        Err(Error::ExceedsRoles(beyond))
    }
}

fn non_empty<T>(items: &[T]) -> Option<&[T]> {
    (!items.is_empty()).then_some(items)
}

impl fmt::Debug for Issuer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Issuer")
            .field("root_key", &self.keyring.signing_key().id())
            .field("prefix", &self.prefix)
            .finish()
    }
}
