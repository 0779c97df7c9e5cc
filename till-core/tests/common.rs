//! Reading the shared vectors and building what each case describes.
#![allow(dead_code, unreachable_pub)]

use std::sync::Arc;

use serde_json::Value;
use till_core::{
    Error, Grant, KeyId, Keyring, Policy, Request, RevocationList, RootKey, SharedPolicy, UnixTime,
    Verifier,
};

pub fn load(name: &str) -> Value {
    let path = format!("{}/../test-vectors/{name}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    serde_json::from_str(&text).unwrap()
}

pub fn str_list(value: &Value) -> Vec<String> {
    value
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap().to_owned())
        .collect()
}

/// The key's bytes: `key` as text, or `key_hex` decoded.
pub fn key_bytes(case: &Value) -> Vec<u8> {
    if let Some(text) = case["key"].as_str() {
        return text.as_bytes().to_vec();
    }
    let hex = case["key_hex"].as_str().unwrap();
    (0..hex.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&hex[i..i + 2], 16).unwrap())
        .collect()
}

pub fn verifier(vectors: &Value, case: &Value) -> Verifier {
    let setup = &case["verifier"];
    let keys = str_list(&setup["root_keys"])
        .into_iter()
        .map(|id| {
            let entry = vectors["root_keys"]
                .as_array()
                .unwrap()
                .iter()
                .find(|k| k["id"] == id.as_str())
                .unwrap();
            RootKey::from_text(entry["text"].as_str().unwrap()).unwrap()
        })
        .collect();
    let revoked: RevocationList = str_list(&setup["revoked"])
        .iter()
        .map(|id| id.parse::<KeyId>().unwrap())
        .collect();
    let mut builder = Verifier::builder(&Keyring::new(keys).unwrap())
        .prefix(setup["prefix"].as_str().unwrap())
        .env(setup["env"].as_str().unwrap())
        .leeway(setup["leeway"].as_u64().unwrap() as u32)
        .revocation(Arc::new(revoked));
    if let Some(audience) = setup["audience"].as_str() {
        builder = builder.audience(audience);
    }
    if !setup["policy"].is_null() {
        let policy: Policy = serde_json::from_value(setup["policy"].clone()).unwrap();
        builder = builder.policy(SharedPolicy::new(policy));
    }
    builder.build().unwrap()
}

/// Runs one verification case as the vectors describe it.
pub fn run(vectors: &Value, case: &Value, key: &[u8]) -> Result<Grant, Error> {
    run_with(&verifier(vectors, case), case, key)
}

/// Runs one verification case with a verifier already built for it.
pub fn run_with(verifier: &Verifier, case: &Value, key: &[u8]) -> Result<Grant, Error> {
    let now = UnixTime::from_secs(case["now"].as_i64().unwrap());
    let request = &case["request"];
    if request.is_null() {
        return verifier.authenticate_at(key, now);
    }
    // A single scope takes the path bindings use for a scope given as text.
    if let Some(scope) = request["scope"].as_str() {
        return verifier.verify_scope_at(key, scope, now);
    }
    let request = if !request["all_of"].is_null() {
        Request::all_of(str_list(&request["all_of"]))
    } else {
        Request::any_of(str_list(&request["any_of"]))
    }?;
    verifier.verify_at(key, &request, now)
}

/// The cases of keys.json that are granted.
pub fn granted_cases(vectors: &Value) -> Vec<&Value> {
    vectors["cases"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| !c["expect"]["grant"].is_null())
        .collect()
}
