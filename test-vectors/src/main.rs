//! Writes the shared test vectors: `cargo run -p till-test-vectors [-- DIR]`.
//!
//! Every value is fixed (root secrets, key ids, the clock), so each run writes the same bytes.
//! Each case states its expected outcome here, and the generator checks that till-core agrees
//! before writing anything: a disagreement stops it.
#![allow(clippy::print_stdout, clippy::unwrap_used, clippy::expect_used)]

mod cases;
mod raw;

use std::path::PathBuf;

fn main() {
    let dir = std::env::args()
        .nth(1)
        .map_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")), PathBuf::from);
    let files = [
        ("keys.json", cases::keys()),
        ("attenuate.json", cases::attenuations()),
        ("text.json", cases::texts()),
        ("root_keys.json", cases::root_keys()),
        ("policies.json", cases::policies()),
    ];
    for (name, value) in files {
        let mut text = serde_json::to_string_pretty(&value).expect("vectors serialize");
        text.push('\n');
        std::fs::write(dir.join(name), text).expect("vector file is writable");
        let count = value["cases"].as_array().map_or(0, Vec::len);
        println!("{name}: {count} cases");
    }
}
