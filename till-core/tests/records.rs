//! A grant's record, read back: the same fields for every granted vector, and nothing for a
//! record whose form was altered.

mod common;

use serde_json::{Value, json};
use till_core::{GrantRecord, UnixTime};

use common::{granted_cases, key_bytes, load, run, verifier};

/// Where the record's payload starts: after the prefix, the environment and the block count.
fn payload_start(record: &[u8]) -> usize {
    let prefix = usize::from(record[0]);
    let env = usize::from(record[1 + prefix]);
    3 + prefix + env
}

#[test]
fn every_grant_reads_back_from_its_record() {
    let vectors = load("keys.json");
    let cases = granted_cases(&vectors);
    assert!(cases.len() >= 30, "only {} granted cases", cases.len());
    let mut resolved = 0;
    for case in cases {
        let name = case["name"].as_str().unwrap();
        let grant = run(&vectors, case, &key_bytes(case)).unwrap();
        resolved += usize::from(grant.policy().is_some());
        // Read with the policy the grant was verified with, every field is the same.
        let again = GrantRecord::read(grant.record(), grant.policy().cloned())
            .unwrap_or_else(|| panic!("case {name}: its record is refused"));
        assert_eq!(again.bytes(), grant.record(), "case {name}");
        assert_eq!(json!(again), json!(grant), "case {name}");
        // Shown, a record says what it is: the same fields, never under a grant's name.
        let (shown, grant_shown) = (format!("{again:?}"), format!("{grant:?}"));
        assert!(shown.starts_with("GrantRecord {"), "case {name}: {shown}");
        assert_eq!(
            shown.strip_prefix("GrantRecord"),
            grant_shown.strip_prefix("Grant")
        );

        // Read without one, the roles grant nothing: the scopes are those a verifier that has
        // no policy gives.
        let bare = GrantRecord::read(grant.record(), None).unwrap();
        let mut unresolved = case.clone();
        unresolved["verifier"]["policy"] = Value::Null;
        let now = UnixTime::from_secs(case["now"].as_i64().unwrap());
        let expected = verifier(&vectors, &unresolved)
            .authenticate_at(key_bytes(case), now)
            .unwrap();
        assert_eq!(bare.scopes(), expected.scopes(), "case {name}");
    }
    assert!(resolved > 0, "no granted case resolves roles");
}

/// Records whose names break the grammar of a prefix or an environment.
#[test]
fn a_record_with_names_out_of_grammar_is_refused() {
    let vectors = load("keys.json");
    let case = granted_cases(&vectors)[0];
    let grant = run(&vectors, case, &key_bytes(case)).unwrap();
    let record = grant.record();
    let start = payload_start(record);
    let rest = &record[start - 1..];
    for (prefix, env) in [
        ("Till", "live"),
        ("t", "live"),
        ("till0till0till", "live"),
        ("till", "Live"),
        ("till", "liveliveX"),
        ("till", ""),
        ("", "live"),
        ("ti_l", "live"),
    ] {
        let mut altered = vec![prefix.len() as u8];
        altered.extend_from_slice(prefix.as_bytes());
        altered.push(env.len() as u8);
        altered.extend_from_slice(env.as_bytes());
        altered.extend_from_slice(rest);
        assert!(
            GrantRecord::read(&altered, None).is_none(),
            "{prefix}_{env}"
        );
    }
}

#[test]
fn an_altered_record_reads_back_as_itself_or_not_at_all() {
    let vectors = load("keys.json");
    for case in granted_cases(&vectors) {
        let name = case["name"].as_str().unwrap();
        let grant = run(&vectors, case, &key_bytes(case)).unwrap();
        let record = grant.record();
        let start = payload_start(record);
        let ids = 12 * usize::from(record[start - 1]);
        let tag = record.len() - ids - 16..record.len() - ids;
        for at in 0..record.len() {
            for bit in 0..8 {
                let mut altered = record.to_vec();
                altered[at] ^= 1 << bit;
                let read = GrantRecord::read(&altered, None);
                // The lengths, the block count and the zeroed tag are the record's form.
                let form = at == 0 || at == payload_start(record) - 1 || tag.contains(&at);
                let length = at == 1 + usize::from(record[0]);
                if form || length {
                    assert!(
                        read.is_none(),
                        "case {name}: byte {at} bit {bit} is accepted"
                    );
                }
                if let Some(read) = read {
                    assert_eq!(read.bytes(), &altered[..], "case {name}: byte {at}");
                }
            }
        }
        for cut in 1..=record.len() {
            let short = &record[..record.len() - cut];
            assert!(
                GrantRecord::read(short, None).is_none(),
                "case {name}: cut {cut}"
            );
        }
        for extra in 1..=13 {
            let mut long = record.to_vec();
            long.extend(std::iter::repeat_n(0, extra));
            assert!(
                GrantRecord::read(&long, None).is_none(),
                "case {name}: +{extra}"
            );
        }
    }
}
