//! Scope and request parsing, matching and intersection on arbitrary text: no panic, the
//! intersection of two scopes covers exactly what both cover, and a scope given to the
//! verifier as text gets the answer its request gets.
#![no_main]

use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;
use till_core::{Request, Scope, UnixTime};
use till_fuzz::{NOW, fixtures};

#[derive(Arbitrary, Debug)]
struct Input {
    a: String,
    b: String,
    request: String,
    list: Vec<String>,
}

fuzz_target!(|input: Input| {
    let f = fixtures();
    let now = UnixTime::from_secs(NOW);
    for key in f.valid.iter().take(4) {
        let outcome = |result: Result<till_core::Grant, till_core::Error>| {
            result.map(|grant| grant.key_id()).map_err(|e| e.code())
        };
        let as_text = outcome(f.verifier.verify_scope_at(key, &input.request, now));
        let built = Request::scope(&input.request).and_then(|r| f.verifier.verify_at(key, &r, now));
        assert_eq!(as_text, outcome(built), "{:?} on {key}", input.request);
    }
    let _ = Request::any_of(&input.list);
    let _ = Request::all_of(&input.list);
    let (Ok(a), Ok(b), Ok(r)) = (
        Scope::parse(&input.a),
        Scope::parse(&input.b),
        Scope::parse(&input.request),
    ) else {
        return;
    };
    assert_eq!(a.to_string(), input.a, "a scope is its own text");
    if r.as_str().contains('*') {
        return;
    }
    let both = a.covers(&r) && b.covers(&r);
    let meet = a.intersect(&b).is_some_and(|m| m.covers(&r));
    assert_eq!(both, meet, "{a} ∩ {b} on {r}");
    assert!(a.covers(&a), "a scope covers itself");
});
