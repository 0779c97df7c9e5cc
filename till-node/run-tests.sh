#!/usr/bin/env bash
# Builds the Node addon and runs every check of the Node binding: rustfmt for the crate (CI
# runs clippy over the whole workspace), the generated types against the committed
# index.d.ts, node --test, and tsc over a TypeScript user of the API. Called from the
# repository root as `bash till-node/run-tests.sh`; exits non-zero on the first failure.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(dirname "$here")"

step() {
    printf '\n== [%4ds] %s\n' "$SECONDS" "$*"
}

step "rustfmt (till-node)"
cd "$repo"
cargo fmt -p till-node --check

step "npm ci"
cd "$here"
node -e 'const [a, b] = process.versions.node.split(".").map(Number);
  if (a < 20 || (a === 20 && b < 17)) { console.error("Node >= 20.17 is needed"); process.exit(1) }'
npm ci --no-audit --no-fund

step "addon (napi build, release)"
npx napi build --platform --release --js binding.js --dts index.d.ts

# index.d.ts is generated from the Rust doc comments and committed: the build must not
# change it.
if git -C "$here" rev-parse --is-inside-work-tree >/dev/null 2>&1; then
    git -C "$here" diff --exit-code -- index.d.ts
fi

step "node --test"
node --test test/*.test.mjs

step "tsc --noEmit"
npx tsc --noEmit -p test

step "all Node binding checks passed"
