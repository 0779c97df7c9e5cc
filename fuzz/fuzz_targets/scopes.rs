//! Scope and request parsing, matching and intersection on arbitrary text: no panic, and the
//! intersection of two scopes covers exactly what both cover.
#![no_main]

use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;
use till_core::{Request, Scope};

#[derive(Arbitrary, Debug)]
struct Input {
    a: String,
    b: String,
    request: String,
    list: Vec<String>,
}

fuzz_target!(|input: Input| {
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
