#!/usr/bin/env bash
# Checks that the benchmarks still build and measure what they claim, without timing
# anything: rustfmt and clippy for the crate, every criterion benchmark run once (each
# operation's setup checks that it gives the expected answer), and the report binary over a
# few rounds. The timed run that writes docs/BENCHMARKS.md is bench/run.sh.
#
# Called from the repository root as `bash bench/run-tests.sh`. The first build compiles the
# peer libraries (biscuit-auth, and libsodium from source for macaroon): about 10 minutes.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$here"

step() {
    printf '\n== %s\n' "$*"
}

step "rustfmt and clippy (till-bench)"
cargo fmt --check
cargo clippy --release --all-targets --locked -- -D warnings

step "criterion benchmarks, once each"
cargo bench --locked --bench verify -- --test

step "report binary, 3 rounds"
cargo run --release --locked --bin report -- --rounds 3 >/dev/null

step "the C benchmark compiles against till.h"
gcc -std=c11 -Wall -Wextra -Werror -fsyntax-only -I../till-ffi/include c/verify_bench.c

step "write_doc.py parses"
python3 -m py_compile write_doc.py

step "all benchmark checks passed"
