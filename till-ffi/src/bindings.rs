//! The operations of the C interface, exported through uniffi for Swift, Kotlin and Python.
//!
//! Objects hold secrets (root keys, API keys), long-lived state (keyrings, issuers,
//! verifiers, revocation lists) and verified grants, whose fields are read when asked for;
//! records carry plain values. No record holds a secret, since
//! the generated code prints records field by field.

use std::collections::HashMap;
use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use till_core as core;
use till_core::{Env, KeyId, Prefix, UnixTime};

use crate::root::copy_root_key;

/// Why a call failed: the stable code (such as `"insufficient_scope"`), its number (the
/// status the C interface returns), a message that never contains a secret, and for
/// `insufficient_scope` the requested scopes that were not granted, in request order.
#[derive(Debug, uniffi::Error)]
pub enum TillError {
    /// The only variant: callers branch on `code`.
    Failed {
        /// The stable code, shared by every Till interface.
        code: String,
        /// The code's number.
        number: u32,
        /// What went wrong, for people.
        detail: String,
        /// For `insufficient_scope`, the scopes not granted; otherwise empty.
        missing_scopes: Vec<String>,
        /// For `exceeds_roles`, the scopes beyond the roles, sorted; otherwise empty.
        beyond_scopes: Vec<String>,
    },
}

impl From<core::Error> for TillError {
    fn from(error: core::Error) -> Self {
        Self::Failed {
            code: error.code().as_str().to_owned(),
            number: error.code().number(),
            detail: error.to_string(),
            missing_scopes: error
                .missing_scopes()
                .map(|missing| missing.iter().map(|s| s.as_str().to_owned()).collect())
                .unwrap_or_default(),
            beyond_scopes: match &error {
                core::Error::ExceedsRoles(scopes) => {
                    scopes.iter().map(|s| s.as_str().to_owned()).collect()
                }
                _ => Vec::new(),
            },
        }
    }
}

impl fmt::Display for TillError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let Self::Failed { code, detail, .. } = self;
        write!(f, "{code}: {detail}")
    }
}

impl std::error::Error for TillError {}

type Result<T> = std::result::Result<T, TillError>;

/// A time argument: `None` reads the system clock.
fn time_or_now(now: Option<i64>) -> UnixTime {
    now.map_or_else(UnixTime::now, UnixTime::from_secs)
}

/// A root secret. Shown only as its id; the text is reached through `to_text`.
#[derive(Debug, uniffi::Object)]
#[uniffi::export(Debug)]
pub struct RootKey(core::RootKey);

#[uniffi::export]
impl RootKey {
    /// A new root key from the system's random source.
    #[uniffi::constructor]
    pub fn generate() -> Result<Arc<Self>> {
        Ok(Arc::new(Self(core::RootKey::generate()?)))
    }

    /// Reads a root key's text form, `tillroot_...`; surrounding whitespace is ignored.
    #[uniffi::constructor]
    pub fn from_text(text: String) -> Result<Arc<Self>> {
        Ok(Arc::new(Self(core::RootKey::from_text(&text)?)))
    }

    /// The text form. Treat it like the secret it is.
    pub fn to_text(&self) -> String {
        self.0.to_text().to_string()
    }

    /// The id, four lowercase hexadecimal digits.
    pub fn id(&self) -> String {
        self.0.id().to_string()
    }
}

/// The root keys a service trusts; the first one mints, all of them verify.
#[derive(Debug, uniffi::Object)]
pub struct Keyring(core::Keyring);

#[uniffi::export]
impl Keyring {
    /// A keyring of `keys`, in order. Fails on an empty list or on two keys with one id.
    #[uniffi::constructor]
    pub fn new(keys: Vec<Arc<RootKey>>) -> Result<Arc<Self>> {
        let copies = keys
            .iter()
            .map(|key| copy_root_key(&key.0))
            .collect::<std::result::Result<_, _>>()?;
        Ok(Arc::new(Self(core::Keyring::new(copies)?)))
    }
}

/// When a key stops being valid.
#[derive(Debug, uniffi::Enum)]
pub enum Expiry {
    /// This many seconds after the key is minted.
    After {
        /// The time to live.
        seconds: u64,
    },
    /// At this time, in seconds since the Unix epoch.
    At {
        /// The expiry time.
        unix_time: i64,
    },
    /// Never: such a key can only be stopped by revocation or by retiring its root key.
    Never,
}

/// What a key will grant, and to whom.
#[derive(Debug, uniffi::Record)]
pub struct Claims {
    /// The scopes granted, such as `repo/acme/*:read`.
    pub scopes: Vec<String>,
    /// When the key stops being valid.
    pub expiry: Expiry,
    /// The user or agent the key is issued to.
    #[uniffi(default = None)]
    pub subject: Option<String>,
    /// The service the key is for.
    #[uniffi(default = None)]
    pub audience: Option<String>,
    /// The environment; `live` if absent.
    #[uniffi(default = None)]
    pub env: Option<String>,
    /// The first second at which the key is valid.
    #[uniffi(default = None)]
    pub not_before: Option<i64>,
    /// How many attenuation blocks may be added (0: none).
    #[uniffi(default = None)]
    pub max_delegation: Option<u8>,
    /// Roles, resolved by a verifier's policy.
    #[uniffi(default = [])]
    pub roles: Vec<String>,
    /// Roles the key is minted on behalf of: the issuer's policy must allow every scope and
    /// carried role within them. An empty list allows nothing; `None` sets no ceiling.
    #[uniffi(default = None)]
    pub on_behalf_of: Option<Vec<String>>,
}

impl Claims {
    fn to_core(&self) -> std::result::Result<core::Claims, core::Error> {
        let expiry = match self.expiry {
            Expiry::After { seconds } => core::Expiry::After(Duration::from_secs(seconds)),
            Expiry::At { unix_time } => core::Expiry::At(UnixTime::from_secs(unix_time)),
            Expiry::Never => core::Expiry::Never,
        };
        let mut claims = core::Claims::new(&self.scopes, expiry)?.roles(self.roles.clone())?;
        if let Some(ceiling) = &self.on_behalf_of {
            claims = claims.on_behalf_of(ceiling.clone())?;
        }
        if let Some(subject) = &self.subject {
            claims = claims.subject(subject);
        }
        if let Some(audience) = &self.audience {
            claims = claims.audience(audience);
        }
        if let Some(env) = &self.env {
            claims = claims.env(Env::new(env)?);
        }
        if let Some(at) = self.not_before {
            claims = claims.not_before(UnixTime::from_secs(at));
        }
        if let Some(blocks) = self.max_delegation {
            claims = claims.max_delegation(blocks);
        }
        Ok(claims)
    }
}

/// A minted or attenuated key: a secret. Shown only in redacted form; the text is reached
/// through `text`.
#[derive(Debug, uniffi::Object)]
#[uniffi::export(Debug, Display)]
pub struct ApiKey(core::ApiKey);

impl fmt::Display for ApiKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.0, f)
    }
}

#[uniffi::export]
impl ApiKey {
    /// The key's text, to hand to its holder.
    pub fn text(&self) -> String {
        self.0.expose_secret().to_owned()
    }

    /// The id of the key, shared by every key attenuated from it.
    pub fn key_id(&self) -> String {
        self.0.key_id().to_string()
    }

    /// The redacted form, safe to log.
    pub fn redacted(&self) -> String {
        self.0.redacted()
    }
}

/// Mints keys with the first root key of a keyring.
#[derive(Debug, uniffi::Object)]
pub struct Issuer(core::Issuer);

#[uniffi::export]
impl Issuer {
    /// An issuer for `keyring`, minting keys with `prefix` (`till` if absent) and checking
    /// roles against `policy`, if given.
    #[uniffi::constructor(default(prefix = None, policy = None))]
    pub fn new(
        keyring: Arc<Keyring>,
        prefix: Option<String>,
        policy: Option<Arc<Policy>>,
    ) -> Result<Arc<Self>> {
        let mut issuer = core::Issuer::new(&keyring.0);
        if let Some(prefix) = prefix {
            issuer = issuer.with_prefix(Prefix::new(&prefix)?);
        }
        if let Some(policy) = policy {
            issuer = issuer.with_policy(policy.0.clone());
        }
        Ok(Arc::new(Self(issuer)))
    }

    /// Mints a key at `now` (seconds since the Unix epoch), or at the system clock's time.
    #[uniffi::method(default(now = None))]
    pub fn mint(&self, claims: Claims, now: Option<i64>) -> Result<Arc<ApiKey>> {
        let key = self.0.mint_at(&claims.to_core()?, time_or_now(now))?;
        Ok(Arc::new(ApiKey(key)))
    }
}

/// One role of a policy.
#[derive(Debug, uniffi::Record)]
pub struct RoleDefinition {
    /// Scopes the role allows.
    #[uniffi(default = [])]
    pub scopes: Vec<String>,
    /// Roles whose scopes this role also allows.
    #[uniffi(default = [])]
    pub includes: Vec<String>,
}

/// A policy shared by verifiers and issuers: the roles keys may carry, resolved at every
/// verify. `replace` changes it for all of them at once.
#[derive(Debug, uniffi::Object)]
pub struct Policy(core::SharedPolicy);

fn read_policy(roles: HashMap<String, RoleDefinition>) -> Result<core::Policy> {
    let roles = roles.into_iter().map(|(name, role)| {
        let role = core::RoleDefinition {
            scopes: role.scopes,
            includes: role.includes,
        };
        (name, role)
    });
    Ok(core::Policy::new(&core::PolicyDefinition {
        roles: roles.collect(),
    })?)
}

#[uniffi::export]
impl Policy {
    /// A policy of `roles`, by name. Fails with `invalid_policy` on an unknown role, a cycle
    /// of includes, or a name or scope that breaks the grammar.
    #[uniffi::constructor]
    pub fn new(roles: HashMap<String, RoleDefinition>) -> Result<Arc<Self>> {
        Ok(Arc::new(Self(core::SharedPolicy::new(read_policy(roles)?))))
    }

    /// Puts `roles` in force for every verifier and issuer that holds this policy.
    pub fn replace(&self, roles: HashMap<String, RoleDefinition>) -> Result<()> {
        self.0.replace(read_policy(roles)?);
        Ok(())
    }

    /// Every role with the scopes it allows, includes followed.
    pub fn roles(&self) -> HashMap<String, Vec<String>> {
        let current = self.0.current();
        let roles = current.roles().into_iter().map(|(name, scopes)| {
            (
                name.to_owned(),
                scopes.iter().map(|s| s.as_str().to_owned()).collect(),
            )
        });
        roles.collect()
    }
}

/// An application's revocation check, implemented in the calling language. The verifier
/// calls it from whichever threads verify, possibly several at once.
#[uniffi::export(with_foreign)]
pub trait RevocationCheck: Send + Sync {
    /// Whether `id`, a key id or block id of 16 characters, is revoked.
    fn is_revoked(&self, id: String) -> bool;
}

/// Adapts a [`RevocationCheck`] to the core's hook.
struct ForeignRevocation(Arc<dyn RevocationCheck>);

impl core::Revocation for ForeignRevocation {
    fn is_revoked(&self, id: &KeyId) -> bool {
        self.0.is_revoked(id.to_string())
    }
}

/// An in-memory set of revoked ids, safe to update while verifiers read it.
#[derive(Debug, uniffi::Object)]
pub struct RevocationList(Arc<core::RevocationList>);

#[uniffi::export]
impl RevocationList {
    /// An empty list.
    #[uniffi::constructor]
    pub fn new() -> Arc<Self> {
        Arc::new(Self(Arc::new(core::RevocationList::new())))
    }

    /// Revokes a key id or block id. Returns whether it was newly added.
    pub fn revoke(&self, id: String) -> Result<bool> {
        Ok(self.0.revoke(id.parse()?))
    }

    /// Lifts a revocation. Returns whether the id was present.
    pub fn restore(&self, id: String) -> Result<bool> {
        Ok(self.0.restore(&id.parse()?))
    }

    /// How many ids are revoked.
    pub fn len(&self) -> u64 {
        self.0.len() as u64
    }

    /// Whether no id is revoked.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// A verifier's policy; absent values keep the defaults (prefix `till`, environment `live`,
/// no audience, no leeway).
#[derive(Debug, Default, uniffi::Record)]
pub struct VerifierOptions {
    /// The application prefix keys must have.
    #[uniffi(default = None)]
    pub prefix: Option<String>,
    /// The environment keys must belong to.
    #[uniffi(default = None)]
    pub env: Option<String>,
    /// The audience keys must name.
    #[uniffi(default = None)]
    pub audience: Option<String>,
    /// How far clocks may differ, in seconds (at most a day).
    #[uniffi(default = 0)]
    pub leeway: u32,
    /// The policy that resolves the roles keys carry; without one, roles grant nothing.
    #[uniffi(default = None)]
    pub policy: Option<Arc<Policy>>,
}

/// What a caller asks a key to grant.
#[derive(Debug, uniffi::Enum)]
pub enum Request {
    /// One scope.
    Scope {
        /// The scope asked for.
        scope: String,
    },
    /// Every one of several scopes.
    AllOf {
        /// The scopes asked for.
        scopes: Vec<String>,
    },
    /// At least one of several scopes.
    AnyOf {
        /// The scopes asked for.
        scopes: Vec<String>,
    },
}

/// One link of a delegation chain.
#[derive(Debug, uniffi::Record)]
pub struct Link {
    /// The block's id, which revocation checks receive.
    pub id: String,
    /// Whom the block was delegated to, if it says.
    pub label: Option<String>,
}

/// What a verified key grants, and who holds it. Holds no secret. Each field is read from
/// the core when asked for, so a verify computes none of them.
#[derive(Debug, uniffi::Object)]
#[uniffi::export(Debug)]
pub struct Grant(core::Grant);

#[uniffi::export]
impl Grant {
    /// The key's id, shared by every key attenuated from it.
    pub fn key_id(&self) -> String {
        self.0.key_id().to_string()
    }

    /// The root key that minted the key.
    pub fn root_key_id(&self) -> String {
        self.0.root_key_id().to_string()
    }

    /// The application prefix.
    pub fn prefix(&self) -> String {
        self.0.prefix().to_string()
    }

    /// The environment.
    pub fn env(&self) -> String {
        self.0.env().to_string()
    }

    /// The user or agent the key was issued to.
    pub fn subject(&self) -> Option<String> {
        self.0.subject().map(str::to_owned)
    }

    /// The audience the key is bound to.
    pub fn audience(&self) -> Option<String> {
        self.0.audience().map(str::to_owned)
    }

    /// The effective scopes, minimized and sorted, computed on each call within the core's
    /// bound on work: a chain that needs more is listed short, never long. `allows` answers
    /// exactly for any one scope.
    pub fn scopes(&self) -> Vec<String> {
        self.0
            .scopes()
            .iter()
            .map(|s| s.as_str().to_owned())
            .collect()
    }

    /// Whether the key grants `scope`. Fails on a scope that breaks the grammar.
    pub fn allows(&self, scope: String) -> Result<bool> {
        Ok(self.0.allows(&core::Scope::parse(&scope)?))
    }

    /// The roles the key names.
    pub fn roles(&self) -> Vec<String> {
        self.0.roles().map(str::to_owned).collect()
    }

    /// When the key was issued.
    pub fn issued_at(&self) -> i64 {
        self.0.issued_at().secs()
    }

    /// The earliest expiry in the chain.
    pub fn expires_at(&self) -> Option<i64> {
        self.0.expires_at().map(UnixTime::secs)
    }

    /// The first second at which the key is valid.
    pub fn not_before(&self) -> Option<i64> {
        self.0.not_before().map(UnixTime::secs)
    }

    /// The delegation chain, oldest block first.
    pub fn chain(&self) -> Vec<Link> {
        let links = self.0.chain().map(|link| Link {
            id: link.id.to_string(),
            label: link.label.map(str::to_owned),
        });
        links.collect()
    }
}

/// Checks keys. Thread-safe: build one and share it.
#[derive(Debug, uniffi::Object)]
pub struct Verifier {
    inner: core::Verifier,
}

impl Verifier {
    fn build(
        keyring: &Keyring,
        options: &VerifierOptions,
        revocation: Option<Arc<dyn core::Revocation>>,
    ) -> Result<Arc<Self>> {
        let mut builder = core::Verifier::builder(&keyring.0).leeway(options.leeway);
        if let Some(prefix) = &options.prefix {
            builder = builder.prefix(prefix);
        }
        if let Some(env) = &options.env {
            builder = builder.env(env);
        }
        if let Some(audience) = &options.audience {
            builder = builder.audience(audience);
        }
        if let Some(revocation) = revocation {
            builder = builder.revocation(revocation);
        }
        if let Some(policy) = &options.policy {
            builder = builder.policy(policy.0.clone());
        }
        Ok(Arc::new(Self {
            inner: builder.build()?,
        }))
    }
}

#[uniffi::export]
impl Verifier {
    /// A verifier for `keyring` with `options`, without a revocation check.
    #[uniffi::constructor]
    pub fn new(keyring: Arc<Keyring>, options: VerifierOptions) -> Result<Arc<Self>> {
        Self::build(&keyring, &options, None)
    }

    /// A verifier that asks `check` about every id of a key's chain.
    #[uniffi::constructor]
    pub fn with_revocation_check(
        keyring: Arc<Keyring>,
        options: VerifierOptions,
        check: Arc<dyn RevocationCheck>,
    ) -> Result<Arc<Self>> {
        Self::build(&keyring, &options, Some(Arc::new(ForeignRevocation(check))))
    }

    /// A verifier that consults `list`, which may change afterwards.
    #[uniffi::constructor]
    pub fn with_revocation_list(
        keyring: Arc<Keyring>,
        options: VerifierOptions,
        list: Arc<RevocationList>,
    ) -> Result<Arc<Self>> {
        Self::build(&keyring, &options, Some(list.0.clone()))
    }

    /// Verifies `key` and checks that it grants `request`, at `now` (seconds since the Unix
    /// epoch) or at the system clock's time.
    #[uniffi::method(default(now = None))]
    pub fn verify(&self, key: String, request: Request, now: Option<i64>) -> Result<Arc<Grant>> {
        let now = time_or_now(now);
        let request = match request {
            Request::Scope { scope } => {
                let grant = self.inner.verify_scope_at(key, &scope, now)?;
                return Ok(Arc::new(Grant(grant)));
            }
            Request::AllOf { scopes } => core::Request::all_of(scopes)?,
            Request::AnyOf { scopes } => core::Request::any_of(scopes)?,
        };
        let grant = self.inner.verify_at(key, &request, now)?;
        Ok(Arc::new(Grant(grant)))
    }

    /// Verifies `key` without asking for a scope.
    #[uniffi::method(default(now = None))]
    pub fn authenticate(&self, key: String, now: Option<i64>) -> Result<Arc<Grant>> {
        let grant = self.inner.authenticate_at(key, time_or_now(now))?;
        Ok(Arc::new(Grant(grant)))
    }
}

/// The restrictions one attenuation block adds; absent values restrict nothing.
#[derive(Debug, Default, uniffi::Record)]
pub struct Attenuation {
    /// Narrows the sub-key to these scopes.
    #[uniffi(default = None)]
    pub scopes: Option<Vec<String>>,
    /// Ends validity this many seconds after attenuation (or sooner, with the key).
    #[uniffi(default = None)]
    pub ttl_seconds: Option<u64>,
    /// Ends validity at this time (or sooner, with the key).
    #[uniffi(default = None)]
    pub expires_at: Option<i64>,
    /// Binds the sub-key to one audience.
    #[uniffi(default = None)]
    pub audience: Option<String>,
    /// Whom the sub-key is delegated to.
    #[uniffi(default = None)]
    pub label: Option<String>,
    /// How many further blocks may follow.
    #[uniffi(default = None)]
    pub max_delegation: Option<u8>,
}

impl Attenuation {
    fn to_core(&self) -> std::result::Result<core::Attenuation, core::Error> {
        let mut attenuation = core::Attenuation::new();
        if let Some(scopes) = &self.scopes {
            attenuation = attenuation.scopes(scopes)?;
        }
        if let Some(seconds) = self.ttl_seconds {
            attenuation = attenuation.ttl(Duration::from_secs(seconds));
        }
        if let Some(at) = self.expires_at {
            attenuation = attenuation.expires_at(UnixTime::from_secs(at));
        }
        if let Some(audience) = &self.audience {
            attenuation = attenuation.audience(audience);
        }
        if let Some(label) = &self.label {
            attenuation = attenuation.label(label);
        }
        if let Some(blocks) = self.max_delegation {
            attenuation = attenuation.max_delegation(blocks);
        }
        Ok(attenuation)
    }
}

/// Adds one attenuation block to `key`, at `now` or at the system clock's time. Needs no
/// secret and does not verify the key.
#[uniffi::export(default(now = None))]
pub fn attenuate(key: String, attenuation: Attenuation, now: Option<i64>) -> Result<Arc<ApiKey>> {
    let sub_key = core::attenuate_at(&key, &attenuation.to_core()?, time_or_now(now))?;
    Ok(Arc::new(ApiKey(sub_key)))
}

/// Decodes `key` without verifying it, as JSON. Nothing in it is verified.
#[uniffi::export]
pub fn inspect(key: String) -> Result<String> {
    let unverified = core::inspect(key)?;
    serde_json::to_string(&unverified).map_err(|_| core::Error::Internal("serialisation").into())
}

/// A key found in a text.
#[derive(Debug, uniffi::Record)]
pub struct FoundKey {
    /// What was found: `api_key` or `root_key`.
    pub kind: String,
    /// Where it starts, in bytes of the UTF-8 text.
    pub start: u64,
    /// Where it ends (exclusive).
    pub end: u64,
    /// The key id of an API key, the root key id of a root key.
    pub id: String,
    /// The text that replaces it in `redact`.
    pub redacted: String,
}

/// Finds every Till API key and root key in `text`.
#[uniffi::export]
pub fn find_keys(text: String) -> Vec<FoundKey> {
    core::find_keys(&text)
        .into_iter()
        .map(|found| FoundKey {
            kind: found.kind.as_str().to_owned(),
            start: found.range.start as u64,
            end: found.range.end as u64,
            id: found.id,
            redacted: found.redacted,
        })
        .collect()
}

/// Replaces every key in `text` with its redacted form.
#[uniffi::export]
pub fn redact(text: String) -> String {
    core::redact(&text)
}
