//! The C interface to Till, and its Swift, Kotlin and Python bindings.
//!
//! The C functions, all prefixed `till_`, are declared in `include/till.h`, which `build.rs`
//! writes from this crate with cbindgen. They follow one set of rules, kept in `ffi.rs`: every
//! fallible call returns a `till_status`; results leave only through trailing out-parameters,
//! written only on success; text comes in as pointer and length; no panic crosses into C.
//!
//! The same operations are exported through uniffi from [`bindings`], from which
//! `uniffi-bindgen` writes Swift, Kotlin and Python sources.
//!
//! Each function converts its arguments, calls `till_core`, and maps errors through one
//! function, `status_of`. Nothing here parses keys, matches scopes or reads time.

// The exported types keep their C names, so that Rust and C read alike.
#![allow(non_camel_case_types)]

mod attenuate;
pub mod bindings;
mod ffi;
mod grant;
mod mint;
mod policy;
mod root;
pub mod status;
mod text;
mod verify;

pub use attenuate::*;
pub use ffi::till_str;
pub use grant::*;
pub use mint::*;
pub use policy::*;
pub use root::*;
pub use status::{till_status, till_status_code, till_status_str};
pub use text::*;
pub use verify::*;

uniffi::setup_scaffolding!("till");
