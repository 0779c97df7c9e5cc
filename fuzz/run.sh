#!/usr/bin/env bash
# Fuzzes every target for a bounded time (FUZZ_SECONDS, 30 by default), after seeding the
# corpora from the vectors and replaying every stored regression input.
# Needs cargo-fuzz (`cargo install cargo-fuzz --locked`); runs on the stable toolchain.
set -euo pipefail
cd "$(dirname "$0")"
seconds=${FUZZ_SECONDS:-30}
targets=(parse_key verify attenuate scopes chain_surgery)

# cargo-fuzz passes nightly-only flags to rustc; this lets the stable compiler accept them.
export RUSTC_BOOTSTRAP=1

python3 - <<'PY'
import json, hashlib, os
for target in ("parse_key", "verify", "chain_surgery", "attenuate", "scopes"):
    os.makedirs(f"corpus/{target}", exist_ok=True)
for name in ("keys.json", "text.json"):
    for case in json.load(open(f"../test-vectors/{name}"))["cases"]:
        text = case.get("key") or case.get("text")
        if text is None:
            continue
        data = text.encode()
        digest = hashlib.sha1(data).hexdigest()
        for target in ("parse_key", "verify"):
            open(f"corpus/{target}/{digest}", "wb").write(data)
PY

cargo fuzz build
mkdir -p logs
for target in "${targets[@]}"; do
  if [ -d "regressions/$target" ] && [ -n "$(ls -A "regressions/$target")" ]; then
    echo "== replaying regressions/$target"
    cargo fuzz run "$target" "regressions/$target" -- -runs=0
  fi
  echo "== fuzzing $target for ${seconds}s"
  if ! cargo fuzz run "$target" "corpus/$target" -- -max_total_time="$seconds" -print_final_stats=1 \
      > "logs/$target.log" 2>&1; then
    tail -n 60 "logs/$target.log" >&2
    echo "fuzz target $target failed; the input is in fuzz/artifacts/$target" >&2
    exit 1
  fi
  grep -E 'stat::number_of_executed_units|stat::peak_rss_mb' "logs/$target.log" || true
done
