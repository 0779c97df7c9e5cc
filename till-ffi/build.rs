//! Writes `include/till.h` from the crate's `extern "C"` functions with cbindgen.

use std::path::PathBuf;

fn main() {
    let crate_dir = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").expect("set by cargo"));
    println!("cargo::rerun-if-changed=src");
    println!("cargo::rerun-if-changed=cbindgen.toml");

    let config = cbindgen::Config::from_file(crate_dir.join("cbindgen.toml"))
        .expect("cbindgen.toml is readable");
    let header = cbindgen::Builder::new()
        .with_crate(&crate_dir)
        .with_config(config)
        .generate()
        .expect("the C declarations can be generated");
    // Written only when the text changes, so that an unchanged header keeps its timestamp.
    header.write_to_file(crate_dir.join("include").join("till.h"));
}
