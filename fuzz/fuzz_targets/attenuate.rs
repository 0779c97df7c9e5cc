//! Attenuates vector keys with arbitrary restrictions, then verifies: a sub-key never grants
//! what its parent does not, and a sub-key that attenuation produced always verifies as
//! genuine.
#![no_main]

use std::time::Duration;

use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;
use till_core::{Attenuation, Error, Request, UnixTime, attenuate_at};
use till_fuzz::{NOW, fixtures};

#[derive(Arbitrary, Debug)]
struct Input {
    key: u8,
    scopes: Option<Vec<String>>,
    ttl: Option<u32>,
    label: Option<String>,
    max_delegation: Option<u8>,
    requests: Vec<String>,
}

fuzz_target!(|input: Input| {
    let f = fixtures();
    let Some(parent) = f.valid.get(usize::from(input.key) % f.valid.len().max(1)) else {
        return;
    };
    let now = UnixTime::from_secs(NOW);
    let mut restrictions = Attenuation::new();
    if let Some(scopes) = &input.scopes {
        match restrictions.scopes(scopes) {
            Ok(r) => restrictions = r,
            Err(_) => return,
        }
    }
    if let Some(ttl) = input.ttl {
        restrictions = restrictions.ttl(Duration::from_secs(u64::from(ttl)));
    }
    if let Some(label) = input.label {
        restrictions = restrictions.label(label);
    }
    if let Some(n) = input.max_delegation {
        restrictions = restrictions.max_delegation(n);
    }
    let Ok(child) = attenuate_at(parent, &restrictions, now) else {
        return;
    };
    let child = child.expose_secret();

    match f.verifier.authenticate_at(child, now) {
        Ok(_) | Err(Error::Expired { .. }) => {}
        Err(e) => panic!("an attenuated key failed: {e}"),
    }
    for request in &input.requests {
        let Ok(request) = Request::scope(request) else {
            continue;
        };
        if f.verifier.verify_at(child, &request, now).is_ok() {
            assert!(
                f.verifier.verify_at(parent, &request, now).is_ok(),
                "a sub-key widened its parent"
            );
        }
    }
});
