//! Criterion benchmark of Till's verify: the reference key of the shared vectors and its
//! 1-block and 3-block forms, the HMAC floor of the reference key, and peer token formats
//! carrying the same claims, all in one run.
//!
//! `cargo bench --bench verify` from `bench/`. Criterion prints each estimate; the medians are
//! in `target/criterion/<group>/<name>/new/estimates.json`, which `run.sh` collects.

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use till_bench::floor::Floor;
use till_bench::peers::{Biscuits, Claims, Jwt, Macaroons};
use till_bench::vectors::{self, SetupError};

fn verify(c: &mut Criterion) -> Result<(), SetupError> {
    let mut group = c.benchmark_group("verify");

    for name in till_bench::REFERENCE_CASES {
        let case = vectors::load(name)?;
        group.bench_function(format!("till/{name}"), |b| {
            b.iter(|| black_box(&case).verify().is_ok())
        });
    }

    let floor = Floor::of(&vectors::load("reference")?)?;
    group.bench_function(format!("floor/hmac_sha256_{}_bytes", floor.len()), |b| {
        b.iter(|| black_box(&floor).sign())
    });

    let claims = Claims::reference()?;
    let jwt = Jwt::new(&claims)?;
    group.bench_function("peer/jsonwebtoken_hs256", |b| {
        b.iter(|| black_box(&jwt).verify())
    });
    let macaroons = Macaroons::new(&claims)?;
    group.bench_function("peer/macaroon_2_caveats", |b| {
        b.iter(|| black_box(&macaroons).verify())
    });
    for (blocks, name) in [(1, "peer/biscuit_1_block"), (2, "peer/biscuit_2_blocks")] {
        let biscuits = Biscuits::new(&claims, blocks)?;
        group.bench_function(name, |b| b.iter(|| black_box(&biscuits).verify()));
    }

    group.finish();
    Ok(())
}

fn benches(c: &mut Criterion) {
    if let Err(e) = verify(c) {
        eprintln!("benchmark setup failed: {e}");
        std::process::exit(1);
    }
}

criterion_group!(group, benches);
criterion_main!(group);
