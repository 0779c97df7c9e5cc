//! Every accepted vector key has tampered twins, and every one of them must be refused:
//! each single-bit flip, each single-character substitution, each truncation and each
//! one-character extension. Exhaustive, not sampled.

mod common;

use common::{granted_cases, key_bytes, load, run_with, verifier};

const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_=+/ .\n";

#[test]
fn every_alteration_of_an_accepted_key_is_refused() {
    let vectors = load("keys.json");
    let cases = granted_cases(&vectors);
    assert!(cases.len() >= 20);
    let mut tried = 0usize;
    for case in cases {
        let name = case["name"].as_str().unwrap();
        let key = key_bytes(case);
        let verifier = verifier(&vectors, case);
        assert!(
            run_with(&verifier, case, &key).is_ok(),
            "{name} must be granted as given"
        );
        let mut refuse = |twin: &[u8], what: &str| {
            tried += 1;
            if let Ok(grant) = run_with(&verifier, case, twin) {
                panic!("{name}: {what} was accepted: {grant:?}");
            }
        };

        for i in 0..key.len() {
            for bit in 0..8 {
                let mut twin = key.clone();
                twin[i] ^= 1 << bit;
                refuse(&twin, &format!("bit {bit} of byte {i} flipped"));
            }
            for &c in ALPHABET.iter().filter(|&&c| c != key[i]) {
                let mut twin = key.clone();
                twin[i] = c;
                refuse(&twin, &format!("byte {i} replaced by {:?}", c as char));
            }
        }
        for len in 0..key.len() {
            refuse(&key[..len], &format!("truncation to {len} bytes"));
        }
        for &c in ALPHABET {
            let mut twin = key.clone();
            twin.push(c);
            refuse(&twin, &format!("extension by {:?}", c as char));
            let mut twin = vec![c];
            twin.extend_from_slice(&key);
            refuse(&twin, &format!("{:?} before the key", c as char));
        }
    }
    assert!(tried > 100_000, "only {tried} twins tried");
}
