"""Keys minted in Python verify in Python, and against the Rust `till` command if it is built.

The vectors (minted by the Rust generator) are verified in test_vectors.py.
"""

from __future__ import annotations

import json
import os
import subprocess
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
import till
from conftest import assert_twins_fail, grant_data, load, seconds, typo

REPO = Path(__file__).resolve().parents[2]
CLI = sorted(REPO.glob("target/*/till"))


def test_python_minted_keys_verify_in_python() -> None:
    root = till.RootKey.generate()
    keyring = till.Keyring([root])
    issuer = till.Issuer(keyring)
    verifier = till.Verifier(keyring)
    minted_at = datetime(2027, 1, 1, tzinfo=timezone.utc)
    now = minted_at + timedelta(minutes=5)
    key = issuer.mint(
        ["repo/acme/*:read", "users:write"],
        ttl=timedelta(hours=1),
        subject="triage-bot",
        now=minted_at,
    )
    grant = verifier.verify(key, "repo/acme/api:read", now=now)
    assert grant.key_id == key.key_id
    assert grant.root_key_id == root.id
    assert (grant.prefix, grant.env, grant.subject, grant.audience) == (
        "till",
        "live",
        "triage-bot",
        None,
    )
    assert grant.scopes == ("repo/acme/*:read", "users:write")
    assert grant.issued_at == minted_at
    assert grant.expires_at == minted_at + timedelta(hours=1)
    assert grant.not_before is None and grant.chain == () and grant.roles == ()
    assert_twins_fail(
        lambda twin: verifier.verify(twin, "repo/acme/api:read", now=now), key.expose_secret()
    )

    narrowed = till.attenuate(key, scopes=["repo/acme/docs:read"], to="agent:summarizer", now=now)
    sub = verifier.verify(narrowed, "repo/acme/docs:read", now=now)
    assert sub.scopes == ("repo/acme/docs:read",)
    assert [link.label for link in sub.chain] == ["agent:summarizer"]
    with pytest.raises(till.InsufficientScope):
        verifier.verify(narrowed, "repo/acme/api:read", now=now)
    assert_twins_fail(
        lambda twin: verifier.verify(twin, "repo/acme/docs:read", now=now), narrowed.expose_secret()
    )


def test_rust_minted_keys_verify_in_python() -> None:
    vectors = load("keys.json")
    roots = [till.RootKey.from_text(r["text"]) for r in vectors["root_keys"]]
    [reference] = [c for c in vectors["cases"] if c["name"] == "reference"]
    grant = till.Verifier(till.Keyring(roots)).verify(
        reference["key"], **reference["request"], now=reference["now"]
    )
    assert grant_data(grant) == reference["expect"]["grant"]


def run_cli(*args: str, key: str, root: till.RootKey) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, TILL_ROOT_KEY=root.to_text())
    return subprocess.run(
        [str(CLI[0]), *args], input=key, env=env, capture_output=True, text=True, timeout=60
    )


@pytest.mark.skipif(not CLI, reason="the till command is not built (cargo build -p till-cli)")
def test_python_minted_key_verifies_with_the_till_command() -> None:
    root = till.RootKey.generate()
    keyring = till.Keyring([root])
    key = till.Issuer(keyring).mint(["repo/acme/*:read"], ttl=600, subject="py-minted")
    done = run_cli(
        "verify", "--json", "-", "--scope", "repo/acme/api:read", key=key.expose_secret(), root=root
    )
    assert done.returncode == 0, done.stderr
    answer = json.loads(done.stdout)
    assert answer["allowed"] is True
    assert answer["grant"] == grant_data(till.Verifier(keyring).verify(key, "repo/acme/api:read"))

    for twin in [
        typo(key.expose_secret()),
        till.attenuate(key, scopes=["repo/acme/x:read"]).expose_secret(),
    ]:
        refused = run_cli(
            "verify", "--json", "-", "--scope", "repo/acme/api:read", key=twin, root=root
        )
        assert refused.returncode == 1


@pytest.mark.skipif(not CLI, reason="the till command is not built (cargo build -p till-cli)")
def test_key_minted_by_the_till_command_verifies_in_python() -> None:
    root = till.RootKey.generate()
    done = run_cli("mint", "--json", "--scope", "users:read", "--subject", "cli", key="", root=root)
    assert done.returncode == 0, done.stderr
    text = json.loads(done.stdout)["key"]
    verifier = till.Verifier(till.Keyring([root]))
    grant = verifier.verify(text, "users:read")
    assert grant.subject == "cli" and grant.expires_at is not None
    assert seconds(grant.expires_at) == seconds(grant.issued_at) + 3600  # type: ignore[operator]
    assert_twins_fail(lambda twin: verifier.verify(twin, "users:read"), text)
