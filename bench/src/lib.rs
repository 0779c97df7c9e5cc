//! What Till's benchmarks measure, built once and shared by the criterion benchmark and the
//! report binary: Till's verify on keys from the shared test vectors, the cost of the one HMAC
//! a reference key needs, and the tokens of other formats that carry the same claims.
//!
//! Every operation is checked to give its expected answer before anything is timed.

pub mod floor;
pub mod peers;
pub mod vectors;

/// The shared verification vectors, as the other Till implementations read them.
pub const KEYS_JSON: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../test-vectors/keys.json");

/// The reference key and its attenuated forms, in the order they are reported.
pub const REFERENCE_CASES: [&str; 3] = ["reference", "reference_1_block", "reference_3_blocks"];
