//! Functions that need no secret: attenuating, inspecting, finding and redacting keys.

use std::time::Duration;

use napi::{Env, Unknown};
use napi_derive::napi;
use till_core::{Attenuation, FoundKind, UnixTime};

use crate::convert::{self, Date};
use crate::error::{Failure, catch};
use crate::issue::{ApiKey, MAX_DELEGATION, TTL};
use crate::key;

/// The restrictions one attenuation adds. Every field is optional.
#[allow(missing_debug_implementations, reason = "holds JavaScript values")]
#[napi(object, object_to_js = false)]
pub struct AttenuateOptions<'a> {
    /// Narrows the key to these scopes; each must lie within a scope the key grants.
    pub scopes: Option<Vec<String>>,
    /// Seconds from now until the sub-key expires (or the key's own expiry, if sooner).
    pub ttl: Option<f64>,
    /// When the sub-key expires (or the key's own expiry, if sooner).
    #[napi(ts_type = "Time")]
    pub expires_at: Option<Unknown<'a>>,
    /// Binds the sub-key to one audience.
    pub audience: Option<String>,
    /// Whom the sub-key is delegated to, such as `"agent:triage-bot"`.
    pub to: Option<String>,
    /// How many further attenuations the sub-key allows (0: none).
    pub max_delegation: Option<f64>,
}

/// Adds one attenuation block to `key`, giving a weaker key. Needs no secret and does not
/// verify `key`. A `ttl` counts from `now` (a Date or seconds) or the current time.
#[napi(ts_args_type = "key: KeyText, options: AttenuateOptions, now?: Time")]
pub fn attenuate(
    env: Env,
    key: Unknown<'_>,
    options: Unknown<'_>,
    now: Option<Unknown<'_>>,
) -> napi::Result<ApiKey> {
    catch(&env, || {
        let mut room = key::Room::new();
        let key = key::read(key, &mut room)?;
        let restrictions = convert::value::<AttenuateOptions<'_>>(options, OPTIONS)?.into_core()?;
        let now = convert::time_or(now, UnixTime::now())?;
        Ok(till_core::attenuate_at(&*key.to_text(), &restrictions, now)?.into())
    })
}

impl AttenuateOptions<'_> {
    fn into_core(self) -> Result<Attenuation, Failure> {
        let mut restrictions = Attenuation::new();
        if let Some(scopes) = self.scopes {
            restrictions = restrictions.scopes(scopes)?;
        }
        if let Some(ttl) = self.ttl {
            restrictions = restrictions.ttl(Duration::from_secs(convert::whole(ttl, TTL)?));
        }
        if let Some(at) = self.expires_at {
            restrictions = restrictions.expires_at(convert::time(at)?);
        }
        if let Some(audience) = self.audience {
            restrictions = restrictions.audience(audience);
        }
        if let Some(label) = self.to {
            restrictions = restrictions.label(label);
        }
        if let Some(blocks) = self.max_delegation {
            restrictions = restrictions.max_delegation(convert::whole(blocks, MAX_DELEGATION)?);
        }
        Ok(restrictions)
    }
}

/// What a key says about itself. **Nothing here is verified**: anyone can write a key that
/// says anything. Use it to debug, never to decide.
#[derive(Debug)]
#[napi(object, object_from_js = false, use_nullable = true)]
pub struct Unverified {
    /// Always `false`: a reminder that none of this was checked.
    #[napi(ts_type = "false")]
    pub verified: bool,
    /// The application prefix.
    pub prefix: String,
    /// The environment.
    pub env: String,
    /// The format version.
    pub version: u32,
    /// The root key it claims to be minted by.
    pub root_key_id: String,
    /// The key id it claims.
    pub key_id: String,
    /// Claimed issue time.
    pub issued_at: Date,
    /// Claimed expiry of the root.
    pub expires_at: Option<Date>,
    /// Claimed start of validity.
    pub not_before: Option<Date>,
    /// Claimed subject.
    pub subject: Option<String>,
    /// Claimed audience of the root.
    pub audience: Option<String>,
    /// Claimed root scopes.
    pub scopes: Vec<String>,
    /// Claimed roles.
    pub roles: Vec<String>,
    /// Claimed delegation limit of the root.
    pub max_delegation: Option<u32>,
    /// Claimed attenuation blocks, oldest first.
    pub blocks: Vec<UnverifiedBlock>,
}

/// One attenuation block as a key states it. Not verified.
#[derive(Debug)]
#[napi(object, object_from_js = false, use_nullable = true)]
pub struct UnverifiedBlock {
    /// Claimed expiry.
    pub expires_at: Option<Date>,
    /// Claimed audience.
    pub audience: Option<String>,
    /// Claimed delegation label.
    pub label: Option<String>,
    /// Claimed narrowing scopes.
    pub scopes: Option<Vec<String>>,
    /// Claimed delegation limit.
    pub max_delegation: Option<u32>,
}

/// Decodes `key` without verifying it: checks its text, checksum and format, not its tag.
#[napi(ts_args_type = "key: KeyText")]
pub fn inspect(env: Env, key: Unknown<'_>) -> napi::Result<Unverified> {
    catch(&env, || {
        let mut room = key::Room::new();
        let key = key::read(key, &mut room)?;
        Ok(Unverified::from(till_core::inspect(key.as_bytes())?))
    })
}

impl From<till_core::Unverified> for Unverified {
    fn from(key: till_core::Unverified) -> Self {
        let time = |secs: i64| Date(UnixTime::from_secs(secs));
        let scopes = |scopes: Vec<till_core::Scope>| scopes.iter().map(|s| s.to_string()).collect();
        Self {
            verified: false,
            prefix: key.prefix.to_string(),
            env: key.env.to_string(),
            version: key.version.into(),
            root_key_id: key.root_key_id,
            key_id: key.key_id.to_string(),
            issued_at: time(key.issued_at),
            expires_at: key.expires_at.map(time),
            not_before: key.not_before.map(time),
            subject: key.subject,
            audience: key.audience,
            scopes: scopes(key.scopes),
            roles: key.roles,
            max_delegation: key.max_delegation.map(u32::from),
            blocks: key
                .blocks
                .into_iter()
                .map(|block| UnverifiedBlock {
                    expires_at: block.expires_at.map(time),
                    audience: block.audience,
                    label: block.label,
                    scopes: block.scopes.map(scopes),
                    max_delegation: block.max_delegation.map(u32::from),
                })
                .collect(),
        }
    }
}

/// A key found in a text. `start` and `end` index the string as JavaScript does (UTF-16
/// code units), so `text.slice(start, end)` is the key.
#[derive(Debug)]
#[napi(object, object_from_js = false)]
pub struct Found {
    /// What was found.
    #[napi(ts_type = "'api_key' | 'root_key'")]
    pub kind: String,
    /// Where the key starts.
    pub start: u32,
    /// Where the key ends.
    pub end: u32,
    /// The key's id (API keys) or root key id (root keys), which stays readable when redacted.
    pub id: String,
    /// The text that replaces the key in `redact`.
    pub redacted: String,
}

/// Finds every Till API key and root key in `text`, with any application prefix. Needs no
/// secret: a candidate counts when its checksum matches.
#[napi(ts_args_type = "text: string")]
pub fn find_keys(env: Env, text: Unknown<'_>) -> napi::Result<Vec<Found>> {
    catch(&env, || Ok(found(&convert::value::<String>(text, TEXT)?)))
}

fn found(text: &str) -> Vec<Found> {
    // till-core counts in bytes; JavaScript strings count UTF-16 code units.
    let mut units = 0;
    let mut counted = 0;
    let mut at = |byte: usize| {
        units += text
            .get(counted..byte)
            .map_or(0, |part| part.encode_utf16().count());
        counted = byte;
        u32::try_from(units).unwrap_or(u32::MAX)
    };
    let mut found = Vec::new();
    for key in till_core::find_keys(text) {
        let kind = match key.kind {
            FoundKind::ApiKey => "api_key",
            FoundKind::RootKey => "root_key",
            _ => "unknown",
        };
        let (start, end) = (at(key.range.start), at(key.range.end));
        found.push(Found {
            kind: kind.into(),
            start,
            end,
            id: key.id,
            redacted: key.redacted,
        });
    }
    found
}

/// Replaces every key in `text` with its redacted form, such as
/// `till_live_[redacted:AbCdEfGhIjKlMnOp]`, which keeps the prefix, environment and key id.
#[napi(ts_args_type = "text: string")]
pub fn redact(env: Env, text: Unknown<'_>) -> napi::Result<String> {
    catch(&env, || {
        Ok(till_core::redact(&convert::value::<String>(text, TEXT)?))
    })
}

const OPTIONS: &str = "the options of attenuate are an AttenuateOptions object";
const TEXT: &str = "the text to search is a string";
