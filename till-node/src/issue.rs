//! Minting keys, and the object that holds a minted key.

use std::time::Duration;

use napi::{Env, Unknown};
use napi_derive::napi;
use till_core::{Claims, Env as KeyEnv, Expiry, Prefix};

use crate::convert;
use crate::error::{Failure, catch};
use crate::keys::Keyring;
use crate::policy::Policy;

/// A minted or attenuated API key: a secret. `toString`, `JSON.stringify` and `util.inspect`
/// show only its prefix, environment and id; `exposeSecret()` gives the text to hand over.
#[derive(Debug)]
#[napi]
pub struct ApiKey {
    inner: till_core::ApiKey,
}

impl From<till_core::ApiKey> for ApiKey {
    fn from(inner: till_core::ApiKey) -> Self {
        Self { inner }
    }
}

#[napi]
impl ApiKey {
    /// The key's text, `till_live_...`, to hand to its holder.
    #[napi]
    pub fn expose_secret(&self) -> &str {
        self.inner.expose_secret()
    }

    /// The id of the key it was minted as; attenuated keys keep the id of their origin.
    #[napi(getter)]
    pub fn key_id(&self) -> String {
        self.inner.key_id().to_string()
    }

    /// The redacted form, such as `till_live_[redacted:AbCdEfGhIjKlMnOp]`.
    #[napi]
    #[allow(clippy::inherent_to_string, reason = "JavaScript's toString")]
    pub fn to_string(&self) -> String {
        self.inner.redacted()
    }

    /// What `JSON.stringify` writes: the redacted form.
    #[napi(js_name = "toJSON")]
    pub fn to_json(&self) -> String {
        self.inner.redacted()
    }
}

/// Options of an `Issuer`.
#[allow(missing_debug_implementations, reason = "holds JavaScript values")]
#[napi(object, object_to_js = false)]
pub struct IssuerOptions<'a> {
    /// The application prefix keys start with, `till` by default.
    pub prefix: Option<String>,
    /// The policy that carried roles must exist in, and that bounds minting on behalf of
    /// roles (`onBehalfOf`).
    #[napi(ts_type = "Policy")]
    pub policy: Option<Unknown<'a>>,
}

/// What a key grants, to whom, and until when. Give exactly one of `ttl`, `expiresAt` and
/// `neverExpires: true`.
#[allow(missing_debug_implementations, reason = "holds JavaScript values")]
#[napi(object, object_to_js = false)]
pub struct MintOptions<'a> {
    /// The scopes the key grants, such as `"repo/acme/*:read"`.
    pub scopes: Option<Vec<String>>,
    /// Roles the key carries, which a verifier's policy resolves.
    pub roles: Option<Vec<String>>,
    /// Mints on behalf of someone holding these roles: the issuer's policy must allow every
    /// scope and carried role within them, or minting fails with `exceeds_roles`.
    pub on_behalf_of: Option<Vec<String>>,
    /// Seconds from now until the key expires.
    pub ttl: Option<f64>,
    /// When the key expires.
    #[napi(ts_type = "Time")]
    pub expires_at: Option<Unknown<'a>>,
    /// A key that never expires; it can only be revoked or retired with its root key.
    pub never_expires: Option<bool>,
    /// The user or agent the key is issued to.
    pub subject: Option<String>,
    /// The service the key is for.
    pub audience: Option<String>,
    /// The environment, `live` by default.
    pub env: Option<String>,
    /// The first moment the key is valid.
    #[napi(ts_type = "Time")]
    pub not_before: Option<Unknown<'a>>,
    /// How many attenuation blocks may be added to the key (0: none).
    pub max_delegation: Option<f64>,
}

/// Mints keys with a keyring's first root key.
#[derive(Debug)]
#[napi]
pub struct Issuer {
    inner: till_core::Issuer,
}

#[napi]
impl Issuer {
    /// An issuer minting with `keyring`.
    #[napi(
        constructor,
        ts_args_type = "keyring: Keyring, options?: IssuerOptions"
    )]
    pub fn new(env: Env, keyring: Unknown<'_>, options: Option<Unknown<'_>>) -> napi::Result<Self> {
        catch(&env, || {
            let keyring = convert::instance::<Keyring>(keyring, "an Issuer needs a Keyring")?;
            let options = options.map(|o| convert::value::<IssuerOptions>(o, OPTIONS));
            let options = options.transpose()?;
            let mut issuer = till_core::Issuer::new(&keyring.inner);
            let Some(options) = options else {
                return Ok(Self { inner: issuer });
            };
            if let Some(prefix) = options.prefix {
                issuer = issuer.with_prefix(Prefix::new(&prefix)?);
            }
            if let Some(policy) = options.policy {
                let policy = convert::instance::<Policy>(policy, POLICY)?;
                issuer = issuer.with_policy(policy.inner.clone());
            }
            Ok(Self { inner: issuer })
        })
    }

    /// Mints a key, as if the time were `now` (a Date or seconds) if given.
    #[napi(ts_args_type = "claims: MintOptions, now?: Time")]
    pub fn mint(
        &self,
        env: Env,
        claims: Unknown<'_>,
        now: Option<Unknown<'_>>,
    ) -> napi::Result<ApiKey> {
        catch(&env, || {
            let claims = convert::value::<MintOptions<'_>>(claims, CLAIMS)?.into_core()?;
            let now = convert::time_or(now, till_core::UnixTime::now())?;
            Ok(self.inner.mint_at(&claims, now)?.into())
        })
    }
}

impl MintOptions<'_> {
    fn into_core(self) -> Result<Claims, Failure> {
        let expiry = match (
            self.ttl,
            self.expires_at,
            self.never_expires.unwrap_or(false),
        ) {
            (Some(ttl), None, false) => {
                Expiry::After(Duration::from_secs(convert::whole(ttl, TTL)?))
            }
            (None, Some(at), false) => Expiry::At(convert::time(at)?),
            (None, None, true) => Expiry::Never,
            _ => return Err(till_core::Error::InvalidArgument(ONE_EXPIRY).into()),
        };
        let mut claims = Claims::new(self.scopes.unwrap_or_default(), expiry)?;
        if let Some(roles) = self.roles {
            claims = claims.roles(roles)?;
        }
        if let Some(roles) = self.on_behalf_of {
            claims = claims.on_behalf_of(roles)?;
        }
        if let Some(subject) = self.subject {
            claims = claims.subject(subject);
        }
        if let Some(audience) = self.audience {
            claims = claims.audience(audience);
        }
        if let Some(env) = self.env {
            claims = claims.env(KeyEnv::new(&env)?);
        }
        if let Some(at) = self.not_before {
            claims = claims.not_before(convert::time(at)?);
        }
        if let Some(blocks) = self.max_delegation {
            claims = claims.max_delegation(convert::whole(blocks, MAX_DELEGATION)?);
        }
        Ok(claims)
    }
}

pub(crate) const TTL: &str = "ttl is a whole number of seconds";
pub(crate) const MAX_DELEGATION: &str = "maxDelegation is a whole number from 0 to 255";
const OPTIONS: &str = "the options of an Issuer are an IssuerOptions object";
const POLICY: &str = "policy is a Policy object";
const CLAIMS: &str = "what to mint is a MintOptions object";
const ONE_EXPIRY: &str = "give exactly one of ttl, expiresAt and neverExpires: true";
