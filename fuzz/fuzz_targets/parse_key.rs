//! Any bytes through the parser, the inspector, the scanner and the reader of grant records:
//! no panic, whatever the scanner reports is a real, checksummed key span, and a record read
//! back writes the same bytes.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = till_core::inspect(data);
    if let Some(grant) = till_core::GrantRecord::read(data, None) {
        assert_eq!(grant.bytes(), data, "a record reads back as other bytes");
        // Every field, the effective scopes and the chain among them.
        let _ = format!("{grant:?}");
    }
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
