"""The frozen values Till returns besides grants: delegation links, found keys, unverified
claims."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import NamedTuple


class Link(NamedTuple):
    """One link of a delegation chain: an attenuation block."""

    id: str
    """The block's id, which revocation checks receive."""

    label: str | None
    """Whom the block was delegated to, if it says."""


@dataclass(frozen=True)
class UnverifiedBlock:
    """One attenuation block as a key states it. **Not verified.**"""

    expires_at: datetime | None
    audience: str | None
    label: str | None
    scopes: tuple[str, ...] | None
    max_delegation: int | None


@dataclass(frozen=True)
class Unverified:
    """What a key says about itself, read without any secret.

    **Nothing here is verified**: anyone can write a key that says anything. Use it to debug
    and to display, never to decide; decisions go through :meth:`till.Verifier.verify`.
    """

    prefix: str
    env: str
    version: int
    root_key_id: str
    key_id: str
    issued_at: datetime
    expires_at: datetime | None
    not_before: datetime | None
    subject: str | None
    audience: str | None
    scopes: tuple[str, ...]
    roles: tuple[str, ...]
    max_delegation: int | None
    blocks: tuple[UnverifiedBlock, ...]


@dataclass(frozen=True)
class Found:
    """A key found in a text by :func:`till.find_keys`."""

    kind: str
    """``"api_key"`` or ``"root_key"``."""

    start: int
    """Index of the key's first character in the text."""

    end: int
    """Index just past the key's last character, so that ``text[start:end]`` is the key."""

    id: str
    """The key id (API keys) or root key id (root keys), which stays readable when redacted."""

    redacted: str
    """The text :func:`till.redact` puts in the key's place."""
