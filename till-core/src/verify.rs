//! Verifying keys, and what a verified key grants.

use std::fmt;
use std::sync::Arc;

use subtle::ConstantTimeEq;
use zeroize::{Zeroize, Zeroizing};

use crate::error::{Error, Malformed, MissingScopes};
use crate::key::{self, Env, KEY_ID_LEN, KeyId, Prefix, RootKeyId};
use crate::limits::{MAX_BLOCKS, MAX_LEEWAY, MAX_PAYLOAD_LEN, MAX_SCOPE_WORK};
use crate::mac;
use crate::policy::{Policy, SharedPolicy};
use crate::revocation::Revocation;
use crate::root::Keyring;
use crate::scope::{self, Request, RequestMemo, Scope};
use crate::time::{Clock, SystemClock, UnixTime};
use crate::wire::{self, Payload, Root, Span, TAG_LEN};

/// What one check works in: the buffer a key is decoded into, the payload read from it, and
/// how many bytes decoding wrote, which are wiped after.
struct Scratch<'b> {
    buf: &'b mut [u8],
    payload: Payload,
    wrote: usize,
}

impl Drop for Scratch<'_> {
    /// Of the decoded bytes only the tag, the last sixteen, is worth anything: without it,
    /// the rest is a claim that nobody can use. They are wiped whatever the outcome, even
    /// when decoding stopped at the checksum or parsing at a field.
    fn drop(&mut self) {
        let end = HEAD_ROOM + self.wrote;
        let start = end.saturating_sub(TAG_LEN).max(HEAD_ROOM);
        if let Some(tag) = self.buf.get_mut(start..end) {
            tag.zeroize();
        }
    }
}

/// Room for the longest head, `<prefix>_<env>_`, before a decoded payload.
const HEAD_ROOM: usize = Prefix::MAX_LEN + 1 + Env::MAX_LEN + 1;

/// Checks keys against a keyring and a policy of environment, audience and clock.
///
/// `Send + Sync` and cheap to clone: build one at startup and share it across threads.
#[derive(Clone)]
pub struct Verifier {
    keyring: Keyring,
    prefix: Prefix,
    env: Env,
    audience: Option<Arc<str>>,
    leeway: u32,
    revocation: Option<Arc<dyn Revocation>>,
    policy: Option<SharedPolicy>,
    clock: Arc<dyn Clock>,
    /// The requests of the scopes last asked for as text.
    memo: Arc<RequestMemo>,
}

/// What a check asks of a key.
#[derive(Clone, Copy)]
pub(crate) enum Asked<'a> {
    /// Nothing: the key is authenticated.
    Nothing,
    Request(&'a Request),
    /// One scope, as text that has passed the grammar.
    Scope(&'a str),
}

/// Builds a [`Verifier`].
#[derive(Clone)]
pub struct VerifierBuilder {
    verifier: Verifier,
    error: Option<Error>,
}

impl Verifier {
    /// A verifier with the defaults: prefix `till`, environment `live`, no audience, no leeway,
    /// no revocation check, the system clock.
    pub fn new(keyring: &Keyring) -> Self {
        Self {
            keyring: keyring.clone(),
            prefix: Prefix::TILL,
            env: Env::LIVE,
            audience: None,
            leeway: 0,
            revocation: None,
            policy: None,
            clock: Arc::new(SystemClock),
            memo: Arc::default(),
        }
    }

    /// A builder starting from the defaults of [`Verifier::new`].
    pub fn builder(keyring: &Keyring) -> VerifierBuilder {
        VerifierBuilder {
            verifier: Self::new(keyring),
            error: None,
        }
    }

    /// Verifies `key` and checks that it grants `request`, at the clock's current time.
    ///
    /// The key may be given as `&str` or as bytes; bytes that are not ASCII are malformed.
    pub fn verify(&self, key: impl AsRef<[u8]>, request: &Request) -> Result<Grant, Error> {
        self.verify_at(key, request, self.clock.now())
    }

    /// Verifies `key` as if the time were `now`.
    pub fn verify_at(
        &self,
        key: impl AsRef<[u8]>,
        request: &Request,
        now: UnixTime,
    ) -> Result<Grant, Error> {
        self.sized(key.as_ref(), Asked::Request(request), now, None)
    }

    /// Verifies `key` and checks that it grants one scope, given as text, at the clock's current
    /// time: what [`Verifier::verify`] answers for [`Request::scope`] of it, without building
    /// the request. For callers handed a scope as a string on every call.
    pub fn verify_scope(&self, key: impl AsRef<[u8]>, scope: &str) -> Result<Grant, Error> {
        self.verify_scope_at(key, scope, self.clock.now())
    }

    /// [`Verifier::verify_scope`] as if the time were `now`. The scope is checked against the
    /// grammar first, as [`Request::scope`] checks it, then compared with the key's scopes in
    /// place.
    pub fn verify_scope_at(
        &self,
        key: impl AsRef<[u8]>,
        scope: &str,
        now: UnixTime,
    ) -> Result<Grant, Error> {
        scope::validate_scope(scope)?;
        self.sized(key.as_ref(), Asked::Scope(scope), now, None)
    }

    /// The request for one scope, the same as [`Request::scope`] gives, parsed once for each
    /// of the last few scopes this verifier (or a clone of it) was asked for. For callers
    /// handed a scope as a string that need a [`Request`], such as for
    /// [`Verifier::verify_with_revocation`].
    pub fn request_for(&self, scope: &str) -> Result<Request, Error> {
        self.memo.scope(scope)
    }

    /// Verifies `key` without asking for any scope: proves the key genuine, current and not
    /// revoked, and returns what it grants.
    pub fn authenticate(&self, key: impl AsRef<[u8]>) -> Result<Grant, Error> {
        self.authenticate_at(key, self.clock.now())
    }

    /// [`Verifier::authenticate`] as if the time were `now`.
    pub fn authenticate_at(&self, key: impl AsRef<[u8]>, now: UnixTime) -> Result<Grant, Error> {
        self.sized(key.as_ref(), Asked::Nothing, now, None)
    }

    /// Verifies `key` at `now`, consulting `is_revoked` for every id in the chain in addition
    /// to any revocation check the verifier was built with. `request` may be `None` to
    /// authenticate only. For callers whose revocation check cannot be shared across threads,
    /// such as a callback into another language's runtime.
    pub fn verify_with_revocation(
        &self,
        key: impl AsRef<[u8]>,
        request: Option<&Request>,
        now: UnixTime,
        is_revoked: &dyn Fn(&KeyId) -> bool,
    ) -> Result<Grant, Error> {
        let asked = request.map_or(Asked::Nothing, Asked::Request);
        self.sized(key.as_ref(), asked, now, Some(is_revoked))
    }

    /// Most keys are short: decode them into a buffer of their size, sparing the large one
    /// the cost of being zeroed and wiped.
    fn sized(
        &self,
        key: &[u8],
        asked: Asked<'_>,
        now: UnixTime,
        extra: Option<&dyn Fn(&KeyId) -> bool>,
    ) -> Result<Grant, Error> {
        match key.len() {
            0..=172 => self.check::<{ HEAD_ROOM + 128 }>(key, asked, now, extra),
            173..=512 => self.check::<{ HEAD_ROOM + 384 }>(key, asked, now, extra),
            _ => self.check::<{ HEAD_ROOM + MAX_PAYLOAD_LEN }>(key, asked, now, extra),
        }
    }

    /// The current time by this verifier's clock.
    pub fn now(&self) -> UnixTime {
        self.clock.now()
    }

    /// The environment this verifier accepts.
    pub fn env(&self) -> Env {
        self.env
    }

    fn check<const N: usize>(
        &self,
        text: &[u8],
        asked: Asked<'_>,
        now: UnixTime,
        extra: Option<&dyn Fn(&KeyId) -> bool>,
    ) -> Result<Grant, Error> {
        let mut buf = [0u8; N];
        let mut scratch = Scratch {
            buf: &mut buf,
            payload: Payload::default(),
            wrote: 0,
        };
        #[cfg(feature = "tracing")]
        {
            let result = self.check_in(text, asked, now, extra, &mut scratch);
            crate::audit::record(text, asked, &result);
            result
        }
        // The result is written where the caller wants it; the scratch is wiped after.
        #[cfg(not(feature = "tracing"))]
        self.check_in(text, asked, now, extra, &mut scratch)
    }

    fn check_in(
        &self,
        text: &[u8],
        asked: Asked<'_>,
        now: UnixTime,
        extra: Option<&dyn Fn(&KeyId) -> bool>,
        scratch: &mut Scratch<'_>,
    ) -> Result<Grant, Error> {
        let Scratch {
            buf,
            payload,
            wrote,
        } = scratch;
        // Parsing: every limit and rule, before any MAC work. The payload is decoded after
        // room for the head, which is copied in front of it: the root's MAC then runs over
        // one contiguous message.
        let (room, body) = buf.split_at_mut(HEAD_ROOM);
        let (parts, len) = key::decode_noting(text, body, wrote)?;
        if !scope::same(parts.prefix, self.prefix.as_bytes()) {
            return Err(Error::Malformed(Malformed::Prefix));
        }
        let head_start = HEAD_ROOM - parts.head.len();
        room[head_start..].copy_from_slice(parts.head);
        let buf = &**buf;
        let data = &buf[HEAD_ROOM..HEAD_ROOM + len];
        wire::read_into(data, payload)?;
        let payload = &*payload;
        let root_key = self
            .keyring
            .find(payload.root_key_id())
            .ok_or_else(|| Error::UnknownRootKey(payload.root_key_id()))?;

        // The chain: one HMAC for the root, one per block, compared in constant time at the end.
        let signed = buf
            .get(head_start..HEAD_ROOM + usize::from(payload.root.bytes.end))
            .unwrap_or_default();
        let mut tag = mac::root_tag(root_key.mac(), signed);
        let mut chain = [KeyId([0; 12]); MAX_BLOCKS];
        for (i, block) in payload.blocks().iter().enumerate() {
            (tag, chain[i]) = mac::block_tag(&tag, at(data, &block.bytes));
        }
        // Both tags as one 128-bit integer: a single constant-time comparison.
        let mut written = Zeroizing::new([0u8; 16]);
        written.copy_from_slice(at(data, &payload.tag));
        let same = u128::from_le_bytes(*tag).ct_eq(&u128::from_le_bytes(*written));
        if !bool::from(same) {
            return Err(Error::InvalidSignature);
        }
        let chain = &chain[..payload.block_count];

        // From here on the key is genuine, and precise reasons may be given.
        if !scope::same(parts.env, self.env.as_bytes()) {
            return Err(Error::WrongEnvironment {
                expected: self.env,
                found: parts.env(),
            });
        }
        self.check_audience(data, payload)?;
        let expires_at = expiry(payload);
        self.check_times(expires_at, payload.root.not_before, now)?;
        check_delegation(payload)?;
        let ids = std::iter::once(payload.key_id()).chain(chain.iter().copied());
        for id in ids {
            let by_hook = self.revocation.as_ref().is_some_and(|r| r.is_revoked(&id));
            if by_hook || extra.is_some_and(|is_revoked| is_revoked(&id)) {
                return Err(Error::Revoked);
            }
        }
        // Roles are resolved against the policy in force now, read once per check.
        let policy = match (&self.policy, &payload.root.roles) {
            (Some(shared), Some(_)) => Some(shared.current()),
            _ => None,
        };
        match asked {
            Asked::Nothing => {}
            Asked::Request(request) => request
                .evaluate(|scope| grants(data, payload, policy.as_deref(), scope))
                .map_err(|mask| {
                    Error::InsufficientScope(MissingScopes {
                        scopes: request.shared(),
                        mask,
                    })
                })?,
            Asked::Scope(scope) => {
                if !grants(data, payload, policy.as_deref(), scope.as_bytes()) {
                    // The memo keeps the requests of the scopes asked for most, so that
                    // refusing one allocates nothing.
                    let request = self.memo.scope(scope)?;
                    return Err(Error::InsufficientScope(MissingScopes {
                        scopes: request.shared(),
                        mask: 1,
                    }));
                }
            }
        }

        // The prefix and the environment kept are the verifier's own, which the key's equal.
        let (bytes, head) = Grant::keep(self.prefix, self.env, data, payload, chain);
        Ok(Grant {
            bytes,
            head,
            root: payload.root,
            blocks: payload.block_count as u8,
            expires_at,
            policy,
        })
    }

    fn check_audience(&self, data: &[u8], payload: &Payload) -> Result<(), Error> {
        let stated = std::iter::once(&payload.root.audience)
            .chain(payload.blocks().iter().map(|b| &b.audience))
            .filter_map(|a| a.as_ref().map(|span| at(data, span)));
        match &self.audience {
            None => match stated.count() {
                0 => Ok(()),
                _ => Err(Error::WrongAudience),
            },
            Some(expected) => {
                let mut any = false;
                for audience in stated {
                    if audience != expected.as_bytes() {
                        return Err(Error::WrongAudience);
                    }
                    any = true;
                }
                if any {
                    Ok(())
                } else {
                    Err(Error::WrongAudience)
                }
            }
        }
    }

    fn check_times(
        &self,
        expires_at: Option<i64>,
        not_before: Option<i64>,
        now: UnixTime,
    ) -> Result<(), Error> {
        let now = i128::from(now.secs());
        let leeway = i128::from(self.leeway);
        if let Some(expires_at) = expires_at {
            if now >= i128::from(expires_at) + leeway {
                return Err(Error::Expired {
                    expired_at: UnixTime::from_secs(expires_at),
                });
            }
        }
        if let Some(not_before) = not_before {
            if now + leeway < i128::from(not_before) {
                return Err(Error::NotYetValid {
                    valid_from: UnixTime::from_secs(not_before),
                });
            }
        }
        Ok(())
    }
}

impl VerifierBuilder {
    /// Accepts keys with this application prefix instead of `till`.
    pub fn prefix(mut self, prefix: &str) -> Self {
        match Prefix::new(prefix) {
            Ok(prefix) => self.verifier.prefix = prefix,
            Err(e) => self.error = Some(e),
        }
        self
    }

    /// Accepts keys of this environment instead of `live`.
    pub fn env(mut self, env: &str) -> Self {
        match Env::new(env) {
            Ok(env) => self.verifier.env = env,
            Err(e) => self.error = Some(e),
        }
        self
    }

    /// Requires every key to name this audience.
    pub fn audience(mut self, audience: &str) -> Self {
        let valid = !audience.is_empty()
            && audience.len() <= crate::limits::MAX_LABEL_LEN
            && audience.bytes().all(wire::is_label_char);
        if valid {
            self.verifier.audience = Some(audience.into());
        } else {
            self.error = Some(Error::InvalidArgument(
                "an audience is 1-64 characters of A-Z a-z 0-9 . _ ~ : @ / + = -",
            ));
        }
        self
    }

    /// Tolerates clocks that differ by up to `seconds` (at most one day).
    pub fn leeway(mut self, seconds: u32) -> Self {
        if seconds <= MAX_LEEWAY {
            self.verifier.leeway = seconds;
        } else {
            self.error = Some(Error::InvalidArgument("leeway is at most 86400 seconds"));
        }
        self
    }

    /// Consults `revocation` for every id in a key's chain.
    pub fn revocation(mut self, revocation: Arc<dyn Revocation>) -> Self {
        self.verifier.revocation = Some(revocation);
        self
    }

    /// Resolves the roles keys carry against `policy`, as it stands at each check.
    pub fn policy(mut self, policy: SharedPolicy) -> Self {
        self.verifier.policy = Some(policy);
        self
    }

    /// Reads time from `clock`.
    pub fn clock(mut self, clock: Arc<dyn Clock>) -> Self {
        self.verifier.clock = clock;
        self
    }

    /// The verifier, or the first invalid setting.
    pub fn build(self) -> Result<Verifier, Error> {
        match self.error {
            Some(e) => Err(e),
            None => Ok(self.verifier),
        }
    }
}

impl fmt::Debug for Verifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Verifier")
            .field("keyring", &self.keyring)
            .field("prefix", &self.prefix)
            .field("env", &self.env)
            .field("audience", &self.audience)
            .field("leeway", &self.leeway)
            .field("revocation", &self.revocation.is_some())
            .field("policy", &self.policy.is_some())
            .finish()
    }
}

impl fmt::Debug for VerifierBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.verifier.fmt(f)
    }
}

/// The effective expiry of a chain: the earliest of its links'.
fn expiry(payload: &Payload) -> Option<i64> {
    payload
        .blocks()
        .iter()
        .filter_map(|b| b.expires_at)
        .chain(payload.root.expires_at)
        .min()
}

/// Each link's limit on the blocks that may follow it.
pub(crate) fn check_delegation(payload: &Payload) -> Result<(), Error> {
    let count = payload.block_count;
    let limits = std::iter::once(payload.root.max_delegation)
        .chain(payload.blocks().iter().map(|b| b.max_delegation));
    for (position, limit) in limits.enumerate() {
        if let Some(limit) = limit {
            if count - position > usize::from(limit) {
                return Err(Error::DelegationLimit);
            }
        }
    }
    Ok(())
}

/// Whether the chain grants one requested scope: the root grants it (through its scopes or
/// one of its roles), and so does every block that narrows scopes.
pub(crate) fn grants(
    data: &[u8],
    payload: &Payload,
    policy: Option<&Policy>,
    requested: &[u8],
) -> bool {
    let Some((r_res, r_act)) = split_scope(requested) else {
        return false;
    };
    let list_covers = |span: &Span| wire::list_covers(at(data, span), r_res, r_act);
    let by_role = || match (policy, &payload.root.roles) {
        (Some(policy), Some(span)) => at(data, span)
            .split(|&c| c == b' ')
            .any(|role| policy.role_covers(role, requested)),
        _ => false,
    };
    let root = payload.root.scopes.as_ref().is_some_and(list_covers) || by_role();
    root && payload
        .blocks()
        .iter()
        .all(|b| b.scopes.as_ref().is_none_or(list_covers))
}

fn split_scope(scope: &[u8]) -> Option<(&[u8], &[u8])> {
    let colon = scope.iter().position(|&c| c == b':')?;
    Some((&scope[..colon], &scope[colon + 1..]))
}

pub(crate) fn at<'a>(data: &'a [u8], span: &Span) -> &'a [u8] {
    data.get(usize::from(span.start)..usize::from(span.end))
        .unwrap_or_default()
}

/// A name at the start of a record, after its length, and what follows it.
fn name(record: &[u8]) -> Option<(&[u8], &[u8])> {
    let (&len, rest) = record.split_first()?;
    let len = usize::from(len);
    (rest.len() >= len).then(|| rest.split_at(len))
}

/// What a verified key grants, and who holds it. Holds no secret.
///
/// Only [`Verifier`] makes one: holding a `Grant` means a key was verified. Small, so that
/// returning it costs little: it keeps a record of the prefix, the environment, the payload's
/// bytes with the tag zeroed, and the ids of the chain, and reads fields from it when asked.
#[derive(Clone)]
pub struct Grant {
    /// The record: the prefix and the environment, each after its length; the number of
    /// blocks; the payload with its tag zeroed; then the id of each block, 12 bytes each.
    bytes: Box<[u8]>,
    /// Where the payload starts in `bytes`.
    head: u8,
    root: Root,
    blocks: u8,
    /// The earliest expiry in the chain.
    expires_at: Option<i64>,
    policy: Option<Arc<Policy>>,
}

/// One link of a delegation chain: an attenuation block.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Link<'a> {
    /// The block's id, which revocation checks receive.
    pub id: KeyId,
    /// Whom the block was delegated to, if it says.
    pub label: Option<&'a str>,
}

impl Grant {
    /// Writes the record a grant's fields are read from, and says where its payload starts.
    fn keep(
        prefix: Prefix,
        env: Env,
        data: &[u8],
        payload: &Payload,
        chain: &[KeyId],
    ) -> (Box<[u8]>, u8) {
        let (prefix, env) = (prefix.as_bytes(), env.as_bytes());
        let claims = data
            .get(..usize::from(payload.tag.start))
            .unwrap_or_default();
        let head = 3 + prefix.len() + env.len();
        let ids = KEY_ID_LEN * chain.len();
        let mut bytes = Vec::with_capacity(head + claims.len() + TAG_LEN + ids);
        // Names are at most 12 bytes and chains 8 blocks long, so every length fits a byte.
        bytes.push(prefix.len() as u8);
        bytes.extend_from_slice(prefix);
        bytes.push(env.len() as u8);
        bytes.extend_from_slice(env);
        bytes.push(chain.len() as u8);
        bytes.extend_from_slice(claims);
        bytes.extend_from_slice(&[0; TAG_LEN]);
        for id in chain {
            bytes.extend_from_slice(&id.0);
        }
        (bytes.into_boxed_slice(), head as u8)
    }

    /// The grant as bytes, for a binding that keeps grants in another runtime's memory rather
    /// than in Rust's, and reads their fields later through [`GrantRecord`]. Holds no secret:
    /// the payload with its tag zeroed, the ids of the chain, the prefix and the environment.
    /// The layout is private to this version of the crate; do not store it.
    ///
    /// [`GrantRecord`]: crate::GrantRecord
    pub fn record(&self) -> &[u8] {
        &self.bytes
    }

    /// The policy that resolved the key's roles when it was verified: the one the verifier
    /// held then, if the key names roles and the verifier holds a policy.
    pub fn policy(&self) -> Option<&Arc<Policy>> {
        self.policy.as_ref()
    }

    /// Reads a record back, its roles resolved by `policy`; `None` if `record` is not one.
    /// Checks the record's form only: see [`GrantRecord`](crate::GrantRecord).
    pub(crate) fn from_record(record: &[u8], policy: Option<Arc<Policy>>) -> Option<Self> {
        let (prefix, rest) = name(record)?;
        let (env, rest) = name(rest)?;
        let (&blocks, rest) = rest.split_first()?;
        let ids = KEY_ID_LEN * usize::from(blocks);
        let data = rest.get(..rest.len().checked_sub(ids)?)?;
        let payload = wire::read(data).ok()?;
        let zeroed = at(data, &payload.tag).iter().all(|&b| b == 0);
        let named = Prefix::from_bytes(prefix).is_some() && Env::from_bytes(env).is_some();
        if payload.block_count != usize::from(blocks) || !zeroed || !named {
            return None;
        }
        // Roles are resolved only for a key that names them, as the verifier does.
        let policy = policy.filter(|_| payload.root.roles.is_some());
        Some(Self {
            bytes: record.into(),
            head: (record.len() - rest.len()) as u8,
            root: payload.root,
            blocks,
            expires_at: expiry(&payload),
            policy,
        })
    }

    /// The payload, tag zeroed.
    fn data(&self) -> &[u8] {
        let end = self.bytes.len() - self.ids().len();
        self.bytes
            .get(usize::from(self.head)..end)
            .unwrap_or_default()
    }

    /// The ids of the chain's blocks, 12 bytes each, which end the record.
    fn ids(&self) -> &[u8] {
        let len = KEY_ID_LEN * usize::from(self.blocks);
        let start = self.bytes.len().saturating_sub(len);
        &self.bytes[start..]
    }

    /// The payload's fields. The root is kept; blocks, when there are any, are read again.
    /// The bytes passed every check when the key was verified or the record was read, so
    /// reading them again cannot fail; if it ever did, `None`, and every caller then answers
    /// as if nothing were granted.
    fn payload(&self) -> Option<Payload> {
        if self.blocks == 0 {
            return Some(Payload {
                root: self.root,
                ..Payload::default()
            });
        }
        wire::read(self.data()).ok()
    }

    /// The id of the key, shared by every key attenuated from it.
    pub fn key_id(&self) -> KeyId {
        KeyId(self.root.key_id)
    }

    /// The root key that minted the key.
    pub fn root_key_id(&self) -> RootKeyId {
        RootKeyId(self.root.root_key_id)
    }

    /// The application prefix.
    pub fn prefix(&self) -> Prefix {
        let prefix = name(&self.bytes).map(|(prefix, _)| prefix);
        // Written by `keep` or checked by `from_record`; the default is never reached.
        prefix.and_then(Prefix::from_bytes).unwrap_or_default()
    }

    /// The environment.
    pub fn env(&self) -> Env {
        let env = name(&self.bytes).and_then(|(_, rest)| name(rest));
        env.and_then(|(env, _)| Env::from_bytes(env))
            .unwrap_or_default()
    }

    /// The user or agent the key was issued to.
    pub fn subject(&self) -> Option<&str> {
        self.text(self.root.subject.as_ref())
    }

    /// The audience the key is bound to, if any.
    pub fn audience(&self) -> Option<&str> {
        if let Some(span) = &self.root.audience {
            return self.text(Some(span));
        }
        let payload = self.payload()?;
        let first = payload.blocks().iter().find_map(|b| b.audience);
        self.text(first.as_ref())
    }

    /// When the key was issued.
    pub fn issued_at(&self) -> UnixTime {
        UnixTime::from_secs(self.root.issued_at)
    }

    /// The first second at which the key is no longer valid: the earliest expiry in the chain.
    pub fn expires_at(&self) -> Option<UnixTime> {
        self.expires_at.map(UnixTime::from_secs)
    }

    /// The first second at which the key is valid, if it says.
    pub fn not_before(&self) -> Option<UnixTime> {
        self.root.not_before.map(UnixTime::from_secs)
    }

    /// Whether the key grants `scope`.
    pub fn allows(&self, scope: &Scope) -> bool {
        self.payload().is_some_and(|payload| {
            grants(
                self.data(),
                &payload,
                self.policy.as_deref(),
                scope.as_str().as_bytes(),
            )
        })
    }

    /// The scopes the key grants: its root scopes and its roles' scopes (as the policy stood
    /// when the key was verified), intersected with every block's, reduced to the fewest
    /// patterns that say the same, sorted. Computed on each call.
    ///
    /// Blocks of overlapping patterns can make the intersection grow with every block, so the
    /// work is bounded: at most [`MAX_SCOPE_WORK`] intersections and comparisons. A chain that
    /// needs more is listed short, never long: what the work found, if it ran out in the
    /// chain's last block that names scopes, and nothing if it ran out before (a block's
    /// intersection, left unfinished, leaves the blocks after it nothing to narrow). Every
    /// scope listed is granted; [`Grant::allows`] answers exactly for any one scope.
    pub fn scopes(&self) -> Vec<Scope> {
        let data = self.data();
        let list = |span: &Span| -> Vec<Scope> {
            wire::scope_pairs(at(data, span))
                .filter_map(|(res, act)| {
                    let text = [res, b":", act].concat();
                    String::from_utf8(text)
                        .ok()
                        .and_then(|t| Scope::parse(&t).ok())
                })
                .collect()
        };
        let mut granted = self.root.scopes.as_ref().map(list).unwrap_or_default();
        if let Some(policy) = &self.policy {
            granted.extend(
                self.roles()
                    .filter_map(|r| policy.scopes(r))
                    .flatten()
                    .cloned(),
            );
        }
        let mut granted = scope::minimize(granted);
        if self.blocks == 0 {
            return granted;
        }
        let Some(payload) = self.payload() else {
            return Vec::new();
        };
        let mut budget = MAX_SCOPE_WORK;
        for span in payload.blocks().iter().filter_map(|b| b.scopes.as_ref()) {
            let narrowing = list(span);
            let mut kept = Vec::new();
            for (g, n) in granted
                .iter()
                .flat_map(|g| narrowing.iter().map(move |n| (g, n)))
            {
                if budget == 0 {
                    break;
                }
                budget -= 1;
                if let Some(both) = g.intersect(n) {
                    scope::keep_minimal(&mut kept, both, &mut budget);
                }
            }
            granted = kept;
        }
        granted.sort();
        granted
    }

    /// The roles the key names; a verifier's policy resolves them.
    pub fn roles(&self) -> impl Iterator<Item = &str> {
        let list = self
            .root
            .roles
            .as_ref()
            .map(|span| at(self.data(), span))
            .unwrap_or_default();
        list.split(|&c| c == b' ')
            .filter(|r| !r.is_empty())
            .filter_map(|r| std::str::from_utf8(r).ok())
    }

    /// The delegation chain, oldest block first.
    pub fn chain(&self) -> impl Iterator<Item = Link<'_>> {
        let payload = self.payload().unwrap_or_default();
        let labels: [Option<Span>; MAX_BLOCKS] =
            std::array::from_fn(|i| payload.blocks().get(i).and_then(|b| b.label));
        self.ids()
            .chunks_exact(KEY_ID_LEN)
            .zip(labels)
            .map(|(id, label)| Link {
                id: KeyId(id.try_into().unwrap_or_default()),
                label: self.text(label.as_ref()),
            })
    }

    fn text(&self, span: Option<&Span>) -> Option<&str> {
        span.and_then(|span| std::str::from_utf8(at(self.data(), span)).ok())
    }
}

impl fmt::Debug for Grant {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.debug_as("Grant", f)
    }
}

impl Grant {
    /// The fields, shown under `name`: a record read back is not shown as a grant.
    pub(crate) fn debug_as(&self, name: &str, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct(name)
            .field("key_id", &self.key_id())
            .field("root_key_id", &self.root_key_id())
            .field("env", &self.env())
            .field("subject", &self.subject())
            .field("audience", &self.audience())
            .field("scopes", &self.scopes())
            .field("issued_at", &self.issued_at())
            .field("expires_at", &self.expires_at())
            .field("chain", &self.chain().collect::<Vec<_>>())
            .finish()
    }
}

impl serde::Serialize for Grant {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;

        let mut s = serializer.serialize_struct("Grant", 11)?;
        s.serialize_field("key_id", &self.key_id())?;
        s.serialize_field("root_key_id", &self.root_key_id().to_string())?;
        s.serialize_field("prefix", &self.prefix())?;
        s.serialize_field("env", &self.env())?;
        s.serialize_field("subject", &self.subject())?;
        s.serialize_field("audience", &self.audience())?;
        s.serialize_field("scopes", &self.scopes())?;
        s.serialize_field("roles", &self.roles().collect::<Vec<_>>())?;
        s.serialize_field("issued_at", &self.issued_at().secs())?;
        s.serialize_field("expires_at", &self.expires_at().map(UnixTime::secs))?;
        s.serialize_field("not_before", &self.not_before().map(UnixTime::secs))?;
        s.serialize_field("chain", &self.chain().collect::<Vec<_>>())?;
        s.end()
    }
}
