"""Median cost of ``Verifier.verify`` on the reference key, next to PyJWT's HS256 decode.

Not a test: it prints figures and asserts nothing about them. Run it against a release build:

    maturin develop --release   # or: bash till-py/run-tests.sh, which builds one
    pip install PyJWT
    python till-py/bench/bench_verify.py

The reference key is the case named "reference" in test-vectors/keys.json; it is verified with
that case's verifier settings, request and clock. The JWT carries the same claims (sub, exp and
the scope list) and its measured call also checks the requested scope, as verify does.
"""

from __future__ import annotations

import json
import os
import platform
import statistics
import sys
import time
from pathlib import Path
from typing import Any, Callable

import jwt
import till
from till import _till

VECTORS = Path(__file__).resolve().parents[2] / "test-vectors" / "keys.json"
BATCH = 2_000
BATCHES = 31


def median_ns(call: Callable[[], object]) -> float:
    """The median over ``BATCHES`` batches of the mean time of one call, in nanoseconds."""
    for _ in range(BATCH):
        call()
    means = []
    for _ in range(BATCHES):
        start = time.perf_counter_ns()
        for _ in range(BATCH):
            call()
        means.append((time.perf_counter_ns() - start) / BATCH)
    return statistics.median(means)


def reference() -> dict[str, Any]:
    cases = json.loads(VECTORS.read_text(encoding="utf-8"))
    roots = {root["id"]: root["text"] for root in cases["root_keys"]}
    [case] = [c for c in cases["cases"] if c["name"] == "reference"]
    case["roots"] = [till.RootKey.from_text(roots[i]) for i in case["verifier"]["root_keys"]]
    return case


def main() -> None:
    case = reference()
    settings = case["verifier"]
    keyring = till.Keyring(case["roots"])
    options: dict[str, Any] = {
        "env": settings["env"],
        "audience": settings["audience"],
        "leeway": settings["leeway"],
        "prefix": settings["prefix"],
    }
    verifier = till.Verifier(keyring, revoked=set(settings["revoked"]) or None, **options)
    inner = _till.Verifier(keyring, revoked=None, **options)
    key, scope, now = case["key"], case["request"]["scope"], case["now"]
    expected = case["expect"]["grant"]
    assert verifier.verify(key, scope, now=now).scopes == tuple(expected["scopes"])

    secret = os.urandom(32)
    claims = {"sub": expected["subject"], "exp": int(time.time()) + 3600}
    claims["scope"] = expected["scopes"]
    token = jwt.encode(claims, secret, algorithm="HS256")

    def jwt_decode() -> bool:
        payload = jwt.decode(token, secret, algorithms=["HS256"])
        return scope in payload["scope"]

    assert jwt_decode()

    rows = [
        (
            "till Verifier.verify (reference key)",
            median_ns(lambda: verifier.verify(key, scope, now=now)),
        ),
        (
            "  of which the compiled call",
            median_ns(lambda: inner.verify(key, scope=scope, now=now)),
        ),
        ("PyJWT HS256 decode + scope check", median_ns(jwt_decode)),
        ("empty call into the extension", median_ns(_till.noop)),
    ]
    print(
        f"Python {platform.python_version()} on {platform.machine()}, till {till.__version__}, "
        f"PyJWT {jwt.__version__}"
    )
    print(f"median of {BATCHES} batches of {BATCH} calls each")
    for name, ns in rows:
        print(f"{name:<40} {ns / 1000:8.2f} µs")
    print(f"{'PyJWT / till':<40} {rows[2][1] / rows[0][1]:8.1f} x")


if __name__ == "__main__":
    sys.exit(main())
