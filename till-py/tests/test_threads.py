"""One verifier shared by eight threads answers exactly as it does serially."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
import till
from conftest import assert_twins_fail, tampered_twins

NOW = 1_800_000_000
THREADS = 8
ROUNDS = 100

Outcome = till.Grant | tuple[str, tuple[str, ...]]


def workload(keyring: till.Keyring) -> list[tuple[till.KeyText, dict[str, Any]]]:
    """Accepted and refused keys, each with the request it is checked against."""
    issuer = till.Issuer(keyring)
    work: list[tuple[till.KeyText, dict[str, Any]]] = []
    for n in range(6):
        key = issuer.mint([f"repo/r{n}/*:read", "users:read"], ttl=3600, subject=f"a{n}", now=NOW)
        narrowed = till.attenuate(key, scopes=[f"repo/r{n}/x:read"], to=f"agent:{n}", now=NOW)
        text = key.expose_secret()
        work += [
            (key, {"scope": f"repo/r{n}/x:read"}),
            (text.encode(), {"all_of": ["users:read", f"repo/r{n}/y:read"]}),
            (narrowed, {"scope": f"repo/r{n}/x:read"}),
            (narrowed, {"any_of": ["users:read", f"repo/r{n}/y:read"]}),
            (text, {"scope": "users:write"}),
        ]
        for accepted in [text, narrowed.expose_secret()]:
            work += [(twin, {"scope": "users:read"}) for twin, _ in tampered_twins(accepted)]
    # Long keys are checked with the GIL released; short ones with it held.
    long_key = issuer.mint(["repo/*:read"], ttl=3600, now=NOW)
    for n in range(8):
        long_key = till.attenuate(long_key, to=f"agent:{'x' * 50}-{n}", now=NOW)
    long_text = long_key.expose_secret()
    assert len(long_text) > 512
    work += [
        (long_key, {"scope": "repo/x:read"}),
        (long_text, {"scope": "repo/x:write"}),
        (long_text.encode(), {"scope": till.Request("repo/y:read")}),
    ]
    work += [(twin, {"scope": "repo/x:read"}) for twin, _ in tampered_twins(long_text)]
    work.append(("till_live_garbage", {"scope": "users:read"}))
    return work


def run_all(
    verifier: till.Verifier, work: list[tuple[till.KeyText, dict[str, Any]]]
) -> list[Outcome]:
    outcomes: list[Outcome] = []
    for key, request in work:
        try:
            outcomes.append(verifier.verify(key, **request, now=NOW))
        except till.InsufficientScope as refused:
            outcomes.append((refused.code, refused.missing))
        except till.TillError as refused:
            outcomes.append((refused.code, ()))
    return outcomes


@pytest.mark.parametrize("revoked", ["none", "set", "callable"])
def test_eight_threads_match_a_serial_run(revoked: str) -> None:
    keyring = till.Keyring([till.RootKey.generate()])
    work = workload(keyring)
    revoked_ids = {till.inspect(work[0][0]).key_id}
    revocation: till.Revocation | None = {
        "none": None,
        "set": revoked_ids,
        "callable": revoked_ids.__contains__,
    }[revoked]
    verifier = till.Verifier(keyring, revoked=revocation)

    serial = run_all(verifier, work)
    accepted = sum(isinstance(outcome, till.Grant) for outcome in serial)
    assert 0 < accepted < len(serial)
    if revoked != "none":
        assert serial[0] == ("revoked", ())

    start = threading.Barrier(THREADS)

    def worker(_: int) -> list[list[Outcome]]:
        start.wait()
        return [run_all(verifier, work) for _ in range(ROUNDS)]

    with ThreadPoolExecutor(THREADS) as pool:
        results = list(pool.map(worker, range(THREADS)))
    assert len(results) == THREADS
    for rounds in results:
        assert len(rounds) == ROUNDS
        for outcomes in rounds:
            assert outcomes == serial


def test_policy_replaced_while_threads_verify() -> None:
    """Each check sees one whole policy or the other, whichever was in force when it began."""
    keyring = till.Keyring([till.RootKey.generate()])
    wide = {"roles": {"support": {"scopes": ["tickets:read", "tickets:write"]}}}
    narrow = {"roles": {"support": {"scopes": ["tickets:read"]}}}
    policy = till.Policy(wide)
    key = till.Issuer(keyring, policy=policy).mint(roles=["support"], ttl=3600, now=NOW)
    verifier = till.Verifier(keyring, policy=policy)
    start = threading.Barrier(THREADS + 1)

    def worker(_: int) -> set[object]:
        start.wait()
        seen: set[object] = set()
        for _ in range(ROUNDS * 10):
            try:
                seen.add(verifier.verify(key, "tickets:write", now=NOW).scopes)
            except till.InsufficientScope as refused:
                seen.add((refused.code, refused.missing))
        return seen

    with ThreadPoolExecutor(THREADS) as pool:
        futures = [pool.submit(worker, n) for n in range(THREADS)]
        start.wait()
        for n in range(ROUNDS * 10):
            policy.replace(narrow if n % 2 == 0 else wide)
        seen: set[object] = set()
        for future in futures:
            seen |= future.result()
    assert seen <= {("tickets:read", "tickets:write"), ("insufficient_scope", ("tickets:write",))}
    assert seen

    policy.replace(narrow)
    with pytest.raises(till.InsufficientScope):
        verifier.verify(key, "tickets:write", now=NOW)
    assert verifier.verify(key, "tickets:read", now=NOW).scopes == ("tickets:read",)
    assert_twins_fail(
        lambda twin: verifier.verify(twin, "tickets:read", now=NOW), key.expose_secret()
    )
