//! Attenuation: narrowing a key offline, without any secret.

use std::time::Duration;

use crate::error::{Error, Limit};
use crate::key::{self, KeyId};
use crate::limits::{MAX_BLOCKS, MAX_PAYLOAD_LEN};
use crate::mac;
use crate::scope::Scope;
use crate::secret::ApiKey;
use crate::time::UnixTime;
use crate::verify::{at, check_delegation, grants};
use crate::wire::{self, BlockFields, TAG_LEN};

/// The restrictions one attenuation block adds. Every field is optional; a block that only
/// records a label still gives the sub-key an id of its own, which can be revoked alone.
#[derive(Clone, Debug, Default)]
pub struct Attenuation {
    scopes: Option<Vec<Scope>>,
    ttl: Option<Duration>,
    expires_at: Option<UnixTime>,
    audience: Option<String>,
    label: Option<String>,
    max_delegation: Option<u8>,
}

impl Attenuation {
    /// A block with no restriction yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// Narrows the key to `scopes`. Each must lie within a scope the key already grants.
    pub fn scopes<I, S>(mut self, scopes: I) -> Result<Self, Error>
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        let scopes = scopes
            .into_iter()
            .map(|s| Scope::parse(s.as_ref()))
            .collect::<Result<_, _>>()?;
        self.scopes = Some(scopes);
        Ok(self)
    }

    /// Ends the sub-key's validity `ttl` from now, or at the key's own expiry if that is sooner.
    pub fn ttl(mut self, ttl: Duration) -> Self {
        self.ttl = Some(ttl);
        self
    }

    /// Ends the sub-key's validity at `at`, or at the key's own expiry if that is sooner.
    pub fn expires_at(mut self, at: UnixTime) -> Self {
        self.expires_at = Some(at);
        self
    }

    /// Binds the sub-key to one audience.
    pub fn audience(mut self, audience: impl Into<String>) -> Self {
        self.audience = Some(audience.into());
        self
    }

    /// Records whom the sub-key is delegated to, such as `agent:triage-bot`.
    pub fn label(mut self, label: impl Into<String>) -> Self {
        self.label = Some(label.into());
        self
    }

    /// Limits how many further blocks may follow this one (0: none).
    pub fn max_delegation(mut self, blocks: u8) -> Self {
        self.max_delegation = Some(blocks);
        self
    }
}

/// Adds one attenuation block to `key`, reading the system clock for a TTL.
pub fn attenuate(key: impl AsRef<[u8]>, restrictions: &Attenuation) -> Result<ApiKey, Error> {
    attenuate_at(key, restrictions, UnixTime::now())
}

/// Adds one attenuation block to `key`, as if the time were `now`.
///
/// Needs no secret and does not verify the key (a forged key stays forged). Refuses what can
/// be known to widen or break the key offline: a scope outside those the key grants, a second
/// audience, a block past a delegation limit or past [`MAX_BLOCKS`].
pub fn attenuate_at(
    key: impl AsRef<[u8]>,
    restrictions: &Attenuation,
    now: UnixTime,
) -> Result<ApiKey, Error> {
    let mut buf = zeroize::Zeroizing::new([0u8; MAX_PAYLOAD_LEN]);
    let (parts, len) = key::decode(key.as_ref(), &mut *buf)?;
    let data = &buf[..len];
    let payload = wire::read(data)?;
    if payload.block_count == MAX_BLOCKS {
        return Err(Error::TooLarge(Limit::Blocks));
    }
    check_delegation(&payload)?;
    let mut extended = payload.clone();
    extended.block_count += 1;
    check_delegation(&extended)?;

    // Scopes granted through roles are only known to a verifier's policy; the verifier
    // intersects anyway, so here only scopes the key states are checked.
    let scopes = match &restrictions.scopes {
        Some(scopes) => {
            if payload.root.roles.is_none() {
                if let Some(outside) = scopes
                    .iter()
                    .find(|s| !grants(data, &payload, None, s.as_str().as_bytes()))
                {
                    return Err(Error::ScopeNotHeld(outside.clone()));
                }
            }
            Some(wire::encode_scope_list(scopes)?)
        }
        None => None,
    };

    let current_expiry = payload
        .blocks()
        .iter()
        .filter_map(|b| b.expires_at)
        .chain(payload.root.expires_at)
        .min();
    let requested = match (restrictions.ttl, restrictions.expires_at) {
        (Some(ttl), _) => Some(
            now.checked_add_secs(ttl.as_secs())
                .ok_or(Error::InvalidArgument("the expiry lies beyond 9999-12-31"))?
                .secs(),
        ),
        (None, Some(at)) => Some(at.secs()),
        (None, None) => None,
    };
    let expires_at = match (requested, current_expiry) {
        (Some(r), Some(c)) => Some(r.min(c)),
        (r, _) => r,
    };

    if let Some(audience) = &restrictions.audience {
        let stated = std::iter::once(&payload.root.audience)
            .chain(payload.blocks().iter().map(|b| &b.audience))
            .filter_map(|a| a.as_ref());
        if stated
            .into_iter()
            .any(|span| at(data, span) != audience.as_bytes())
        {
            return Err(Error::InvalidArgument(
                "the key is already bound to another audience",
            ));
        }
    }

    let block = wire::write_block(&BlockFields {
        expires_at,
        audience: restrictions.audience.as_deref(),
        label: restrictions.label.as_deref(),
        scopes,
        max_delegation: restrictions.max_delegation,
    })?;

    let mut prev = [0u8; TAG_LEN];
    prev.copy_from_slice(at(data, &payload.tag));
    let (tag, _) = mac::block_tag(&prev, &block);
    zeroize::Zeroize::zeroize(&mut prev);

    let body_end = usize::from(payload.tag.start);
    let mut out = zeroize::Zeroizing::new(Vec::with_capacity(len + block.len()));
    out.extend_from_slice(&data[..body_end]);
    out.extend_from_slice(&block);
    out.extend_from_slice(&tag[..]);
    if out.len() > MAX_PAYLOAD_LEN {
        return Err(Error::TooLarge(Limit::KeyLength));
    }
    let text = key::encode(parts.prefix(), parts.env(), &out);
    if text.len() > crate::limits::MAX_KEY_LEN {
        return Err(Error::TooLarge(Limit::KeyLength));
    }
    Ok(ApiKey::new(text, KeyId(payload.root.key_id)))
}
