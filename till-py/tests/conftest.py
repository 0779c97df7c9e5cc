"""Shared helpers: the vectors, grants as plain data, and tampered twins of keys."""

from __future__ import annotations

import json
import string
import zlib
from collections.abc import Callable
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pytest
import till

VECTORS = Path(__file__).resolve().parents[2] / "test-vectors"
EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)
BASE62 = string.digits + string.ascii_uppercase + string.ascii_lowercase
BASE64URL = string.ascii_uppercase + string.ascii_lowercase + string.digits + "-_"


def load(name: str) -> dict[str, Any]:
    """One vector file."""
    data: dict[str, Any] = json.loads((VECTORS / name).read_text(encoding="utf-8"))
    return data


def seconds(moment: datetime | None) -> int | None:
    """An aware UTC datetime as seconds since the epoch, checking that it is one."""
    if moment is None:
        return None
    assert moment.tzinfo is not None and moment.utcoffset() == timezone.utc.utcoffset(None)
    return int((moment - EPOCH).total_seconds())


def grant_data(grant: till.Grant) -> dict[str, Any]:
    """A grant in the vectors' JSON shape."""
    return {
        "key_id": grant.key_id,
        "root_key_id": grant.root_key_id,
        "prefix": grant.prefix,
        "env": grant.env,
        "subject": grant.subject,
        "audience": grant.audience,
        "scopes": list(grant.scopes),
        "roles": list(grant.roles),
        "issued_at": seconds(grant.issued_at),
        "expires_at": seconds(grant.expires_at),
        "not_before": seconds(grant.not_before),
        "chain": [{"id": link.id, "label": link.label} for link in grant.chain],
    }


def checksum(text: str) -> str:
    """The six base62 digits of the CRC-32 of ``text``, as docs/FORMAT.md defines them."""
    value = zlib.crc32(text.encode("utf-8"))
    digits = []
    for _ in range(6):
        value, digit = divmod(value, 62)
        digits.append(BASE62[digit])
    return "".join(reversed(digits))


def _swap(char: str) -> str:
    return "A" if char != "A" else "B"


def typo(key: str) -> str:
    """``key`` with its last character (a checksum digit) replaced by another."""
    return key[:-1] + _swap(key[-1])


def tampered_twins(key: str) -> list[tuple[str, str]]:
    """Altered copies of a well-formed key, each with the error code it must cause.

    One changes a body character and keeps the old checksum (a typo: ``bad_checksum``). The
    other changes a character inside the tag and writes a fresh checksum, so that only the MAC
    can catch it (``invalid_signature``).
    """
    head_end = key.index("_", key.index("_") + 1) + 1
    head, body, written = key[:head_end], key[head_end:-6], key[-6:]
    assert checksum(head + body) == written, "not a well-formed key"

    middle = len(body) // 2
    typo = head + body[:middle] + _swap(body[middle]) + body[middle + 1 :] + written

    # The tag is the last 16 bytes of the payload: the last 21 or 22 body characters. The
    # tenth from the end lies inside it and is never the final, partly-padded character.
    at = len(body) - 10
    forged_body = body[:at] + _swap(body[at]) + body[at + 1 :]
    forged = head + forged_body + checksum(head + forged_body)
    return [(typo, "bad_checksum"), (forged, "invalid_signature")]


def assert_twins_fail(check: Callable[[str], object], key: str) -> None:
    """Every tampered twin of an accepted ``key`` is refused by ``check`` with its code."""
    for twin, code in tampered_twins(key):
        assert twin != key
        with pytest.raises(till.TillError) as refused:
            check(twin)
        assert refused.value.code == code, twin


@pytest.fixture(scope="session")
def keys_vectors() -> dict[str, Any]:
    return load("keys.json")


@pytest.fixture(scope="session")
def vector_keyring(keys_vectors: dict[str, Any]) -> till.Keyring:
    """Every root key of keys.json, 0001 first."""
    return till.Keyring([till.RootKey.from_text(r["text"]) for r in keys_vectors["root_keys"]])


@pytest.fixture()
def keyring() -> till.Keyring:
    return till.Keyring([till.RootKey.generate()])
