//! Runs every case of the shared test vectors through till-core.

mod common;

use serde_json::{Value, json};
use till_core::{Attenuation, Request, RootKey, UnixTime, attenuate_at, find_keys, redact};

use common::{key_bytes, load, run, str_list};

#[test]
fn verification_cases() {
    let vectors = load("keys.json");
    let cases = vectors["cases"].as_array().unwrap();
    assert!(cases.len() >= 60, "only {} cases", cases.len());
    for case in cases {
        let name = case["name"].as_str().unwrap();
        let got = outcome(&run(&vectors, case, &key_bytes(case)));
        assert_eq!(got, case["expect"], "case {name}");
        // A scope given as text is the request built from it: checked in place, or built.
        if let Some(scope) = case["request"]["scope"].as_str() {
            let verifier = common::verifier(&vectors, case);
            let now = UnixTime::from_secs(case["now"].as_i64().unwrap());
            let in_place = verifier.verify_scope_at(key_bytes(case), scope, now);
            let built =
                Request::scope(scope).and_then(|r| verifier.verify_at(key_bytes(case), &r, now));
            let remembered = verifier
                .request_for(scope)
                .and_then(|r| verifier.verify_at(key_bytes(case), &r, now));
            for other in [built, remembered] {
                assert_eq!(outcome(&in_place), outcome(&other), "case {name}");
            }
        }
    }
}

/// An outcome as the vectors state it.
fn outcome(result: &Result<till_core::Grant, till_core::Error>) -> Value {
    match result {
        Ok(grant) => json!({ "grant": grant }),
        Err(e) => match e.missing_scopes() {
            Some(missing) => {
                let missing: Vec<String> = missing.iter().map(ToString::to_string).collect();
                json!({ "error": e.code().as_str(), "missing": missing })
            }
            None => json!({ "error": e.code().as_str() }),
        },
    }
}

#[test]
fn every_error_code_has_a_case() {
    let vectors = load("keys.json");
    let seen: Vec<&str> = vectors["cases"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|c| c["expect"]["error"].as_str())
        .collect();
    let verify_codes = [
        "malformed",
        "bad_checksum",
        "too_large",
        "unsupported_version",
        "unknown_root_key",
        "invalid_signature",
        "wrong_environment",
        "wrong_audience",
        "expired",
        "not_yet_valid",
        "revoked",
        "insufficient_scope",
        "delegation_limit",
        "invalid_scope",
    ];
    for code in verify_codes {
        assert!(seen.contains(&code), "no vector for {code}");
    }
}

#[test]
fn attenuation_cases() {
    let vectors = load("attenuate.json");
    for case in vectors["cases"].as_array().unwrap() {
        let name = case["name"].as_str().unwrap();
        let a = &case["attenuation"];
        let restrictions = build(a);
        let now = UnixTime::from_secs(case["now"].as_i64().unwrap());
        let got = restrictions
            .and_then(|r| attenuate_at(case["key"].as_str().unwrap(), &r, now))
            .map(|k| k.expose_secret().to_owned());
        match (&case["expect"]["key"], got) {
            (Value::String(want), Ok(key)) => assert_eq!(&key, want, "case {name}"),
            (Value::Null, Err(e)) => {
                assert_eq!(e.code().as_str(), case["expect"]["error"], "case {name}")
            }
            (want, got) => panic!("case {name}: wanted {want}, got {:?}", got.map(|_| "a key")),
        }
    }
}

fn build(a: &Value) -> Result<Attenuation, till_core::Error> {
    let mut r = Attenuation::new();
    if !a["scopes"].is_null() {
        r = r.scopes(str_list(&a["scopes"]))?;
    }
    if let Some(ttl) = a["ttl"].as_u64() {
        r = r.ttl(std::time::Duration::from_secs(ttl));
    }
    if let Some(at) = a["expires_at"].as_i64() {
        r = r.expires_at(UnixTime::from_secs(at));
    }
    if let Some(audience) = a["audience"].as_str() {
        r = r.audience(audience);
    }
    if let Some(label) = a["label"].as_str() {
        r = r.label(label);
    }
    if let Some(n) = a["max_delegation"].as_u64() {
        r = r.max_delegation(n as u8);
    }
    Ok(r)
}

#[test]
fn text_cases() {
    let vectors = load("text.json");
    for case in vectors["cases"].as_array().unwrap() {
        let text = case["text"].as_str().unwrap();
        let found: Vec<Value> = find_keys(text)
            .iter()
            .map(|f| json!({ "kind": f.kind, "start": f.range.start, "end": f.range.end, "id": f.id }))
            .collect();
        assert_eq!(Value::from(found), case["found"], "case {}", case["name"]);
        assert_eq!(
            redact(text),
            case["redacted"].as_str().unwrap(),
            "case {}",
            case["name"]
        );
    }
}

#[test]
fn root_key_cases() {
    let vectors = load("root_keys.json");
    for case in vectors["cases"].as_array().unwrap() {
        let got = match RootKey::from_text(case["text"].as_str().unwrap()) {
            Ok(key) => json!({ "id": key.id().to_string() }),
            Err(e) => json!({ "error": e.code().as_str() }),
        };
        assert_eq!(got, case["expect"], "case {}", case["name"]);
    }
}

#[test]
fn policy_cases() {
    let vectors = load("policies.json");
    for case in vectors["cases"].as_array().unwrap() {
        let got = match serde_json::from_value::<till_core::Policy>(case["policy"].clone()) {
            Ok(policy) => {
                let roles: serde_json::Map<String, Value> = policy
                    .roles()
                    .into_iter()
                    .map(|(r, s)| {
                        (
                            r.to_owned(),
                            json!(s.iter().map(ToString::to_string).collect::<Vec<_>>()),
                        )
                    })
                    .collect();
                json!({ "roles": roles })
            }
            Err(e) => {
                assert!(e.to_string().starts_with("invalid policy"), "{e}");
                json!({ "error": "invalid_policy" })
            }
        };
        assert_eq!(got, case["expect"], "case {}", case["name"]);
    }

    let policy: till_core::Policy = serde_json::from_value(vectors["mint_policy"].clone()).unwrap();
    let keyring = till_core::Keyring::single(till_core::RootKey::generate().unwrap());
    let issuer = till_core::Issuer::new(&keyring).with_policy(till_core::SharedPolicy::new(policy));
    for case in vectors["mint_cases"].as_array().unwrap() {
        let expiry = till_core::Expiry::After(std::time::Duration::from_secs(60));
        let mut claims = till_core::Claims::new(str_list(&case["scopes"]), expiry).unwrap();
        claims = claims.roles(str_list(&case["roles"])).unwrap();
        if !case["on_behalf_of"].is_null() {
            claims = claims
                .on_behalf_of(str_list(&case["on_behalf_of"]))
                .unwrap();
        }
        let got = match issuer.mint(&claims) {
            Ok(_) => json!({ "ok": true }),
            Err(till_core::Error::ExceedsRoles(beyond)) => {
                json!({ "error": "exceeds_roles", "beyond": beyond.iter().map(ToString::to_string).collect::<Vec<_>>() })
            }
            Err(e) => json!({ "error": e.code().as_str() }),
        };
        assert_eq!(got, case["expect"], "case {}", case["name"]);
    }
}
