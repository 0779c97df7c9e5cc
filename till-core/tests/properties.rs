//! Property tests: round trips, the narrowing guarantee, and the scope matcher against an
//! independent model.

use std::time::Duration;

use proptest::prelude::*;
use till_core::{
    Attenuation, Claims, Expiry, Issuer, Keyring, Request, RootKey, RootKeyId, Scope, UnixTime,
    Verifier, attenuate_at, inspect,
};

const NOW: i64 = 1_800_000_000;

fn keyring() -> Keyring {
    Keyring::single(RootKey::from_secret(RootKeyId(7), &[7; 32]))
}

/// Segments drawn from a tiny alphabet, so that patterns and requests often meet.
fn segment() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => prop::sample::select(vec!["a", "b", "ab", "a.b", "x-y", "_"]).prop_map(str::to_owned),
        1 => "[a-z0-9_.-]{1,4}".prop_filter("not . or ..", |s| s != "." && s != ".."),
    ]
}

fn literal_scope() -> impl Strategy<Value = String> {
    (
        prop::collection::vec(segment(), 1..4),
        prop::sample::select(vec!["read", "write", "r"]),
    )
        .prop_map(|(segs, action)| format!("{}:{action}", segs.join("/")))
}

fn pattern_scope() -> impl Strategy<Value = String> {
    let seg = prop_oneof![3 => segment(), 1 => Just("*".to_owned())];
    (
        prop::collection::vec(seg, 1..4),
        any::<bool>(),
        prop::sample::select(vec!["read", "write", "*"]),
    )
        .prop_map(|(mut segs, tail, action)| {
            if tail {
                segs.push("**".to_owned());
            }
            format!("{}:{action}", segs.join("/"))
        })
}

/// The model: a pattern turned into a regular expression over the scope text.
fn model_matches(pattern: &str, request: &str) -> bool {
    let (resource, action) = pattern.split_once(':').unwrap();
    let seg = "[a-z0-9_.-]+";
    let parts: Vec<String> = resource
        .split('/')
        .map(|s| match s {
            "*" => seg.to_owned(),
            "**" => format!("{seg}(/{seg})*"),
            lit => regex::escape(lit),
        })
        .collect();
    let action = if action == "*" {
        seg.to_owned()
    } else {
        regex::escape(action)
    };
    let re = regex::Regex::new(&format!("^{}:{action}$", parts.join("/"))).unwrap();
    re.is_match(request)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn matcher_agrees_with_model(pattern in pattern_scope(), request in literal_scope()) {
        let p = Scope::parse(&pattern).unwrap();
        let r = Scope::parse(&request).unwrap();
        prop_assert_eq!(p.covers(&r), model_matches(&pattern, &request), "{} vs {}", pattern, request);
    }

    #[test]
    fn intersection_is_exact(a in pattern_scope(), b in pattern_scope(), request in literal_scope()) {
        let (pa, pb) = (Scope::parse(&a).unwrap(), Scope::parse(&b).unwrap());
        let r = Scope::parse(&request).unwrap();
        let both = pa.covers(&r) && pb.covers(&r);
        let meet = pa.intersect(&pb).is_some_and(|m| m.covers(&r));
        prop_assert_eq!(both, meet, "{} ∩ {} on {}", a, b, request);
    }

    #[test]
    fn mint_then_verify(
        scopes in prop::collection::vec(pattern_scope(), 1..6),
        request in literal_scope(),
        subject in "[A-Za-z0-9._:@-]{1,64}",
        ttl in 1u64..10_000_000,
    ) {
        let ring = keyring();
        let claims = Claims::new(&scopes, Expiry::After(Duration::from_secs(ttl))).unwrap().subject(subject.clone());
        let key = Issuer::new(&ring).mint_at(&claims, UnixTime::from_secs(NOW)).unwrap();
        let verifier = Verifier::new(&ring);
        let grant = verifier.authenticate_at(key.expose_secret(), UnixTime::from_secs(NOW)).unwrap();
        prop_assert_eq!(grant.subject(), Some(subject.as_str()));
        prop_assert_eq!(grant.expires_at(), Some(UnixTime::from_secs(NOW + ttl as i64)));

        let expected = scopes.iter().any(|s| model_matches(s, &request));
        let got = verifier.verify_at(key.expose_secret(), &Request::scope(&request).unwrap(), UnixTime::from_secs(NOW));
        prop_assert_eq!(got.is_ok(), expected);
        let expired = verifier.authenticate_at(key.expose_secret(), UnixTime::from_secs(NOW + ttl as i64));
        prop_assert_eq!(expired.unwrap_err().code().as_str(), "expired");

        // The text decodes to what was minted, and is the only text that does.
        let seen = inspect(key.expose_secret()).unwrap();
        prop_assert_eq!(seen.subject.as_deref(), Some(subject.as_str()));
    }

    #[test]
    fn attenuation_only_narrows(
        parent in prop::collection::vec(pattern_scope(), 1..5),
        child in prop::collection::vec(pattern_scope(), 1..5),
        requests in prop::collection::vec(literal_scope(), 1..8),
    ) {
        let ring = keyring();
        let claims = Claims::new(&parent, Expiry::After(Duration::from_secs(3600))).unwrap();
        let key = Issuer::new(&ring).mint_at(&claims, UnixTime::from_secs(NOW)).unwrap();
        let narrowed = Attenuation::new().scopes(&child).unwrap();
        let verifier = Verifier::new(&ring);
        let now = UnixTime::from_secs(NOW);
        match attenuate_at(key.expose_secret(), &narrowed, now) {
            Ok(sub) => {
                for request in &requests {
                    let request = Request::scope(request).unwrap();
                    let by_child = verifier.verify_at(sub.expose_secret(), &request, now).is_ok();
                    let by_parent = verifier.verify_at(key.expose_secret(), &request, now).is_ok();
                    prop_assert!(!by_child || by_parent, "child widened to {:?}", request.scopes());
                }
                // The grant lists exactly what the chain allows, for every request tried.
                let grant = verifier.authenticate_at(sub.expose_secret(), now).unwrap();
                for request in &requests {
                    let listed = grant.scopes().iter().any(|s| s.covers(&Scope::parse(request).unwrap()));
                    let allowed = verifier.verify_at(sub.expose_secret(), &Request::scope(request).unwrap(), now).is_ok();
                    prop_assert_eq!(listed, allowed, "{}", request);
                }
            }
            Err(e) => prop_assert_eq!(e.code().as_str(), "scope_not_held"),
        }
    }
}

/// What the effective scopes of a chain are, worked out the plain way: every intersection of
/// one scope of each list, reduced at the end.
fn model_effective(lists: &[Vec<Scope>]) -> Vec<Scope> {
    let mut granted = lists[0].clone();
    for narrowing in &lists[1..] {
        granted = granted
            .iter()
            .flat_map(|g| narrowing.iter().filter_map(move |n| g.intersect(n)))
            .collect();
    }
    till_core::minimize(granted)
}

proptest! {
    /// A chain's grant lists the same scopes as intersecting everything and reducing at the
    /// end, though it reduces after every block.
    #[test]
    fn effective_scopes_agree_with_the_plain_intersection(
        root in prop::collection::vec(pattern_scope(), 1..5),
        blocks in prop::collection::vec(prop::collection::vec(pattern_scope(), 1..5), 1..4),
    ) {
        let ring = keyring();
        let now = UnixTime::from_secs(NOW);
        // `**:*` lets every block name any scope; the others give the intersections shape.
        let root: Vec<String> = root.into_iter().chain(["**:*".to_owned()]).collect();
        let claims = Claims::new(&root, Expiry::After(Duration::from_secs(3600))).unwrap();
        let mut key = Issuer::new(&ring).mint_at(&claims, now).unwrap();
        let parse = |list: &[String]| list.iter().map(|s| Scope::parse(s).unwrap()).collect();
        let mut lists: Vec<Vec<Scope>> = vec![parse(&root)];
        for block in &blocks {
            let narrowed = Attenuation::new().scopes(block).unwrap();
            match attenuate_at(key.expose_secret(), &narrowed, now) {
                Ok(sub) => key = sub,
                // A block outside what the chain still grants is refused: the chain stops.
                Err(e) => {
                    prop_assert_eq!(e.code().as_str(), "scope_not_held");
                    break;
                }
            }
            lists.push(parse(block));
        }
        let grant = Verifier::new(&ring).authenticate_at(key.expose_secret(), now).unwrap();
        prop_assert_eq!(grant.scopes(), model_effective(&lists));
    }
}

/// A chain of `blocks` blocks, block `depth` fixing segment `depth` to one of `width` names.
/// The root names a role, so attenuation cannot know which scopes the key holds and lets any
/// block through: a holder can build such a chain offline.
fn multiplying_chain(ring: &Keyring, blocks: usize, width: usize) -> String {
    let now = UnixTime::from_secs(NOW);
    let claims = Claims::new(["**:*"], Expiry::After(Duration::from_secs(3600)))
        .unwrap()
        .roles(["viewer"])
        .unwrap();
    let mut key = Issuer::new(ring).mint_at(&claims, now).unwrap();
    for depth in 0..blocks {
        let scopes: Vec<String> = (0..width)
            .map(|i| format!("{}{depth}{i:x}/**:read", "*/".repeat(depth)))
            .collect();
        let narrowed = Attenuation::new().scopes(&scopes).unwrap();
        key = attenuate_at(key.expose_secret(), &narrowed, now).unwrap();
    }
    key.expose_secret().to_owned()
}

/// Within the bound, every effective scope of a multiplying chain is listed.
#[test]
fn effective_scopes_of_a_multiplying_chain_within_the_bound_are_all_listed() {
    let ring = keyring();
    let now = UnixTime::from_secs(NOW);
    let key = multiplying_chain(&ring, 2, 8);
    let grant = Verifier::new(&ring).authenticate_at(&key, now).unwrap();
    let listed: Vec<String> = grant.scopes().iter().map(ToString::to_string).collect();
    let mut expected: Vec<String> = (0..8)
        .flat_map(|i| (0..8).map(move |j| format!("0{i:x}/1{j:x}/**:read")))
        .collect();
    expected.sort();
    assert_eq!(listed, expected);
    for scope in grant.scopes() {
        assert!(grant.allows(&scope), "{scope} is listed but not granted");
    }
    for outside in ["08/10/x:read", "00/18/x:read", "00/10/x:write", "00:read"] {
        assert!(!grant.allows(&Scope::parse(outside).unwrap()), "{outside}");
    }
}

/// Eight blocks of twelve would take 12^8 intersections. The work is bounded; it runs out in
/// the second block, so nothing is listed, and the key still grants what its chain allows.
#[test]
fn effective_scopes_of_a_multiplying_chain_are_bounded() {
    let ring = keyring();
    let now = UnixTime::from_secs(NOW);
    let key = multiplying_chain(&ring, 8, 12);
    let verifier = Verifier::new(&ring);
    let grant = verifier.authenticate_at(&key, now).unwrap();
    assert_eq!(grant.scopes(), Vec::<Scope>::new());
    let one = "03/15/20/31/42/57/69/7b/x:read";
    assert!(verifier.verify_scope_at(&key, one, now).is_ok());
    assert!(grant.allows(&Scope::parse(one).unwrap()));
    let outside = "03/15/20/31/42/57/69/7c/x:read";
    assert!(verifier.verify_scope_at(&key, outside, now).is_err());
    assert!(!grant.allows(&Scope::parse(outside).unwrap()));
}
