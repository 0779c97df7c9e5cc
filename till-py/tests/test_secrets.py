"""Secrets never show in repr(), str(), format(), logs, pickles or error messages."""

from __future__ import annotations

import copy
import io
import logging
import pickle
import traceback
from collections.abc import Callable
from typing import Any

import pytest
import till
from conftest import assert_twins_fail, load, tampered_twins

# A fixed root key whose secret part is the canary: it must never appear anywhere but in
# to_text().
ROOT_TEXT = load("root_keys.json")["cases"][0]["text"]
ROOT_CANARY = ROOT_TEXT[len("tillroot_") + 4 :]


def secret_part(key: str) -> str:
    """What of a key is secret: everything after its id (the tag and checksum)."""
    head_end = key.index("_", key.index("_") + 1) + 1
    return key[head_end + 20 :]


def renderings(value: Any) -> list[str]:
    """Every way a value commonly ends up as text."""
    out = [repr(value), str(value), f"{value}", "%s" % (value,), "%r" % (value,)]  # noqa: UP031
    out += [str([value]), repr({"k": value})]
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    logger = logging.getLogger("till-canary")
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    try:
        logger.info("value %s %r", value, value)
        logger.info(value)
    finally:
        logger.removeHandler(handler)
    out.append(stream.getvalue())
    return out


def assert_hidden(canary: str, *values: Any) -> None:
    assert len(canary) >= 20
    for value in values:
        for text in renderings(value):
            assert canary not in text, text


def test_root_key_shows_only_its_id() -> None:
    root = till.RootKey.from_text(ROOT_TEXT)
    assert_hidden(ROOT_CANARY, root, till.Keyring([root]))
    assert repr(root) == "<till.RootKey id=0001 secret=[redacted]>"
    assert root.to_text() == ROOT_TEXT


def test_api_key_shows_only_its_redacted_form() -> None:
    keyring = till.Keyring([till.RootKey.from_text(ROOT_TEXT)])
    issuer = till.Issuer(keyring)
    key = issuer.mint(["users:read"], ttl=3600, subject="canary-subject")
    text = key.expose_secret()
    canary = secret_part(text)
    narrowed = till.attenuate(key, to="agent:x")

    assert_hidden(canary, key, narrowed, issuer, keyring)
    assert_hidden(secret_part(narrowed.expose_secret()), narrowed, key)
    assert str(key) == key.redacted == f"till_live_[redacted:{key.key_id}]"
    assert repr(key) == f"<till.ApiKey till_live_[redacted:{key.key_id}]>"
    assert text.startswith("till_live_") and key.key_id in text

    verifier = till.Verifier(keyring, revoked=set())
    grant = verifier.verify(key, "users:read")
    assert_hidden(canary, grant, till.inspect(key), till.find_keys(f"x {text} y"), verifier)
    assert_hidden(canary, till.redact(f"x {text} y"))
    assert_twins_fail(lambda twin: verifier.verify(twin, "users:read"), text)


def test_secrets_cannot_be_pickled_or_copied() -> None:
    root = till.RootKey.from_text(ROOT_TEXT)
    keyring = till.Keyring([root])
    key = till.Issuer(keyring).mint(["users:read"], ttl=3600)
    for value in [root, keyring, key]:
        with pytest.raises(TypeError, match="cannot be pickled"):
            pickle.dumps(value)
        with pytest.raises(TypeError):
            copy.copy(value)


def test_error_messages_never_carry_the_key() -> None:
    root = till.RootKey.from_text(ROOT_TEXT)
    keyring = till.Keyring([root])
    key = till.Issuer(keyring).mint(["users:read"], ttl=3600, audience="svc")
    text = key.expose_secret()
    canary = secret_part(text)
    verifier = till.Verifier(keyring)
    candidates = [text, text + "x", text[:-1]] + [twin for twin, _ in tampered_twins(text)]
    calls: list[Callable[[str], object]] = [
        lambda key: verifier.verify(key, "users:write"),
        lambda key: till.Verifier(keyring, audience="other").verify(key, "users:read"),
        lambda key: till.attenuate(key, scopes=["users:write"]),
        lambda key: till.attenuate(key, audience="other"),
    ]
    refusals = []
    for candidate in candidates:
        for call in calls:
            with pytest.raises(till.TillError) as refused:
                call(candidate)
            refusals.append(refused.value)
    for error in refusals:
        rendered = "".join(traceback.format_exception_only(type(error), error))
        assert canary not in rendered and canary not in repr(error.args)
        assert_hidden(canary, error)
    with pytest.raises(till.InvalidRootKey) as bad_root:
        till.RootKey.from_text(ROOT_TEXT[:-1] + "x")
    assert ROOT_CANARY[:-2] not in str(bad_root.value)
