"""Median cost of ``Verifier.verify`` on the reference key, next to the core's own check, an
empty call into the extension, and PyJWT's HS256 decode.

Not a test: it prints figures and asserts nothing about them. Run it against a release build:

    maturin develop --release   # or: bash till-py/run-tests.sh, which builds one
    pip install PyJWT
    python till-py/bench/bench_verify.py

The reference key is the case named "reference" in test-vectors/keys.json; it is verified with
that case's verifier settings and request. The JWT carries the same claims (sub, exp and the
scope list) and its measured call also checks the requested scope, as verify does.

Every figure is the median over rounds of the mean time of one call in a batch, each round
timing one batch of every call in turn. The calls measured:

- ``verify(key, "users:read", now=...)``: the case's clock, given as a keyword.
- ``verify(key, request, now=...)``: the same with a ``till.Request`` built once.
- ``verify(key, "users:read")`` and ``verify(key, request)``: the usual calls, on the system
  clock; measured only while the reference key is valid by that clock.
- an empty call into the extension, ``till._till.noop()``, and PyJWT.

Each call is made from a ``lambda``, the empty call included, so that every figure holds the
same cost of the harness.
- the core's ``verify_at`` alone with the prebuilt request and the case's clock, timed in Rust
  inside the extension, one batch per round like the others.

"binding overhead" is a verify figure minus the core's: what the call, the conversion of its
arguments and the grant object cost. It also holds whatever the core loses to running between
Python's own work (caches and branch predictors that a tight Rust loop keeps warm).
"""

from __future__ import annotations

import json
import os
import platform
import statistics
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import jwt
import till
from till import _till

VECTORS = Path(__file__).resolve().parents[2] / "test-vectors" / "keys.json"
BATCH = 2_000
BATCHES = 31


def median_ns(
    calls: dict[str, Callable[[], object]], self_timed: dict[str, Callable[[], float]]
) -> dict[str, float]:
    """For each call, the median over ``BATCHES`` rounds of the mean time of one call, in
    nanoseconds. Each round times one batch of every call in turn, so that a change in the
    machine's load during the run touches every figure alike. A call of ``self_timed`` runs
    a whole batch itself and returns its mean time per call."""
    for call in calls.values():
        for _ in range(BATCH):
            call()
    means: dict[str, list[float]] = {name: [] for name in [*calls, *self_timed]}
    for _ in range(BATCHES):
        for name, call in calls.items():
            start = time.perf_counter_ns()
            for _ in range(BATCH):
                call()
            means[name].append((time.perf_counter_ns() - start) / BATCH)
        for name, timed in self_timed.items():
            means[name].append(timed())
    return {name: statistics.median(values) for name, values in means.items()}


def throughput(call: Callable[[], object], threads: int, calls: int = 40_000) -> float:
    """Calls per second when ``threads`` threads share ``calls`` calls."""
    share = calls // threads
    start_line = threading.Barrier(threads + 1)

    def work() -> None:
        start_line.wait()
        for _ in range(share):
            call()

    pool = [threading.Thread(target=work) for _ in range(threads)]
    for thread in pool:
        thread.start()
    start_line.wait()
    start = time.perf_counter()
    for thread in pool:
        thread.join()
    return share * threads / (time.perf_counter() - start)


def reference() -> dict[str, Any]:
    cases: dict[str, Any] = json.loads(VECTORS.read_text(encoding="utf-8"))
    roots = {root["id"]: root["text"] for root in cases["root_keys"]}
    matching: list[dict[str, Any]] = [c for c in cases["cases"] if c["name"] == "reference"]
    [case] = matching
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

    request = till.Request(scope)
    calls: dict[str, Callable[[], object]] = {
        "verify(key, scope, now=now)": lambda: verifier.verify(key, scope, now=now),
        "verify(key, request, now=now)": lambda: verifier.verify(key, request, now=now),
    }
    try:
        verifier.verify(key, scope)
        calls["verify(key, scope)"] = lambda: verifier.verify(key, scope)
        calls["verify(key, request)"] = lambda: verifier.verify(key, request)
    except till.TillError as refused:
        print(f"(the system clock is outside the reference key's life: {refused.code})")
    calls["empty call into the extension"] = lambda: _till.noop()
    calls["PyJWT HS256 decode + scope check"] = jwt_decode
    core_name = "core verify_at alone (timed in Rust)"
    figures = median_ns(
        calls, {core_name: lambda: _till.core_verify_ns(verifier, key, request, now, BATCH)}
    )
    print(
        f"Python {platform.python_version()} on {platform.machine()}, till {till.__version__}, "
        f"PyJWT {jwt.__version__}, load average {os.getloadavg()[0]:.2f}"
    )
    print(f"median of {BATCHES} rounds of {BATCH} calls each")
    for name, ns in figures.items():
        print(f"{name:<40} {ns / 1000:8.3f} µs")
    for name in [name for name in figures if name.startswith("verify(")]:
        overhead = figures[name] - figures[core_name]
        print(f"{'binding overhead, ' + name:<52} {overhead / 1000:8.3f} µs")
    ratio = figures["PyJWT HS256 decode + scope check"] / figures["verify(key, scope, now=now)"]
    print(f"{'PyJWT / till':<40} {ratio:8.1f} x")

    # A key this short is checked with the GIL held: threads take turns.
    for threads in (1, 2, 4):
        rate = throughput(lambda: verifier.verify(key, scope, now=now), threads)
        print(f"{f'verify throughput, {threads} thread(s)':<40} {rate:8.0f} /s")


if __name__ == "__main__":
    main()
