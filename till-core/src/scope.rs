//! Scopes: the grammar, matching, intersection, and requests.
//!
//! A scope is `resource:action`. The resource is one or more `/`-separated segments, the action
//! one segment. Segments use `a-z 0-9 _ . -` and are never `.` or `..`. A whole segment `*`
//! stands for exactly one segment; a final resource segment `**` stands for one or more.
//! Matching is segment by segment and never by prefix: `repo:read` does not grant
//! `repo:readwrite`, and `org/a:read` does not grant `org/ab:read`.

use std::cmp::Ordering;
use std::fmt;
use std::str::FromStr;
use std::sync::{Arc, Mutex};

use crate::error::{Error, ScopeError};
use crate::limits::{MAX_REQUEST_SCOPES, MAX_ROLE_LEN, MAX_SCOPE_LEN};

/// A scope that follows the grammar, such as `repo/acme/*:read`.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Scope(Box<str>);

impl Scope {
    /// Parses and validates a scope.
    pub fn parse(text: &str) -> Result<Self, Error> {
        validate(text.as_bytes()).map_err(Error::InvalidScope)?;
        Ok(Self(text.into()))
    }

    /// The scope's text.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The resource part, before the `:`.
    pub fn resource(&self) -> &str {
        split(self.0.as_bytes()).map_or("", |(r, _)| &self.0[..r.len()])
    }

    /// The action part, after the `:`.
    pub fn action(&self) -> &str {
        let resource = self.resource().len();
        self.0.get(resource + 1..).unwrap_or("")
    }

    /// Whether this scope grants everything `other` names.
    ///
    /// `repo/*:read` covers `repo/x:read` and `repo/*:read`, but not `repo/**:read`.
    pub fn covers(&self, other: &Scope) -> bool {
        covers(self.0.as_bytes(), other.0.as_bytes())
    }

    /// The scope naming exactly what both grant, or `None` when they share nothing.
    pub fn intersect(&self, other: &Scope) -> Option<Scope> {
        intersect(self.0.as_bytes(), other.0.as_bytes()).map(|s| Scope(s.into()))
    }
}

impl FromStr for Scope {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self, Error> {
        Self::parse(s)
    }
}

impl fmt::Display for Scope {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for Scope {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Scope({:?})", &*self.0)
    }
}

impl PartialOrd for Scope {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

/// Scopes order by resource, then by action: the order in which a key stores them.
impl Ord for Scope {
    fn cmp(&self, other: &Self) -> Ordering {
        (self.resource(), self.action()).cmp(&(other.resource(), other.action()))
    }
}

impl serde::Serialize for Scope {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0)
    }
}

impl<'de> serde::Deserialize<'de> for Scope {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
        Scope::parse(&text).map_err(serde::de::Error::custom)
    }
}

/// What a caller asks a key to grant: one scope, all of several, or any of several.
#[derive(Clone, Debug)]
pub struct Request {
    scopes: Arc<[Scope]>,
    any: bool,
}

impl Request {
    /// A request for one scope.
    pub fn scope(scope: &str) -> Result<Self, Error> {
        let scopes: Arc<[Scope]> = Arc::new([Scope::parse(scope)?]);
        Ok(Self { scopes, any: false })
    }

    /// A request that every one of `scopes` is granted.
    pub fn all_of<I, S>(scopes: I) -> Result<Self, Error>
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        Self::build(scopes, false)
    }

    /// A request that at least one of `scopes` is granted.
    pub fn any_of<I, S>(scopes: I) -> Result<Self, Error>
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        Self::build(scopes, true)
    }

    /// The scopes asked for, in the order given.
    pub fn scopes(&self) -> &[Scope] {
        &self.scopes
    }

    /// Whether any one of the scopes suffices.
    pub fn is_any_of(&self) -> bool {
        self.any
    }

    fn build<I, S>(scopes: I, any: bool) -> Result<Self, Error>
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        let scopes = scopes
            .into_iter()
            .map(|s| Scope::parse(s.as_ref()))
            .collect::<Result<Vec<_>, _>>()?;
        if scopes.is_empty() || scopes.len() > MAX_REQUEST_SCOPES {
            return Err(Error::InvalidScope(ScopeError::Count));
        }
        Ok(Self {
            scopes: scopes.into(),
            any,
        })
    }

    /// Checks the request against a predicate saying whether one scope is granted.
    /// On refusal, returns the bit mask of the scopes not granted.
    pub(crate) fn evaluate(&self, granted: impl Fn(&[u8]) -> bool) -> Result<(), u32> {
        let mut missing = 0u32;
        for (i, scope) in self.scopes.iter().enumerate() {
            if granted(scope.0.as_bytes()) {
                if self.any {
                    return Ok(());
                }
            } else {
                missing |= 1 << i;
            }
        }
        if missing == 0 { Ok(()) } else { Err(missing) }
    }

    pub(crate) fn shared(&self) -> Arc<[Scope]> {
        Arc::clone(&self.scopes)
    }
}

/// One-scope requests remembered by their text, which a verifier keeps for scopes given to it
/// as strings (see [`Verifier::request_for`]): a service asks for the same few scopes again
/// and again, and each is parsed (and allocated) once rather than per call.
///
/// [`Verifier::request_for`]: crate::Verifier::request_for
///
/// A request is a function of its text alone, so what is remembered changes no outcome. The
/// last [`RequestMemo::CAPACITY`] different scopes are kept, the one kept longest replaced
/// first (a service that asks for more scopes than that in turn parses on every call); text
/// that is not a scope is never kept. Shared between threads, it never waits: a call that
/// finds it in use parses on its own.
#[derive(Debug, Default)]
pub(crate) struct RequestMemo {
    kept: Mutex<Kept>,
}

#[derive(Debug, Default)]
struct Kept {
    /// Requests of one scope each, found by that scope's text.
    entries: [Option<Request>; RequestMemo::CAPACITY],
    next: usize,
}

impl RequestMemo {
    /// How many requests are kept.
    pub(crate) const CAPACITY: usize = 8;

    /// The request for one scope, the same as [`Request::scope`] gives.
    pub(crate) fn scope(&self, scope: &str) -> Result<Request, Error> {
        let Ok(mut kept) = self.kept.try_lock() else {
            return Request::scope(scope);
        };
        let found = kept
            .entries
            .iter()
            .flatten()
            .find(|request| match request.scopes() {
                [kept] => kept.as_str() == scope,
                _ => false,
            });
        if let Some(request) = found {
            return Ok(request.clone());
        }
        let request = Request::scope(scope)?;
        let next = kept.next;
        kept.entries[next] = Some(request.clone());
        kept.next = (next + 1) % Self::CAPACITY;
        Ok(request)
    }
}

/// Checks a scope's text against the grammar, as [`Scope::parse`] does, without keeping it.
/// For callers that take a scope as text together with other arguments, so that a bad scope
/// is reported before anything else is read, as a request built first would be.
pub fn validate_scope(scope: &str) -> Result<(), Error> {
    validate(scope.as_bytes()).map_err(Error::InvalidScope)
}

/// Checks a role name: `[a-z][a-z0-9_-]*`, at most 32 bytes.
pub fn validate_role(name: &str) -> Result<(), Error> {
    if role_is_valid(name.as_bytes()) {
        Ok(())
    } else {
        Err(Error::InvalidScope(ScopeError::Role))
    }
}

pub(crate) fn role_is_valid(name: &[u8]) -> bool {
    match name.split_first() {
        Some((first, rest)) => {
            name.len() <= MAX_ROLE_LEN
                && first.is_ascii_lowercase()
                && rest.iter().all(|&c| {
                    c.is_ascii_lowercase() || c.is_ascii_digit() || c == b'_' || c == b'-'
                })
        }
        None => false,
    }
}

/// Validates one scope against the grammar.
pub(crate) fn validate(scope: &[u8]) -> Result<(), ScopeError> {
    if scope.len() > MAX_SCOPE_LEN {
        return Err(ScopeError::TooLong);
    }
    let (resource, action) = split(scope).ok_or(ScopeError::Shape)?;
    validate_parts(resource, action)
}

/// Validates a resource and an action (the caller checks the combined length). One pass
/// over the bytes: this runs for every scope of every key verified.
pub(crate) fn validate_parts(resource: &[u8], action: &[u8]) -> Result<(), ScopeError> {
    let mut rest = resource;
    loop {
        match rest.iter().position(|&c| c == b'/') {
            Some(slash) => {
                validate_segment(&rest[..slash], false)?;
                rest = &rest[slash + 1..];
            }
            None => {
                validate_segment(rest, true)?;
                break;
            }
        }
    }
    validate_segment(action, false)
}

/// One segment: `*`, a final `**` where `tail` allows it, or a name.
fn validate_segment(segment: &[u8], tail: bool) -> Result<(), ScopeError> {
    match segment {
        b"*" => return Ok(()),
        b"**" if tail => return Ok(()),
        b"" | b"." | b".." => return Err(ScopeError::Segment),
        _ => {}
    }
    let class = segment
        .iter()
        .fold(0, |acc, &c| acc | SEGMENT_CLASS[usize::from(c)]);
    if class & STAR != 0 {
        Err(ScopeError::Wildcard)
    } else if class & FOREIGN != 0 {
        Err(ScopeError::Character)
    } else {
        Ok(())
    }
}

const STAR: u8 = 1;
const FOREIGN: u8 = 2;

/// For each byte: 0 inside a name, `STAR` for `*`, `FOREIGN` for anything else.
const SEGMENT_CLASS: [u8; 256] = {
    let mut table = [FOREIGN; 256];
    let mut c = 0;
    while c < 256 {
        if is_segment_char(c as u8) {
            table[c] = 0;
        }
        c += 1;
    }
    table[b'*' as usize] = STAR;
    table
};

/// Splits a scope at its one `:`.
fn split(scope: &[u8]) -> Option<(&[u8], &[u8])> {
    let colon = scope.iter().position(|&c| c == b':')?;
    let (resource, action) = (&scope[..colon], &scope[colon + 1..]);
    if action.contains(&b':') {
        return None;
    }
    Some((resource, action))
}

pub(crate) const fn is_segment_char(c: u8) -> bool {
    c.is_ascii_lowercase() || c.is_ascii_digit() || c == b'_' || c == b'.' || c == b'-'
}

/// Whether a valid `grant` covers a valid `request`.
pub(crate) fn covers(grant: &[u8], request: &[u8]) -> bool {
    let (Some((g_res, g_act)), Some((r_res, r_act))) = (split(grant), split(request)) else {
        return false;
    };
    covers_parts(g_res, g_act, r_res, r_act)
}

/// Whether two short byte strings are equal, compared in line: scopes are a few bytes long,
/// shorter than a call to `memcmp` is worth.
#[inline]
pub(crate) fn same(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).all(|(x, y)| x == y)
}

/// Whether `a` sorts strictly before `b`, bytewise, compared in line as [`same`] is.
#[inline]
pub(crate) fn before(a: &[u8], b: &[u8]) -> bool {
    match a.iter().zip(b).find(|(x, y)| x != y) {
        Some((x, y)) => x < y,
        None => a.len() < b.len(),
    }
}

/// Whether the granted resource and action cover the requested ones.
pub(crate) fn covers_parts(g_res: &[u8], g_act: &[u8], r_res: &[u8], r_act: &[u8]) -> bool {
    if g_act != b"*" && !same(g_act, r_act) {
        return false;
    }
    // Without a wildcard, a grant covers exactly its own resource.
    let equal = same(g_res, r_res);
    if equal || !g_res.contains(&b'*') {
        return equal;
    }
    let mut requested = r_res.split(|&c| c == b'/');
    for granted in g_res.split(|&c| c == b'/') {
        if granted == b"**" {
            // `**` covers one or more segments of any kind, including `**` itself.
            return requested.next().is_some();
        }
        let Some(segment) = requested.next() else {
            return false;
        };
        let ok = match (granted, segment) {
            (_, b"**") => false,
            (b"*", _) => true,
            (literal, other) => literal == other,
        };
        if !ok {
            return false;
        }
    }
    requested.next().is_none()
}

/// The pattern matching exactly what two valid scopes both match, if they share anything.
pub(crate) fn intersect(a: &[u8], b: &[u8]) -> Option<String> {
    let (a_res, a_act) = split(a)?;
    let (b_res, b_act) = split(b)?;
    let action = match (a_act, b_act) {
        (b"*", other) | (other, b"*") => other,
        (x, y) if x == y => x,
        _ => return None,
    };

    let a_segs: Vec<&[u8]> = a_res.split(|&c| c == b'/').collect();
    let b_segs: Vec<&[u8]> = b_res.split(|&c| c == b'/').collect();
    let a_tail = a_segs.last() == Some(&&b"**"[..]);
    let b_tail = b_segs.last() == Some(&&b"**"[..]);
    let a_fixed = &a_segs[..a_segs.len() - usize::from(a_tail)];
    let b_fixed = &b_segs[..b_segs.len() - usize::from(b_tail)];

    // Without `**` a pattern has a fixed length; with it, at least one more segment.
    let (short, long, long_tail) = if a_fixed.len() <= b_fixed.len() {
        (a_fixed, b_fixed, b_tail)
    } else {
        (b_fixed, a_fixed, a_tail)
    };
    let short_tail = if a_fixed.len() <= b_fixed.len() {
        a_tail
    } else {
        b_tail
    };
    if !short_tail && (long_tail || short.len() != long.len()) {
        return None;
    }
    if short_tail && short.len() == long.len() && !long_tail {
        return None;
    }

    let mut out: Vec<&[u8]> = Vec::with_capacity(long.len() + 1);
    for (i, &segment) in long.iter().enumerate() {
        let merged = match short.get(i) {
            None => segment,
            Some(&b"*") => segment,
            Some(&other) if segment == b"*" => other,
            Some(&other) if other == segment => segment,
            Some(_) => return None,
        };
        out.push(merged);
    }
    if short_tail && long_tail {
        out.push(b"**");
    }
    let mut text = out.join(&b'/');
    text.push(b':');
    text.extend_from_slice(action);
    String::from_utf8(text).ok()
}

/// Reduces a set of scopes to its canonical form: sorted, without duplicates, and without any
/// scope that another scope of the set already covers.
pub fn minimize(mut scopes: Vec<Scope>) -> Vec<Scope> {
    scopes.sort();
    scopes.dedup();
    let covered: Vec<bool> = scopes
        .iter()
        .enumerate()
        .map(|(i, s)| {
            scopes
                .iter()
                .enumerate()
                .any(|(j, t)| i != j && t.covers(s))
        })
        .collect();
    scopes
        .into_iter()
        .zip(covered)
        .filter(|(_, c)| !c)
        .map(|(s, _)| s)
        .collect()
}

/// Adds `scope` to `kept`, a list in which no scope covers another: unless a scope there
/// covers it already, it goes in and those it covers go out. Each comparison spends a unit of
/// `budget`; when too little is left for them, `scope` is left out and the budget is spent.
pub(crate) fn keep_minimal(kept: &mut Vec<Scope>, scope: Scope, budget: &mut usize) {
    let cost = 2 * kept.len();
    if *budget < cost {
        *budget = 0;
        return;
    }
    *budget -= cost;
    if kept.iter().any(|k| k.covers(&scope)) {
        return;
    }
    kept.retain(|k| !scope.covers(k));
    kept.push(scope);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(text: &str) -> Scope {
        Scope::parse(text).unwrap()
    }

    #[test]
    fn grammar() {
        for ok in [
            "repo:read",
            "repo/acme/*:read",
            "**:*",
            "a/**:write",
            "x.y/z_1-2:a.b",
        ] {
            assert!(Scope::parse(ok).is_ok(), "{ok}");
        }
        let bad = [
            ("repo", ScopeError::Shape),
            ("a:b:c", ScopeError::Shape),
            ("repo/:read", ScopeError::Segment),
            (":read", ScopeError::Segment),
            ("repo:", ScopeError::Segment),
            ("repo/..:read", ScopeError::Segment),
            ("./x:read", ScopeError::Segment),
            ("Repo:read", ScopeError::Character),
            ("repo:réad", ScopeError::Character),
            ("re po:read", ScopeError::Character),
            ("**/x:read", ScopeError::Wildcard),
            ("repo-*:read", ScopeError::Wildcard),
            ("repo:**", ScopeError::Wildcard),
        ];
        for (text, why) in bad {
            assert_eq!(validate(text.as_bytes()), Err(why), "{text}");
        }
        let long = format!("{}:read", "a".repeat(MAX_SCOPE_LEN - 5));
        assert!(Scope::parse(&long).is_ok());
        assert_eq!(
            validate(format!("a{long}").as_bytes()),
            Err(ScopeError::TooLong)
        );
    }

    #[test]
    fn matching_is_by_segment() {
        assert!(s("repo:read").covers(&s("repo:read")));
        assert!(!s("repo:read").covers(&s("repo:readwrite")));
        assert!(!s("org/a:read").covers(&s("org/ab:read")));
        assert!(s("repo/*:read").covers(&s("repo/x:read")));
        assert!(!s("repo/*:read").covers(&s("repository/x:read")));
        assert!(!s("repo/*:read").covers(&s("repo/x/y:read")));
        assert!(!s("repo/*:read").covers(&s("repo:read")));
        assert!(s("repo/**:read").covers(&s("repo/x/y:read")));
        assert!(!s("repo/**:read").covers(&s("repo:read")));
        assert!(s("repo/*:*").covers(&s("repo/x:write")));
        assert!(!s("repo/x:read").covers(&s("repo/*:read")));
        assert!(!s("repo/*:read").covers(&s("repo/**:read")));
        assert!(s("repo/**:read").covers(&s("repo/*/**:read")));
        assert!(s("repo/x:*").covers(&s("repo/x:read")));
        assert!(!s("repo/x:read").covers(&s("repo/x:*")));
    }

    #[test]
    fn intersection() {
        let cases = [
            ("repo/*:read", "repo/x:*", Some("repo/x:read")),
            ("repo/*:read", "repo/**:read", Some("repo/*:read")),
            ("a/b:read", "a/b/**:read", None),
            ("a/*:read", "a/b/**:read", None),
            ("a/**:read", "*/b/**:*", Some("a/b/**:read")),
            ("repo/**:read", "repo/x/**:read", Some("repo/x/**:read")),
            ("repo/**:read", "repo/x/y:read", Some("repo/x/y:read")),
            ("repo/**:read", "repo:read", None),
            ("a/*:read", "a/b:write", None),
            ("**:*", "a/b:c", Some("a/b:c")),
            ("*/b:read", "a/*:read", Some("a/b:read")),
        ];
        for (a, b, want) in cases {
            assert_eq!(
                s(a).intersect(&s(b)).map(|x| x.to_string()).as_deref(),
                want,
                "{a} ∩ {b}"
            );
            assert_eq!(
                s(b).intersect(&s(a)).map(|x| x.to_string()).as_deref(),
                want,
                "{b} ∩ {a}"
            );
        }
    }

    #[test]
    fn memo_gives_what_parsing_gives() {
        let memo = RequestMemo::default();
        // More texts than the memo keeps, each asked for twice, some of them again later:
        // every answer is the request parsed from that text, never a neighbour's.
        let texts: Vec<String> = (0..RequestMemo::CAPACITY * 2 + 3)
            .map(|i| format!("repo/r{i}:read"))
            .collect();
        for round in 0..3 {
            for text in texts.iter().skip(round) {
                for _ in 0..2 {
                    let request = memo.scope(text).unwrap();
                    assert_eq!(request.scopes(), [s(text)]);
                    assert!(!request.is_any_of());
                }
            }
        }
        // A text asked for again while kept gives the request kept, not a new parse; once
        // enough others have been asked for, it is parsed anew.
        let first = memo.scope("repo/kept:read").unwrap();
        let again = memo.scope("repo/kept:read").unwrap();
        assert!(std::ptr::eq(first.scopes(), again.scopes()));
        for text in &texts[..RequestMemo::CAPACITY] {
            memo.scope(text).unwrap();
        }
        let parsed = memo.scope("repo/kept:read").unwrap();
        assert!(!std::ptr::eq(first.scopes(), parsed.scopes()));
        assert_eq!(first.scopes(), parsed.scopes());
        let kept = memo.kept.lock().unwrap();
        assert_eq!(kept.entries.iter().flatten().count(), RequestMemo::CAPACITY);
    }

    #[test]
    fn memo_keeps_no_invalid_text() {
        let memo = RequestMemo::default();
        for bad in ["repo", "Repo:read", "a/../b:read", ""] {
            for _ in 0..2 {
                assert_eq!(
                    memo.scope(bad).unwrap_err().code(),
                    Request::scope(bad).unwrap_err().code()
                );
            }
        }
        assert_eq!(
            memo.kept.lock().unwrap().entries.iter().flatten().count(),
            0
        );
        // A text that differs from a kept one only past its length is not that one.
        memo.scope("a:b").unwrap();
        assert!(memo.scope("a:bc").unwrap().scopes() == [s("a:bc")]);
    }

    #[test]
    fn memo_in_use_parses_on_its_own() {
        let memo = RequestMemo::default();
        let held = memo.kept.lock().unwrap();
        assert_eq!(memo.scope("repo:read").unwrap().scopes(), [s("repo:read")]);
        assert!(memo.scope("repo").is_err());
        drop(held);
        assert_eq!(
            memo.kept.lock().unwrap().entries.iter().flatten().count(),
            0
        );
    }

    #[test]
    fn minimize_drops_covered() {
        let set = minimize(vec![
            s("a/x:read"),
            s("a/*:read"),
            s("b:write"),
            s("a/*:read"),
        ]);
        assert_eq!(set, vec![s("a/*:read"), s("b:write")]);
    }

    proptest::proptest! {
        /// The in-line comparisons agree with the slice ones.
        #[test]
        fn inline_comparisons_agree(a in "[ab:*]{0,6}", b in "[ab:*]{0,6}") {
            let (a, b) = (a.as_bytes(), b.as_bytes());
            proptest::prop_assert_eq!(same(a, b), a == b);
            proptest::prop_assert_eq!(before(a, b), a < b);
        }
    }
}
