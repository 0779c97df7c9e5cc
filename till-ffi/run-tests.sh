#!/usr/bin/env bash
# Builds Till's C library and tests it: the header is regenerated and must match the one in
# git; the C tests run under AddressSanitizer and UndefinedBehaviorSanitizer, then under
# valgrind; the example is built against the static and the shared library and against an
# installed copy found through pkg-config; and uniffi writes the Swift, Kotlin and Python
# sources, the last of which runs the vectors against the library.
#
# Run from anywhere: bash till-ffi/run-tests.sh
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
cd "$root"

step() { printf '\n== [%4ds] %s\n' "$SECONDS" "$*"; }

step "tools"
# gcc, g++, make and Python come with the machine; valgrind and pkg-config may not.
if ! command -v valgrind >/dev/null || ! command -v pkg-config >/dev/null; then
  apt-get update -qq && apt-get install -y -qq valgrind pkgconf
fi
target="$(cargo metadata --format-version 1 --no-deps |
  python3 -c 'import json, sys; print(json.load(sys.stdin)["target_directory"])')"
lib="$target/debug"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# Clippy runs over the whole workspace in CI; formatting is checked here as it costs nothing.
step "format"
cargo fmt -p till-ffi --check

# The bindgen feature changes the library's features, so the tool is built first and the
# plain library last: the library under test is the one without it.
step "build uniffi-bindgen"
cargo build -p till-ffi --features bindgen --bin uniffi-bindgen
bindgen="$target/debug/uniffi-bindgen"

step "build the library and regenerate include/till.h"
cargo build -p till-ffi --lib
git diff --exit-code -- till-ffi/include/till.h
if [[ -n "$(git status --porcelain -- till-ffi/include/till.h)" ]]; then
  echo "till-ffi/include/till.h is not committed" >&2
  exit 1
fi
# The header stands alone, in C and in C++.
printf '#include "till.h"\n' >"$work/header.c"
gcc -std=c99 -Wall -Wextra -Werror -pedantic -fsyntax-only -Itill-ffi/include "$work/header.c"
g++ -std=c++11 -Wall -Wextra -Werror -fsyntax-only -Itill-ffi/include -x c++ "$work/header.c"

step "Rust unit tests"
cargo test -p till-ffi --lib

step "C tests under AddressSanitizer and UndefinedBehaviorSanitizer"
python3 till-ffi/tests/vectors_to_fixture.py test-vectors "$work/fixture.txt"
cflags=(-std=c11 -Wall -Wextra -Werror -g -Itill-ffi/include)
sources=(till-ffi/tests/*.c)
static_libs=("$lib/libtill_ffi.a" -lpthread -ldl -lm)
gcc "${cflags[@]}" -O1 -fsanitize=address,undefined -fno-sanitize-recover=all \
  -fno-omit-frame-pointer -o "$work/tests-asan" "${sources[@]}" "${static_libs[@]}"
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1 \
  "$work/tests-asan" "$work/fixture.txt" | tee "$work/asan.out"

step "C tests under valgrind"
gcc "${cflags[@]}" -O1 -o "$work/tests-plain" "${sources[@]}" "${static_libs[@]}"
# Valgrind runs one thread at a time; without fair scheduling the thread that toggles a
# revocation list can keep the readers waiting for minutes.
valgrind --quiet --fair-sched=yes --leak-check=full --errors-for-leak-kinds=definite,possible \
  --error-exitcode=1 "$work/tests-plain" "$work/fixture.txt"

step "example against the static and the shared library"
make -C till-ffi/examples --no-print-directory clean run LIBDIR="$lib"
make -C till-ffi/examples --no-print-directory clean

step "install, then build the example through pkg-config"
make -C till-ffi --no-print-directory install PREFIX="$work/prefix" LIBDIR="$lib"
export PKG_CONFIG_PATH="$work/prefix/lib/pkgconfig"
pkg-config --exists till
[[ " $(pkg-config --static --libs till) " == *" -lpthread -ldl -lm "* ]]
# shellcheck disable=SC2046  # pkg-config prints separate words on purpose
gcc -std=c11 -Wall -Wextra -Werror -o "$work/quickstart-pc" till-ffi/examples/quickstart.c \
  $(pkg-config --cflags --libs till) -Wl,-rpath,"$work/prefix/lib"
"$work/quickstart-pc"

step "uniffi: Swift, Kotlin and Python sources"
for language in swift kotlin python; do
  "$bindgen" generate --no-format --library "$lib/libtill_ffi.so" --language "$language" \
    --out-dir "$work/bindings/$language"
done
expect_file() {
  [[ -s "$1" ]] && grep -q "$2" "$1" || { echo "missing or incomplete: $1" >&2; exit 1; }
}
expect_file "$work/bindings/swift/till.swift" "open class Verifier:"
expect_file "$work/bindings/swift/tillFFI.h" "uniffi_till_ffi_fn_func_attenuate"
expect_file "$work/bindings/swift/tillFFI.modulemap" "module tillFFI"
expect_file "$work/bindings/kotlin/uniffi/till/till.kt" "open class Verifier:"
expect_file "$work/bindings/python/till.py" "class Verifier"
find "$work/bindings" -type f -exec ls -l {} +

cp "$lib/libtill_ffi.so" "$work/bindings/python/"
python3 till-ffi/tests/uniffi_smoke.py "$work/bindings/python" test-vectors

step "done"
tail -n 1 "$work/asan.out"
