//! The binary payload inside a key's body, read and written clause by clause as
//! docs/FORMAT.md specifies it. Reading allocates nothing; fields are kept as ranges into the
//! decoded bytes.
#![allow(
    clippy::unnecessary_lazy_evaluations,
    reason = "`Error` has drop glue: an error built eagerly and not used costs a drop on the verify path"
)]

use std::ops::Range;

use crate::error::{Error, Limit, Malformed};
use crate::key::{KeyId, RootKeyId};
use crate::limits::{MAX_BLOCKS, MAX_LABEL_LEN, MAX_ROLES, MAX_SCOPE_LEN, MAX_SCOPES, MAX_TIME};
use crate::scope::{self, Scope};

/// The only format version this library reads and writes.
pub(crate) const VERSION: u8 = 1;

/// Length of the tag that ends every payload.
pub(crate) const TAG_LEN: usize = 16;

/// Offset of the key id in the payload; a multiple of 3, so its base64 stands alone in the text.
pub(crate) const KEY_ID_OFFSET: usize = 3;

pub(crate) mod root_flags {
    pub(crate) const EXPIRES: u8 = 0x01;
    pub(crate) const NOT_BEFORE: u8 = 0x02;
    pub(crate) const SUBJECT: u8 = 0x04;
    pub(crate) const AUDIENCE: u8 = 0x08;
    pub(crate) const SCOPES: u8 = 0x10;
    pub(crate) const ROLES: u8 = 0x20;
    pub(crate) const DELEGATION: u8 = 0x40;
    pub(crate) const KNOWN: u8 = 0x7f;
}

pub(crate) mod block_flags {
    pub(crate) const EXPIRES: u8 = 0x01;
    pub(crate) const AUDIENCE: u8 = 0x04;
    pub(crate) const LABEL: u8 = 0x08;
    pub(crate) const SCOPES: u8 = 0x10;
    pub(crate) const DELEGATION: u8 = 0x40;
    pub(crate) const KNOWN: u8 = 0x5d;
}

/// A field of the payload: a range of its bytes. `Copy`, unlike a `Range`, so that the parsed
/// root is copied in place rather than cloned field by field.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct Span {
    pub(crate) start: u16,
    pub(crate) end: u16,
}

/// The root of a key, as read.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct Root {
    pub(crate) root_key_id: u16,
    pub(crate) key_id: [u8; 12],
    pub(crate) issued_at: i64,
    pub(crate) expires_at: Option<i64>,
    pub(crate) not_before: Option<i64>,
    pub(crate) subject: Option<Span>,
    pub(crate) audience: Option<Span>,
    pub(crate) scopes: Option<Span>,
    pub(crate) roles: Option<Span>,
    pub(crate) max_delegation: Option<u8>,
    /// The root's own bytes, which the first tag covers.
    pub(crate) bytes: Span,
}

/// One attenuation block, as read.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct Block {
    pub(crate) expires_at: Option<i64>,
    pub(crate) audience: Option<Span>,
    pub(crate) label: Option<Span>,
    pub(crate) scopes: Option<Span>,
    pub(crate) max_delegation: Option<u8>,
    pub(crate) bytes: Span,
}

/// A whole payload, as read.
#[derive(Clone, Debug)]
pub(crate) struct Payload {
    pub(crate) root: Root,
    pub(crate) blocks: [Block; MAX_BLOCKS],
    pub(crate) block_count: usize,
    pub(crate) tag: Span,
}

impl Default for Payload {
    /// Empty, written from constants: the verifier makes one for every key it checks.
    fn default() -> Self {
        const EMPTY: Block = Block {
            expires_at: None,
            audience: None,
            label: None,
            scopes: None,
            max_delegation: None,
            bytes: Span { start: 0, end: 0 },
        };
        Self {
            root: Root::default(),
            blocks: [EMPTY; MAX_BLOCKS],
            block_count: 0,
            tag: Span { start: 0, end: 0 },
        }
    }
}

impl Payload {
    pub(crate) fn blocks(&self) -> &[Block] {
        &self.blocks[..self.block_count]
    }

    pub(crate) fn root_key_id(&self) -> RootKeyId {
        RootKeyId(self.root.root_key_id)
    }

    pub(crate) fn key_id(&self) -> KeyId {
        KeyId(self.root.key_id)
    }
}

/// Reads a payload. Checks every rule of the format and every limit; does no MAC work.
pub(crate) fn read(buf: &[u8]) -> Result<Payload, Error> {
    let mut payload = Payload::default();
    read_into(buf, &mut payload)?;
    Ok(payload)
}

/// [`read`] into a payload the caller holds, which is left partly written on error. The
/// verifier reads this way: a payload is a few hundred bytes, and not returning it through a
/// `Result` spares copying them.
pub(crate) fn read_into(buf: &[u8], payload: &mut Payload) -> Result<(), Error> {
    let version = *buf
        .first()
        .ok_or_else(|| Error::Malformed(Malformed::Truncated))?;
    if version != VERSION {
        return Err(Error::UnsupportedVersion(version));
    }
    if buf.len() > usize::from(u16::MAX) {
        return Err(Error::TooLarge(Limit::KeyLength));
    }
    let mut r = Reader { buf, pos: 1 };
    payload.root = read_root(&mut r)?;
    payload.block_count = 0;
    while buf.len() - r.pos > TAG_LEN {
        if payload.block_count == MAX_BLOCKS {
            return Err(Error::TooLarge(Limit::Blocks));
        }
        payload.blocks[payload.block_count] = read_block(&mut r)?;
        payload.block_count += 1;
    }
    if buf.len() - r.pos != TAG_LEN {
        return Err(Error::Malformed(Malformed::Truncated));
    }
    payload.tag = r.span(r.pos, buf.len());
    Ok(())
}

fn read_root(r: &mut Reader<'_>) -> Result<Root, Error> {
    use root_flags::*;

    let start = 0;
    let root_key_id = u16::from_be_bytes(r.array()?);
    let key_id = r.array()?;
    let flags = r.byte()?;
    if flags & !KNOWN != 0 {
        return Err(Error::Malformed(Malformed::UnknownField));
    }
    let issued_at = r.time()?;
    let expires_at = match flags & EXPIRES {
        0 => None,
        _ => Some(add_time(issued_at, r.varint()?)?),
    };
    let not_before = r.optional(flags & NOT_BEFORE, Reader::time)?;
    let subject = r.optional(flags & SUBJECT, Reader::label)?;
    let audience = r.optional(flags & AUDIENCE, Reader::label)?;
    let scopes = r.optional(flags & SCOPES, Reader::scope_list)?;
    let roles = r.optional(flags & ROLES, Reader::role_list)?;
    let max_delegation = r.optional(flags & DELEGATION, Reader::delegation)?;
    if scopes.is_none() && roles.is_none() {
        return Err(Error::Malformed(Malformed::Empty));
    }
    Ok(Root {
        root_key_id,
        key_id,
        issued_at,
        expires_at,
        not_before,
        subject,
        audience,
        scopes,
        roles,
        max_delegation,
        bytes: r.span(start, r.pos),
    })
}

fn read_block(r: &mut Reader<'_>) -> Result<Block, Error> {
    use block_flags::*;

    let start = r.pos;
    let flags = r.byte()?;
    if flags & !KNOWN != 0 {
        return Err(Error::Malformed(Malformed::UnknownField));
    }
    Ok(Block {
        expires_at: r.optional(flags & EXPIRES, Reader::time)?,
        audience: r.optional(flags & AUDIENCE, Reader::label)?,
        label: r.optional(flags & LABEL, Reader::label)?,
        scopes: r.optional(flags & SCOPES, Reader::scope_list)?,
        max_delegation: r.optional(flags & DELEGATION, Reader::delegation)?,
        bytes: r.span(start, r.pos),
    })
}

fn add_time(base: i64, delta: u64) -> Result<i64, Error> {
    i64::try_from(delta)
        .ok()
        .and_then(|delta| base.checked_add(delta))
        .filter(|&t| t <= MAX_TIME)
        .ok_or_else(|| Error::Malformed(Malformed::Time))
}

struct Reader<'a> {
    buf: &'a [u8],
    pos: usize,
}

impl Reader<'_> {
    fn byte(&mut self) -> Result<u8, Error> {
        let b = *self
            .buf
            .get(self.pos)
            .ok_or_else(|| Error::Malformed(Malformed::Truncated))?;
        self.pos += 1;
        Ok(b)
    }

    fn array<const N: usize>(&mut self) -> Result<[u8; N], Error> {
        let bytes = self.take(N)?;
        let mut out = [0u8; N];
        out.copy_from_slice(&self.buf[bytes]);
        Ok(out)
    }

    fn take(&mut self, len: usize) -> Result<Range<usize>, Error> {
        let end = self
            .pos
            .checked_add(len)
            .filter(|&end| end <= self.buf.len());
        let end = end.ok_or_else(|| Error::Malformed(Malformed::Truncated))?;
        let range = self.pos..end;
        self.pos = end;
        Ok(range)
    }

    fn span(&self, start: usize, end: usize) -> Span {
        // `read` refuses payloads longer than u16::MAX, so offsets always fit.
        Span {
            start: start as u16,
            end: end as u16,
        }
    }

    fn optional<T>(
        &mut self,
        present: u8,
        read: fn(&mut Self) -> Result<T, Error>,
    ) -> Result<Option<T>, Error> {
        if present == 0 {
            Ok(None)
        } else {
            read(self).map(Some)
        }
    }

    /// Unsigned LEB128 in its shortest form, at most 64 bits.
    fn varint(&mut self) -> Result<u64, Error> {
        let mut value = 0u64;
        for i in 0..10 {
            let b = self.byte()?;
            let bits = u64::from(b & 0x7f);
            if i == 9 && b > 1 {
                return Err(Error::Malformed(Malformed::Integer));
            }
            value |= bits << (7 * i);
            if b & 0x80 == 0 {
                if b == 0 && i > 0 {
                    return Err(Error::Malformed(Malformed::Integer));
                }
                return Ok(value);
            }
        }
        Err(Error::Malformed(Malformed::Integer))
    }

    fn time(&mut self) -> Result<i64, Error> {
        let value = self.varint()?;
        i64::try_from(value)
            .ok()
            .filter(|&t| t <= MAX_TIME)
            .ok_or_else(|| Error::Malformed(Malformed::Time))
    }

    fn delegation(&mut self) -> Result<u8, Error> {
        match self.byte()? {
            n if usize::from(n) <= MAX_BLOCKS => Ok(n),
            _ => Err(Error::Malformed(Malformed::Integer)),
        }
    }

    fn label(&mut self) -> Result<Span, Error> {
        let len = usize::from(self.byte()?);
        if len == 0 || len > MAX_LABEL_LEN {
            return Err(Error::Malformed(Malformed::Text));
        }
        let range = self.take(len)?;
        let valid = self.buf[range.clone()]
            .iter()
            .fold(true, |ok, &c| ok & LABEL_CHARS[usize::from(c)]);
        if !valid {
            return Err(Error::Malformed(Malformed::Text));
        }
        Ok(self.span(range.start, range.end))
    }

    fn list(&mut self) -> Result<Range<usize>, Error> {
        let len = self.varint()?;
        let len = usize::try_from(len).map_err(|_| Error::Malformed(Malformed::Truncated))?;
        if len == 0 {
            return Err(Error::Malformed(Malformed::ScopeList));
        }
        self.take(len)
    }

    fn scope_list(&mut self) -> Result<Span, Error> {
        let range = self.list()?;
        let list = &self.buf[range.clone()];
        // The quick pass decides; the slow one, which names the fault, runs only on refusal.
        if !scope_list_is_canonical(list) {
            check_scope_list(list)?;
        }
        Ok(self.span(range.start, range.end))
    }

    fn role_list(&mut self) -> Result<Span, Error> {
        let range = self.list()?;
        let mut prev: &[u8] = &[];
        for (count, role) in self.buf[range.clone()].split(|&c| c == b' ').enumerate() {
            if count == MAX_ROLES {
                return Err(Error::TooLarge(Limit::Roles));
            }
            if !scope::role_is_valid(role) || (count > 0 && role <= prev) {
                return Err(Error::Malformed(Malformed::ScopeList));
            }
            prev = role;
        }
        Ok(self.span(range.start, range.end))
    }
}

/// Which bytes may appear in a subject, audience or label.
const LABEL_CHARS: [bool; 256] = {
    let mut table = [false; 256];
    let mut c = 0;
    while c < 256 {
        table[c] = is_label_char(c as u8);
        c += 1;
    }
    table
};

/// Characters allowed in a subject, audience or label.
pub(crate) const fn is_label_char(c: u8) -> bool {
    c.is_ascii_alphanumeric()
        || matches!(
            c,
            b'.' | b'_' | b'~' | b':' | b'@' | b'/' | b'+' | b'=' | b'-'
        )
}

/// Checks an encoded scope list: groups `resource:action[,action...]` joined by single spaces,
/// resources strictly ascending, each group's actions strictly ascending.
fn check_scope_list(list: &[u8]) -> Result<(), Error> {
    let bad = Error::Malformed(Malformed::ScopeList);
    let mut count = 0;
    let mut prev_resource: Option<&[u8]> = None;
    for group in list.split(|&c| c == b' ') {
        let colon = group
            .iter()
            .position(|&c| c == b':')
            .ok_or_else(|| bad.clone())?;
        let (resource, actions) = (&group[..colon], &group[colon + 1..]);
        if prev_resource.is_some_and(|prev| resource <= prev) {
            return Err(bad);
        }
        prev_resource = Some(resource);
        let mut prev_action: Option<&[u8]> = None;
        for action in actions.split(|&c| c == b',') {
            count += 1;
            if count > MAX_SCOPES {
                return Err(Error::TooLarge(Limit::Scopes));
            }
            if resource.len() + 1 + action.len() > MAX_SCOPE_LEN {
                return Err(Error::TooLarge(Limit::ScopeLength));
            }
            if prev_action.is_some_and(|prev| action <= prev) {
                return Err(bad);
            }
            prev_action = Some(action);
            scope::validate_parts(resource, action).map_err(|_| bad.clone())?;
        }
    }
    Ok(())
}

/// Whether [`check_scope_list`] accepts `list`, found in one pass over its bytes with no
/// error built: this runs for every scope list of every key verified.
fn scope_list_is_canonical(list: &[u8]) -> bool {
    let mut at = 0;
    let mut count = 0;
    let mut prev_resource: &[u8] = &[];
    loop {
        // A resource: segments joined by `/`, the last of which may be `**`.
        let resource_start = at;
        loop {
            let (end, kind) = segment(list, at);
            let next = list.get(end).copied();
            match (kind, next) {
                (Segment::Name | Segment::Star, Some(b'/')) => at = end + 1,
                (Segment::Name | Segment::Star | Segment::Tail, Some(b':')) => {
                    at = end;
                    break;
                }
                _ => return false,
            }
        }
        let resource = &list[resource_start..at];
        if resource_start > 0 && !scope::before(prev_resource, resource) {
            return false;
        }
        prev_resource = resource;
        at += 1;
        // Its actions: single segments joined by `,`, ascending.
        let mut prev_action: &[u8] = &[];
        loop {
            let (end, kind) = segment(list, at);
            let action = &list[at..end];
            count += 1;
            let fits = count <= MAX_SCOPES && resource.len() + 1 + action.len() <= MAX_SCOPE_LEN;
            let ordered = prev_action.is_empty() || scope::before(prev_action, action);
            if !fits || !ordered || !matches!(kind, Segment::Name | Segment::Star) {
                return false;
            }
            prev_action = action;
            match list.get(end) {
                Some(b',') => at = end + 1,
                Some(b' ') => {
                    at = end + 1;
                    break;
                }
                None => return true,
                Some(_) => return false,
            }
        }
    }
}

/// Which bytes may appear in a named segment.
const SEGMENT_CHARS: [bool; 256] = {
    let mut table = [false; 256];
    let mut c = 0;
    while c < 256 {
        table[c] = scope::is_segment_char(c as u8);
        c += 1;
    }
    table
};

#[derive(Clone, Copy, PartialEq, Eq)]
enum Segment {
    Name,
    Star,
    Tail,
    Invalid,
}

/// The segment starting at `at`: where it ends, and what it is. A name stops at the first byte
/// that cannot be in one; the caller checks that byte.
fn segment(list: &[u8], at: usize) -> (usize, Segment) {
    let rest = list.get(at..).unwrap_or_default();
    let len = rest
        .iter()
        .position(|&c| !SEGMENT_CHARS[usize::from(c)])
        .unwrap_or(rest.len());
    let kind = match &rest[..len] {
        b"" => match rest {
            [b'*', b'*', ..] => return (at + 2, Segment::Tail),
            [b'*', ..] => return (at + 1, Segment::Star),
            _ => Segment::Invalid,
        },
        b"." | b".." => Segment::Invalid,
        _ => Segment::Name,
    };
    (at + len, kind)
}

/// Whether a scope of an encoded (and checked) list covers the requested resource and action.
/// Resources are unique in a list: the group that names the requested resource is found by
/// its first bytes, and decides when one of its actions is the requested one. Patterns can
/// cover a scope from any group, so a list with a `*` anywhere is matched scope by scope.
pub(crate) fn list_covers(list: &[u8], r_res: &[u8], r_act: &[u8]) -> bool {
    let mut rest = list;
    loop {
        let named = rest
            .get(..r_res.len())
            .is_some_and(|start| scope::same(start, r_res));
        if named && rest.get(r_res.len()) == Some(&b':') {
            let after = &rest[r_res.len() + 1..];
            let actions = after.split(|&c| c == b' ').next().unwrap_or_default();
            if actions
                .split(|&c| c == b',')
                .any(|action| scope::same(action, r_act))
            {
                return true;
            }
        }
        match rest.iter().position(|&c| c == b' ' || c == b'*') {
            Some(at) if rest[at] == b' ' => rest = &rest[at + 1..],
            Some(_) => return patterns_cover(list, r_res, r_act),
            None => return false,
        }
    }
}

/// [`list_covers`] for a list with patterns: every scope matched against the request.
fn patterns_cover(list: &[u8], r_res: &[u8], r_act: &[u8]) -> bool {
    scope_groups(list).any(|(resource, actions)| {
        actions
            .split(|&c| c == b',')
            .any(|action| scope::covers_parts(resource, action, r_res, r_act))
    })
}

/// The groups of an encoded (and checked) list, as `(resource, actions)` pairs where the
/// actions are still joined by commas.
pub(crate) fn scope_groups(list: &[u8]) -> impl Iterator<Item = (&[u8], &[u8])> {
    list.split(|&c| c == b' ').map(|group| {
        let colon = group.iter().position(|&c| c == b':').unwrap_or(group.len());
        let (resource, actions) = group.split_at(colon);
        (resource, actions.get(1..).unwrap_or_default())
    })
}

/// The scopes of an encoded (and checked) list, as `(resource, action)` pairs.
pub(crate) fn scope_pairs(list: &[u8]) -> impl Iterator<Item = (&[u8], &[u8])> {
    scope_groups(list).flat_map(|(resource, actions)| {
        actions
            .split(|&c| c == b',')
            .map(move |action| (resource, action))
    })
}

/// Encodes a scope list, sorting it and dropping duplicates. Fails on an empty list and on any
/// limit the reader enforces.
pub(crate) fn encode_scope_list(scopes: &[Scope]) -> Result<Vec<u8>, Error> {
    let mut sorted: Vec<&Scope> = scopes.iter().collect();
    sorted.sort();
    sorted.dedup();
    if sorted.is_empty() {
        return Err(Error::InvalidArgument("a scope list must not be empty"));
    }
    if sorted.len() > MAX_SCOPES {
        return Err(Error::TooLarge(Limit::Scopes));
    }
    let mut out = Vec::new();
    let mut prev: Option<&str> = None;
    for scope in sorted {
        if prev == Some(scope.resource()) {
            out.push(b',');
        } else {
            if prev.is_some() {
                out.push(b' ');
            }
            out.extend_from_slice(scope.resource().as_bytes());
            out.push(b':');
        }
        out.extend_from_slice(scope.action().as_bytes());
        prev = Some(scope.resource());
    }
    Ok(out)
}

/// Encodes a role list, sorting it and dropping duplicates.
pub(crate) fn encode_role_list(roles: &[String]) -> Result<Vec<u8>, Error> {
    let mut sorted: Vec<&String> = roles.iter().collect();
    sorted.sort();
    sorted.dedup();
    if sorted.len() > MAX_ROLES {
        return Err(Error::TooLarge(Limit::Roles));
    }
    for role in &sorted {
        scope::validate_role(role)?;
    }
    Ok(sorted
        .iter()
        .map(|r| r.as_str())
        .collect::<Vec<_>>()
        .join(" ")
        .into_bytes())
}

/// Fields of a root, to be written.
#[derive(Debug, Default)]
pub(crate) struct RootFields<'a> {
    pub(crate) root_key_id: u16,
    pub(crate) key_id: [u8; 12],
    pub(crate) issued_at: i64,
    pub(crate) expires_at: Option<i64>,
    pub(crate) not_before: Option<i64>,
    pub(crate) subject: Option<&'a str>,
    pub(crate) audience: Option<&'a str>,
    pub(crate) scopes: Option<Vec<u8>>,
    pub(crate) roles: Option<Vec<u8>>,
    pub(crate) max_delegation: Option<u8>,
}

/// Fields of a block, to be written.
#[derive(Debug, Default)]
pub(crate) struct BlockFields<'a> {
    pub(crate) expires_at: Option<i64>,
    pub(crate) audience: Option<&'a str>,
    pub(crate) label: Option<&'a str>,
    pub(crate) scopes: Option<Vec<u8>>,
    pub(crate) max_delegation: Option<u8>,
}

/// Writes a root; the writer mirrors `read_root`. Checks every value it writes.
pub(crate) fn write_root(f: &RootFields<'_>) -> Result<Vec<u8>, Error> {
    use root_flags::*;

    let mut w = Writer(Vec::with_capacity(96));
    w.0.push(VERSION);
    w.0.extend_from_slice(&f.root_key_id.to_be_bytes());
    w.0.extend_from_slice(&f.key_id);
    let flags = flag(f.expires_at.is_some(), EXPIRES)
        | flag(f.not_before.is_some(), NOT_BEFORE)
        | flag(f.subject.is_some(), SUBJECT)
        | flag(f.audience.is_some(), AUDIENCE)
        | flag(f.scopes.is_some(), SCOPES)
        | flag(f.roles.is_some(), ROLES)
        | flag(f.max_delegation.is_some(), DELEGATION);
    if f.scopes.is_none() && f.roles.is_none() {
        return Err(Error::InvalidArgument(
            "a key must grant at least one scope or role",
        ));
    }
    w.0.push(flags);
    w.time(f.issued_at)?;
    if let Some(expires_at) = f.expires_at {
        check_time(expires_at)?;
        let delta = expires_at
            .checked_sub(f.issued_at)
            .and_then(|d| u64::try_from(d).ok())
            .ok_or_else(|| Error::InvalidArgument("a key cannot expire before it is issued"))?;
        w.varint(delta);
    }
    if let Some(t) = f.not_before {
        w.time(t)?;
    }
    if let Some(subject) = f.subject {
        w.label(subject)?;
    }
    if let Some(audience) = f.audience {
        w.label(audience)?;
    }
    if let Some(scopes) = &f.scopes {
        w.list(scopes);
    }
    if let Some(roles) = &f.roles {
        w.list(roles);
    }
    if let Some(n) = f.max_delegation {
        w.delegation(n)?;
    }
    Ok(w.0)
}

/// Writes a block; the writer mirrors `read_block`.
pub(crate) fn write_block(f: &BlockFields<'_>) -> Result<Vec<u8>, Error> {
    use block_flags::*;

    let mut w = Writer(Vec::with_capacity(48));
    w.0.push(
        flag(f.expires_at.is_some(), EXPIRES)
            | flag(f.audience.is_some(), AUDIENCE)
            | flag(f.label.is_some(), LABEL)
            | flag(f.scopes.is_some(), SCOPES)
            | flag(f.max_delegation.is_some(), DELEGATION),
    );
    if let Some(t) = f.expires_at {
        w.time(t)?;
    }
    if let Some(audience) = f.audience {
        w.label(audience)?;
    }
    if let Some(label) = f.label {
        w.label(label)?;
    }
    if let Some(scopes) = &f.scopes {
        w.list(scopes);
    }
    if let Some(n) = f.max_delegation {
        w.delegation(n)?;
    }
    Ok(w.0)
}

fn check_time(t: i64) -> Result<u64, Error> {
    u64::try_from(t)
        .ok()
        .filter(|&t| t <= MAX_TIME as u64)
        .ok_or_else(|| Error::InvalidArgument("times must lie between 1970-01-01 and 9999-12-31"))
}

const fn flag(present: bool, bit: u8) -> u8 {
    if present { bit } else { 0 }
}

struct Writer(Vec<u8>);

impl Writer {
    fn varint(&mut self, mut value: u64) {
        loop {
            let low = (value & 0x7f) as u8;
            value >>= 7;
            if value == 0 {
                self.0.push(low);
                return;
            }
            self.0.push(low | 0x80);
        }
    }

    fn time(&mut self, t: i64) -> Result<(), Error> {
        self.varint(check_time(t)?);
        Ok(())
    }

    fn label(&mut self, text: &str) -> Result<(), Error> {
        let bytes = text.as_bytes();
        if bytes.is_empty()
            || bytes.len() > MAX_LABEL_LEN
            || !bytes.iter().all(|&c| is_label_char(c))
        {
            return Err(Error::InvalidArgument(
                "subjects, audiences and labels are 1-64 characters of A-Z a-z 0-9 . _ ~ : @ / + = -",
            ));
        }
        self.0.push(bytes.len() as u8);
        self.0.extend_from_slice(bytes);
        Ok(())
    }

    fn list(&mut self, list: &[u8]) {
        self.varint(list.len() as u64);
        self.0.extend_from_slice(list);
    }

    fn delegation(&mut self, n: u8) -> Result<(), Error> {
        if usize::from(n) > MAX_BLOCKS {
            return Err(Error::InvalidArgument("a delegation limit is at most 8"));
        }
        self.0.push(n);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use base64::Engine as _;
    use proptest::prelude::*;

    use super::*;
    use crate::key::BASE64;

    /// Writes back what `read` understood. Canonical reading means this gives the same bytes.
    fn rewrite(buf: &[u8]) -> Result<Vec<u8>, Error> {
        let p = read(buf)?;
        let text = |span: &Option<Span>| {
            span.as_ref()
                .map(|s| std::str::from_utf8(at(buf, s)).unwrap())
        };
        let bytes = |span: &Option<Span>| span.as_ref().map(|s| at(buf, s).to_vec());
        let r = &p.root;
        let mut out = write_root(&RootFields {
            root_key_id: r.root_key_id,
            key_id: r.key_id,
            issued_at: r.issued_at,
            expires_at: r.expires_at,
            not_before: r.not_before,
            subject: text(&r.subject),
            audience: text(&r.audience),
            scopes: bytes(&r.scopes),
            roles: bytes(&r.roles),
            max_delegation: r.max_delegation,
        })?;
        for b in p.blocks() {
            out.extend(write_block(&BlockFields {
                expires_at: b.expires_at,
                audience: text(&b.audience),
                label: text(&b.label),
                scopes: bytes(&b.scopes),
                max_delegation: b.max_delegation,
            })?);
        }
        out.extend_from_slice(at(buf, &p.tag));
        Ok(out)
    }

    fn at<'a>(buf: &'a [u8], span: &Span) -> &'a [u8] {
        &buf[usize::from(span.start)..usize::from(span.end)]
    }

    /// The payload of every vector key that parses.
    fn payloads() -> Vec<Vec<u8>> {
        let text = include_str!("../../test-vectors/keys.json");
        let vectors: serde_json::Value = serde_json::from_str(text).unwrap();
        vectors["cases"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|c| c["key"].as_str())
            .filter_map(|key| {
                let second = key.match_indices('_').nth(1)?.0;
                let body = key.get(second + 1..key.len().checked_sub(6)?)?;
                BASE64.decode(body).ok()
            })
            .filter(|payload| read(payload).is_ok())
            .collect()
    }

    #[test]
    fn writing_mirrors_reading() {
        let payloads = payloads();
        assert!(payloads.len() > 40);
        for payload in payloads {
            assert_eq!(rewrite(&payload).unwrap(), payload);
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]

        /// Whatever mutation of a valid payload the reader accepts, it reads canonically.
        #[test]
        fn accepted_mutants_are_canonical(
            pick in any::<prop::sample::Index>(),
            edits in prop::collection::vec((any::<prop::sample::Index>(), any::<u8>(), 0u8..3), 1..4),
        ) {
            let payloads = payloads();
            let mut payload = pick.get(&payloads).clone();
            for (at, byte, kind) in edits {
                let i = at.index(payload.len().max(1));
                match kind {
                    0 if i < payload.len() => payload[i] = byte,
                    1 => payload.insert(i.min(payload.len()), byte),
                    _ if i < payload.len() => { payload.remove(i); }
                    _ => {}
                }
            }
            if read(&payload).is_ok() {
                prop_assert_eq!(rewrite(&payload).unwrap(), payload);
            }
        }

        /// The one-pass check of a scope list and the one that names faults always agree.
        #[test]
        fn quick_scope_list_check_agrees(
            list in concat!(
                "[ab.*/:, ]{1,24}",
                "|([a-c*]{1,2}(/[a-c*.]{1,3}){0,2}:[ab*]{1,2}(,[ab*]{1,2}){0,2} ?){1,4}",
            ),
        ) {
            let list = list.as_bytes();
            let (quick, naming) = (scope_list_is_canonical(list), check_scope_list(list).is_ok());
            prop_assert_eq!(quick, naming, "{:?}", String::from_utf8_lossy(list));
        }

        /// A list covers a scope exactly when one of its scopes, matched alone, covers it.
        #[test]
        fn list_covers_what_one_of_its_scopes_covers(
            scopes in proptest::collection::vec(
                prop_oneof![
                    4 => "[a-c]{1,2}(/[a-c]{1,2})?:[ab]{1,2}",
                    1 => "([a-c*]{1,2}(/[a-c*]{1,2}){0,2}(/[*][*])?|[*][*]):[ab*]{1,2}",
                ],
                1..6,
            ),
            resource in prop_oneof![
                4 => "[a-c]{1,2}(/[a-c]{1,2})?",
                1 => "([a-c*]{1,2}|[*][*])(/([a-c*]{1,2}|[*][*])){0,2}",
            ],
            action in prop_oneof![4 => "[ab]{1,2}", 1 => "[ab*]{1,2}"],
        ) {
            let scopes: Vec<Scope> = scopes.iter().filter_map(|s| Scope::parse(s).ok()).collect();
            prop_assume!(!scopes.is_empty());
            let list = encode_scope_list(&scopes).unwrap();
            prop_assert!(scope_list_is_canonical(&list));
            let (resource, action) = (resource.as_bytes(), action.as_bytes());
            let one = scopes.iter().any(|scope| {
                let (res, act) = (scope.resource().as_bytes(), scope.action().as_bytes());
                scope::covers_parts(res, act, resource, action)
            });
            let all = list_covers(&list, resource, action);
            let list = String::from_utf8_lossy(&list);
            let (resource, action) = (String::from_utf8_lossy(resource), String::from_utf8_lossy(action));
            prop_assert_eq!(all, one, "{:?} {}:{}", list, resource, action);
        }
    }

    #[test]
    fn quick_scope_list_check_limits() {
        let many: Vec<String> = (0..=MAX_SCOPES).map(|i| format!("a{i:02}")).collect();
        let at_limit = format!("r:{}", many[..MAX_SCOPES].join(","));
        let over = format!("r:{}", many.join(","));
        let long = format!("{}:a", "r".repeat(MAX_SCOPE_LEN - 2));
        let too_long = format!("{}:a", "r".repeat(MAX_SCOPE_LEN - 1));
        for list in [
            at_limit,
            over,
            long,
            too_long,
            "a/**:b".into(),
            "**:b".into(),
            "a:**".into(),
        ] {
            let list = list.as_bytes();
            assert_eq!(
                scope_list_is_canonical(list),
                check_scope_list(list).is_ok()
            );
        }
        assert!(scope_list_is_canonical(b"billing:read users:read,write"));
        assert!(!scope_list_is_canonical(b"users:read billing:read"));
    }
}
