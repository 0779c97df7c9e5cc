//! What every fuzz target shares: the vector keys, their root keys, and a fixed clock.

use std::sync::OnceLock;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::Value;
use till_core::{Keyring, RootKey, UnixTime, Verifier};

/// The clock of the vectors.
pub const NOW: i64 = 1_798_761_600;

/// The vectors, parsed once.
pub struct Fixtures {
    /// Every key the vectors grant with the default verifier setup.
    pub valid: Vec<String>,
    /// Every key text in the vectors, valid or not.
    pub all: Vec<String>,
    /// A verifier with both vector root keys and the default setup.
    pub verifier: Verifier,
}

pub fn fixtures() -> &'static Fixtures {
    static FIXTURES: OnceLock<Fixtures> = OnceLock::new();
    FIXTURES.get_or_init(|| {
        let vectors: Value =
            serde_json::from_str(include_str!("../../test-vectors/keys.json")).unwrap();
        let roots = vectors["root_keys"].as_array().unwrap();
        let keys = roots
            .iter()
            .map(|r| RootKey::from_text(r["text"].as_str().unwrap()).unwrap())
            .collect();
        let verifier = Verifier::new(&Keyring::new(keys).unwrap());
        let all: Vec<String> = vectors["cases"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|c| c["key"].as_str().map(str::to_owned))
            .collect();
        let now = UnixTime::from_secs(NOW);
        let valid = all
            .iter()
            .filter(|k| verifier.authenticate_at(k.as_str(), now).is_ok())
            .cloned()
            .collect();
        Fixtures {
            valid,
            all,
            verifier,
        }
    })
}

/// The decoded payload of a key's text.
pub fn payload(key: &str) -> Vec<u8> {
    let second = key.match_indices('_').nth(1).map_or(0, |(at, _)| at + 1);
    let body = key
        .get(second..key.len().saturating_sub(6))
        .unwrap_or_default();
    URL_SAFE_NO_PAD.decode(body).unwrap_or_default()
}
