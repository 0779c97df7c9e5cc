#!/usr/bin/env bash
# Runs Till's benchmarks and writes docs/BENCHMARKS.md from what they print: the Rust report
# (Till's verify, its HMAC floor and its peers, allocations, throughput), the criterion
# benchmark, the Python and Node benchmarks of the bindings, and the C interface.
#
#   bash bench/run.sh
#
# Not part of CI: it times things, and timings depend on the machine. About 2 minutes when
# the builds are warm; from empty caches about 14 (biscuit-auth, and libsodium built from
# source for macaroon, are most of it).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
cd "$root"

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
: >"$work/commands.txt"

step() {
    printf '\n== %s\n' "$*"
}

# Writes a line to the Commands section of the report.
record() {
    printf '%s\n' "$*" >>"$work/commands.txt"
}

# Runs a command and records it, each word quoted as a shell would need it, for the Commands
# section of the report.
run() {
    local word line=""
    for word in "$@"; do
        if [[ "$word" =~ ^[A-Za-z0-9_./=:,@%+-]+$ ]]; then
            line+="$word "
        else
            line+="'${word//\'/\'\\\'\'}' "
        fi
    done
    record "${line% }"
    "$@"
}

target_dir() {
    cargo metadata --format-version 1 --no-deps --manifest-path "$1" |
        python3 -c 'import json, sys; print(json.load(sys.stdin)["target_directory"])'
}

machine() {
    python3 - "$1" <<'EOF'
import json, os, platform, subprocess, sys
model = next((line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo")
              if line.startswith("model name")), "unknown")
def version(*cmd):
    try:
        return subprocess.run(cmd, capture_output=True, text=True).stdout.splitlines()[0]
    except (OSError, IndexError):
        return "not found"
json.dump({
    "nproc": os.cpu_count(),
    "model": model,
    "loadavg": open("/proc/loadavg").read().split()[:3],
    "kernel": platform.release(),
    "rustc": version("rustc", "--version"),
    "gcc": version("gcc", "--version"),
    "node": version("node", "--version"),
}, open(sys.argv[1], "w"), indent=1)
EOF
}

step "machine"
date -u '+%Y-%m-%d %H:%M UTC' >"$work/date.txt"
machine "$work/machine-start.json"
cat "$work/machine-start.json"

step "build (release)"
bench_target="$(target_dir bench/Cargo.toml)"
run cargo build --release --manifest-path bench/Cargo.toml --bin report
run cargo bench --manifest-path bench/Cargo.toml --bench verify --no-run
report="$bench_target/release/report"

step "Rust report"
run "$report" --json "$work/report.json" | tee "$work/report.md"

step "criterion"
rm -rf "$bench_target/criterion/verify"
run cargo bench --manifest-path bench/Cargo.toml --bench verify -- \
    --warm-up-time 1 --measurement-time 3 --noplot
python3 - "$bench_target/criterion/verify" "$work/criterion.json" <<'EOF'
import json, pathlib, sys
medians = {}
for estimates in sorted(pathlib.Path(sys.argv[1]).glob("*/new/estimates.json")):
    meta = json.loads((estimates.parent / "benchmark.json").read_text())
    medians[meta["function_id"]] = json.loads(estimates.read_text())["median"]["point_estimate"]
json.dump(medians, open(sys.argv[2], "w"), indent=1)
print(json.dumps(medians, indent=1))
EOF

step "C interface"
# till-ffi has no benchmark of its own: bench/c/verify_bench.c times verify through till.h.
run cargo build -p till-ffi --release
ffi_lib="$(target_dir Cargo.toml)/release/libtill_ffi.a"
c_bench="$bench_target/release/verify_bench"
run gcc -std=c11 -O2 -Wall -Wextra -Werror -Itill-ffi/include -o "$c_bench" \
    bench/c/verify_bench.c "$ffi_lib" -lpthread -ldl -lm
read -r root_key key scope now < <(python3 - <<'EOF'
import json
vectors = json.load(open("test-vectors/keys.json"))
case = next(c for c in vectors["cases"] if c["name"] == "reference")
roots = {r["id"]: r["text"] for r in vectors["root_keys"]}
print(roots[case["verifier"]["root_keys"][0]], case["key"], case["request"]["scope"], case["now"])
EOF
)
# C and Rust take turns, seven times, so that both see the same changes in load, and a turn
# that one of them spends on a slowed machine moves the median of the seven little.
record "# seven times in turn (ROOT_KEY KEY SCOPE NOW: the reference case of keys.json):"
record "$c_bench ROOT_KEY KEY SCOPE NOW"
record "$report --reference-only"
: >"$work/c.txt"
for _ in 1 2 3 4 5 6 7; do
    "$c_bench" "$root_key" "$key" "$scope" "$now" | tee -a "$work/c.txt"
    "$report" --reference-only | tee -a "$work/c.txt"
done

step "Python binding"
: >"$work/python.txt"
# A release wheel in a virtual environment of the benchmark's own: the binding's test script
# builds for testing, not for speed.
python=""
own="$bench_target/python"
rm -rf "$own/wheels"
if run python3 -m venv "$own/venv" &&
    run "$own/venv/bin/python" -m pip install -q --disable-pip-version-check \
        'maturin>=1.16,<2' PyJWT &&
    run "$own/venv/bin/maturin" build -q --release -m till-py/Cargo.toml -o "$own/wheels" &&
    record "$own/venv/bin/python -m pip install -q --disable-pip-version-check" \
        "--force-reinstall --no-deps $own/wheels/till-*.whl" &&
    "$own/venv/bin/python" -m pip install -q --disable-pip-version-check \
        --force-reinstall --no-deps "$own"/wheels/till-*.whl; then
    python="$own/venv/bin/python"
    echo "interpreter: a virtual environment with a release wheel of till-py" \
        >>"$work/python.txt"
fi
if [ -n "$python" ]; then
    run "$python" till-py/bench/bench_verify.py 2>&1 | tee -a "$work/python.txt" ||
        echo "SKIPPED: till-py/bench/bench_verify.py failed" >>"$work/python.txt"
else
    echo "SKIPPED: no Python environment with a release build of till could be made" |
        tee -a "$work/python.txt"
fi

step "Node binding"
: >"$work/node.txt"
node_ok=1
record "(cd till-node && npm ci --no-audit --no-fund)  # when till-node/node_modules is missing"
if [ ! -d till-node/node_modules ]; then
    (cd till-node && npm ci --no-audit --no-fund) >"$work/node-setup.log" 2>&1 || node_ok=0
fi
# Always a release build of the addon, whatever the binding's test script left behind.
record "(cd till-node && npm run build)"
if [ "$node_ok" = 1 ]; then
    (cd till-node && npm run build) >>"$work/node-setup.log" 2>&1 || node_ok=0
fi
if [ "$node_ok" = 1 ]; then
    run node till-node/bench/verify.mjs 2>&1 | tee "$work/node.txt" ||
        echo "SKIPPED: till-node/bench/verify.mjs failed" >>"$work/node.txt"
else
    echo "SKIPPED: the Node addon could not be built" | tee "$work/node.txt"
fi

step "profile"
# Where the time of one verify goes: call stacks (unwound from DWARF, so that inlined steps
# keep their names) sampled while a key is verified in a loop, for the reference key and
# for its 3-block form.
profile() {
    local case="$1" tag="$2"
    : >"$work/perf-self$tag.txt"
    : >"$work/perf-children$tag.txt"
    run perf record -q --call-graph dwarf -F 999 -o "$work/perf$tag.data" -- \
        "$report" --spin 3 --case "$case" >"$work/perf-record$tag.log" 2>&1 || return 0
    run perf report -q -i "$work/perf$tag.data" --stdio --no-children --sort symbol -g none \
        --percent-limit 0.5 >"$work/perf-self$tag.txt" 2>/dev/null || :
    run perf report -q -i "$work/perf$tag.data" --stdio --children --sort symbol -g none \
        --percent-limit 0.5 >"$work/perf-children$tag.txt" 2>/dev/null || :
    rm -f "$work/perf$tag.data"
}
if command -v perf >/dev/null; then
    profile reference ""
    profile reference_3_blocks "-3"
    head -20 "$work/perf-self.txt"
else
    echo "perf is not available"
    : >"$work/perf-self.txt" >"$work/perf-children.txt"
    : >"$work/perf-self-3.txt" >"$work/perf-children-3.txt"
fi

step "docs/BENCHMARKS.md"
machine "$work/machine-end.json"
python3 bench/write_doc.py "$work" "$root" >"$work/BENCHMARKS.md"
mv "$work/BENCHMARKS.md" docs/BENCHMARKS.md
echo "wrote docs/BENCHMARKS.md"
