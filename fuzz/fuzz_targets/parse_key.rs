//! Any bytes through the parser, the inspector and the scanner: no panic, and whatever the
//! scanner reports is a real, checksummed key span.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = till_core::inspect(data);
    if let Ok(text) = std::str::from_utf8(data) {
        for found in till_core::find_keys(text) {
            let span = text
                .get(found.range.clone())
                .expect("found ranges lie on char boundaries");
            assert!(span.is_ascii());
        }
        let _ = till_core::redact(text);
        let _ = till_core::RootKey::from_text(text);
    }
});
