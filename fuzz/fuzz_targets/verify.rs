//! Any bytes through the verifier with a fixed keyring and clock. No input may panic, and no
//! input the vectors do not already hold may be granted: the fuzzer cannot forge a tag.
#![no_main]

use libfuzzer_sys::fuzz_target;
use till_core::{Request, UnixTime};
use till_fuzz::{NOW, fixtures};

fuzz_target!(|data: &[u8]| {
    let f = fixtures();
    let now = UnixTime::from_secs(NOW);
    let request = Request::scope("users:read").expect("a valid request");
    for result in [
        f.verifier.authenticate_at(data, now),
        f.verifier.verify_at(data, &request, now),
    ] {
        if let Ok(grant) = &result {
            let again = till_core::GrantRecord::read(grant.record(), grant.policy().cloned());
            assert!(again.is_some(), "a grant's record is refused");
            let text = std::str::from_utf8(data).expect("granted keys are ASCII");
            assert!(
                f.valid.iter().any(|k| k == text),
                "a key outside the vectors was granted"
            );
        }
    }
});
