//! Decoding a key without verifying it, for debugging and tooling.

use serde::Serialize;

use crate::error::Error;
use crate::key::{self, Env, KeyId, Prefix, RootKeyId};
use crate::limits::MAX_PAYLOAD_LEN;
use crate::scope::Scope;
use crate::verify::at;
use crate::wire::{self, Span};

/// What a key says about itself. **Nothing here is verified**: anyone can write a key that
/// says anything. Use it to debug, never to decide.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Unverified {
    /// The application prefix.
    pub prefix: Prefix,
    /// The environment.
    pub env: Env,
    /// The format version.
    pub version: u8,
    /// The root key it claims to be minted by.
    pub root_key_id: String,
    /// The key id it claims.
    pub key_id: KeyId,
    /// Claimed issue time.
    pub issued_at: i64,
    /// Claimed expiry of the root.
    pub expires_at: Option<i64>,
    /// Claimed start of validity.
    pub not_before: Option<i64>,
    /// Claimed subject.
    pub subject: Option<String>,
    /// Claimed audience of the root.
    pub audience: Option<String>,
    /// Claimed root scopes.
    pub scopes: Vec<Scope>,
    /// Claimed roles.
    pub roles: Vec<String>,
    /// Claimed delegation limit of the root.
    pub max_delegation: Option<u8>,
    /// Claimed attenuation blocks, oldest first.
    pub blocks: Vec<UnverifiedBlock>,
}

/// One attenuation block as a key states it. Not verified.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct UnverifiedBlock {
    /// Claimed expiry.
    pub expires_at: Option<i64>,
    /// Claimed audience.
    pub audience: Option<String>,
    /// Claimed delegation label.
    pub label: Option<String>,
    /// Claimed narrowing scopes.
    pub scopes: Option<Vec<Scope>>,
    /// Claimed delegation limit.
    pub max_delegation: Option<u8>,
}

/// Decodes `key` without verifying it. Checks the text, checksum and format, not the tag.
pub fn inspect(key: impl AsRef<[u8]>) -> Result<Unverified, Error> {
    let mut buf = zeroize::Zeroizing::new([0u8; MAX_PAYLOAD_LEN]);
    let (parts, len) = key::decode(key.as_ref(), &mut *buf)?;
    let data = &buf[..len];
    let payload = wire::read(data)?;
    let text = |span: &Option<Span>| {
        span.as_ref()
            .map(|s| String::from_utf8_lossy(at(data, s)).into_owned())
    };
    let scopes = |span: &Span| -> Vec<Scope> {
        wire::scope_pairs(at(data, span))
            .filter_map(|(res, act)| {
                let joined = String::from_utf8_lossy(&[res, b":", act].concat()).into_owned();
                Scope::parse(&joined).ok()
            })
            .collect()
    };
    let root = &payload.root;
    Ok(Unverified {
        prefix: parts.prefix(),
        env: parts.env(),
        version: wire::VERSION,
        root_key_id: RootKeyId(root.root_key_id).to_string(),
        key_id: KeyId(root.key_id),
        issued_at: root.issued_at,
        expires_at: root.expires_at,
        not_before: root.not_before,
        subject: text(&root.subject),
        audience: text(&root.audience),
        scopes: root.scopes.as_ref().map(scopes).unwrap_or_default(),
        roles: text(&root.roles)
            .map(|r| r.split(' ').map(str::to_owned).collect())
            .unwrap_or_default(),
        max_delegation: root.max_delegation,
        blocks: payload
            .blocks()
            .iter()
            .map(|b| UnverifiedBlock {
                expires_at: b.expires_at,
                audience: text(&b.audience),
                label: text(&b.label),
                scopes: b.scopes.as_ref().map(scopes),
                max_delegation: b.max_delegation,
            })
            .collect(),
    })
}
