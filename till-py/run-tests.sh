#!/usr/bin/env bash
# Builds the `till` wheel into till-py/.venv and runs every check of the Python binding:
# rustfmt and clippy for the crate, pytest, mypy --strict, stubtest and ruff. Exits non-zero
# on the first failure. Called from the repository root as `bash till-py/run-tests.sh`.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(dirname "$here")"
venv="$here/.venv"
python="${PYTHON:-python3}"

step() {
    printf '\n== [%4ds] %s\n' "$SECONDS" "$*"
}

step "virtual environment: $venv"
if [ ! -x "$venv/bin/python" ]; then
    "$python" -m venv "$venv"
fi
"$venv/bin/python" -m pip install -q --disable-pip-version-check --upgrade pip
"$venv/bin/python" -m pip install -q --disable-pip-version-check -r "$here/requirements-test.txt"
export PATH="$venv/bin:$PATH"

step "rustfmt and clippy (till-py)"
cd "$repo"
cargo fmt -p till-py --check
cargo clippy -p till-py --no-deps --all-targets -- -D warnings

step "wheel (maturin, release)"
rm -rf "$here/dist"
maturin build --release --manifest-path "$here/Cargo.toml" --out "$here/dist"
python -m pip install -q --disable-pip-version-check --force-reinstall --no-deps "$here"/dist/*.whl

# From here on the installed wheel is what is tested, never the source tree.
cd "$here"

step "pytest"
python -m pytest -q

step "mypy --strict (package, examples, typed usage)"
python -m mypy --strict python/till examples tests/typed_usage.py

step "stubtest (stubs against the built module)"
python -m mypy.stubtest till

step "ruff"
ruff check python tests examples bench
ruff format --check python tests examples bench

# The wheel is abi3: when another CPython is at hand, check that it loads there too.
other=""
for candidate in python3.13 "${PYENV_ROOT:-$HOME/.pyenv}"/versions/3.13*/bin/python3.13; do
    if "$candidate" --version >/dev/null 2>&1; then
        other="$candidate"
        break
    fi
done
if [ -n "$other" ]; then
    step "abi3 wheel on $("$other" --version)"
    "$other" -m venv "$venv/abi3-check"
    "$venv/abi3-check/bin/python" -m pip install -q --disable-pip-version-check pytest
    "$venv/abi3-check/bin/python" -m pip install -q --disable-pip-version-check \
        --force-reinstall --no-deps "$here"/dist/*.whl
    "$venv/abi3-check/bin/python" -m pytest -q -p no:cacheprovider tests/test_vectors.py
fi

step "all Python binding checks passed"
