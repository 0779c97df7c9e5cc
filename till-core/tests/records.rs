//! A grant's record, read back: the same fields for every granted vector, and nothing for a
//! record whose form was altered.

mod common;

use serde_json::{Value, json};
use till_core::{Grant, UnixTime};

use common::{granted_cases, key_bytes, load, run, verifier};

/// Where the record's payload starts: after the prefix, the environment and the block count.
fn payload_start(record: &[u8]) -> usize {
    let prefix = usize::from(record[0]);
    let env = usize::from(record[1 + prefix]);
    3 + prefix + env
}

/// The fields a grant shows, without its scopes.
fn without_scopes(grant: &Grant) -> Value {
    let mut fields = json!(grant);
    fields.as_object_mut().unwrap().remove("scopes");
    fields
}

#[test]
fn every_grant_reads_back_from_its_record() {
    let vectors = load("keys.json");
    let cases = granted_cases(&vectors);
    assert!(cases.len() >= 30, "only {} granted cases", cases.len());
    for case in cases {
        let name = case["name"].as_str().unwrap();
        let grant = run(&vectors, case, &key_bytes(case)).unwrap();
        let again = Grant::from_unverified_record(grant.record())
            .unwrap_or_else(|| panic!("case {name}: its record is refused"));
        assert_eq!(again.record(), grant.record(), "case {name}");
        assert_eq!(
            without_scopes(&again),
            without_scopes(&grant),
            "case {name}"
        );

        // No policy comes with a record: the scopes are those of a verifier that has none.
        let mut bare = case.clone();
        bare["verifier"]["policy"] = Value::Null;
        let now = UnixTime::from_secs(case["now"].as_i64().unwrap());
        let unresolved = verifier(&vectors, &bare)
            .authenticate_at(key_bytes(case), now)
            .unwrap();
        assert_eq!(again.scopes(), unresolved.scopes(), "case {name}");
        if grant.roles().next().is_none() {
            assert_eq!(again.scopes(), grant.scopes(), "case {name}");
        }
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
                let read = Grant::from_unverified_record(&altered);
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
                    assert_eq!(read.record(), &altered[..], "case {name}: byte {at}");
                }
            }
        }
        for cut in 1..=record.len() {
            let short = &record[..record.len() - cut];
            assert!(
                Grant::from_unverified_record(short).is_none(),
                "case {name}: cut {cut}"
            );
        }
        for extra in 1..=13 {
            let mut long = record.to_vec();
            long.extend(std::iter::repeat_n(0, extra));
            assert!(
                Grant::from_unverified_record(&long).is_none(),
                "case {name}: +{extra}"
            );
        }
    }
}
