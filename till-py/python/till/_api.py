"""Minting, verifying, attenuating and scanning: typed wrappers over ``till._till``.

Each wrapper converts times and durations to whole seconds and calls the compiled module,
which converts the rest and calls the core. The decisions are all the core's.
"""

from __future__ import annotations

from collections.abc import Callable, Container, Iterable
from datetime import datetime, timedelta

from . import _till
from ._convert import datetime_of, names, seconds_at, seconds_of
from ._till import ApiKey, Keyring, Policy
from ._types import Found, Unverified, UnverifiedBlock

KeyText = str | bytes | bytearray | memoryview | ApiKey
"""A key as the functions of this package accept it. ``str`` and bytes-like forms give the
same results; bytes that are not UTF-8 are a malformed key."""

Revocation = Callable[[str], object] | Container[str]
"""A revocation check: a callable taking an id and answering whether it is revoked, or a
container of revoked ids (such as a ``set``) that is read afresh at every check."""


class Issuer:
    """Mints keys with the first root key of a keyring.

    With a ``policy``, the roles a key carries must be defined in it, and minting
    ``on_behalf_of`` roles is held to what those roles allow, as the policy stands at the time.
    """

    __slots__ = ("_inner", "_keyring", "_policy", "_prefix")

    def __init__(
        self, keyring: Keyring, prefix: str = "till", *, policy: Policy | None = None
    ) -> None:
        self._inner = _till.Issuer(keyring, prefix, policy=policy)
        self._keyring = keyring
        self._prefix = prefix
        self._policy = policy

    def __repr__(self) -> str:
        return f"till.Issuer({self._keyring!r}, prefix={self._prefix!r}, policy={self._policy!r})"

    def mint(
        self,
        scopes: Iterable[str] = (),
        *,
        ttl: timedelta | int | None = None,
        expires_at: datetime | int | None = None,
        never_expires: bool = False,
        subject: str | None = None,
        audience: str | None = None,
        env: str = "live",
        not_before: datetime | int | None = None,
        max_delegation: int | None = None,
        roles: Iterable[str] = (),
        on_behalf_of: Iterable[str] | None = None,
        now: datetime | int | None = None,
    ) -> ApiKey:
        """Mints a key granting ``scopes`` (and ``roles``, for the verifier's policy).

        Exactly one of ``ttl`` (a ``timedelta`` or seconds), ``expires_at`` (an aware
        ``datetime`` or seconds since the epoch) and ``never_expires=True`` says when the key
        ends. ``max_delegation`` limits how many times the key can be attenuated (0: never).
        ``on_behalf_of`` names the roles of whoever the key is minted for: every scope, and
        every scope of the carried ``roles``, must lie within them, or
        :class:`till.ExceedsRoles` names those beyond (it needs an issuer with a policy).
        ``now`` replaces the system clock, for fixtures and tests.
        """
        return self._inner.mint(
            names(scopes, "scopes") or [],
            ttl=seconds_of(ttl, "ttl"),
            expires_at=seconds_at(expires_at, "expires_at"),
            never_expires=never_expires,
            subject=subject,
            audience=audience,
            env=env,
            not_before=seconds_at(not_before, "not_before"),
            max_delegation=max_delegation,
            roles=names(roles, "roles") or [],
            on_behalf_of=names(on_behalf_of, "on_behalf_of"),
            now=seconds_at(now, "now"),
        )


class Verifier(_till.Verifier):
    """Checks keys against a keyring and a policy of environment, audience and clock.

    Build one at startup and share it: it is immutable and safe to use from many threads.
    Without ``revoked`` it releases the GIL while it checks a key longer than 512 bytes; a
    shorter one checks in less time than handing the GIL over would take. ``revoked`` is
    consulted, after a key's tag is proven, with every id in its chain (the key id, then each
    block id); an exception it raises propagates and nothing is granted. ``policy`` resolves
    the roles keys carry, as it stands at each check (see :meth:`Policy.replace`); without
    one, or for a role it does not define, a role grants nothing.

    :meth:`verify` and :meth:`authenticate` are the compiled methods themselves, called with
    no Python code in between: they take times as ``datetime``s or seconds and scopes as
    strings or prebuilt :class:`Request` objects.
    """

    __slots__ = ("_policy", "_settings")
    _policy: Policy | None
    _settings: str

    def __new__(
        cls,
        keyring: Keyring,
        *,
        env: str = "live",
        audience: str | None = None,
        leeway: timedelta | int = 0,
        revoked: Revocation | None = None,
        prefix: str = "till",
        policy: Policy | None = None,
    ) -> Verifier:
        self = super().__new__(
            cls,
            keyring,
            env=env,
            audience=audience,
            leeway=seconds_of(leeway, "leeway") or 0,
            revoked=revoked,
            prefix=prefix,
            policy=policy,
        )
        self._settings = (
            f"{keyring!r}, env={env!r}, audience={audience!r}, leeway={leeway!r}, "
            f"revoked={revoked!r}, prefix={prefix!r}"
        )
        self._policy = policy
        return self

    def __repr__(self) -> str:
        return f"till.Verifier({self._settings}, policy={self._policy!r})"


def attenuate(
    key: KeyText,
    *,
    scopes: Iterable[str] | None = None,
    ttl: timedelta | int | None = None,
    expires_at: datetime | int | None = None,
    audience: str | None = None,
    to: str | None = None,
    max_delegation: int | None = None,
    now: datetime | int | None = None,
) -> ApiKey:
    """Narrows ``key`` offline, without any secret, into a weaker key.

    ``scopes`` must lie within what the key grants; ``ttl`` and ``expires_at`` can only bring
    the expiry closer; ``to`` records whom the new key is delegated to (a label such as
    ``agent:triage-bot``); ``max_delegation`` limits further attenuation. The new key has a
    block id of its own, which can be revoked alone.
    """
    return _till.attenuate(
        key,
        scopes=names(scopes, "scopes"),
        ttl=seconds_of(ttl, "ttl"),
        expires_at=seconds_at(expires_at, "expires_at"),
        audience=audience,
        to=to,
        max_delegation=max_delegation,
        now=seconds_at(now, "now"),
    )


def inspect(key: KeyText) -> Unverified:
    """Decodes ``key`` **without verifying it**: checks its text, checksum and format, not its
    tag. What it returns is whatever the key claims; never base a decision on it."""
    raw = _till.inspect(key)
    blocks = tuple(
        UnverifiedBlock(
            expires_at=datetime_of(block["expires_at"]),
            audience=block["audience"],
            label=block["label"],
            scopes=block["scopes"],
            max_delegation=block["max_delegation"],
        )
        for block in raw["blocks"]
    )
    return Unverified(
        prefix=raw["prefix"],
        env=raw["env"],
        version=raw["version"],
        root_key_id=raw["root_key_id"],
        key_id=raw["key_id"],
        issued_at=datetime_of(raw["issued_at"]),
        expires_at=datetime_of(raw["expires_at"]),
        not_before=datetime_of(raw["not_before"]),
        subject=raw["subject"],
        audience=raw["audience"],
        scopes=raw["scopes"],
        roles=raw["roles"],
        max_delegation=raw["max_delegation"],
        blocks=blocks,
    )


def find_keys(text: str) -> list[Found]:
    """Every Till API key and root key in ``text``, found by format and checksum alone."""
    return [Found(*found) for found in _till.find_keys(text)]


def redact(text: str) -> str:
    """``text`` with every key replaced by its redacted form, which keeps the prefix,
    environment and id: ``till_live_[redacted:AbCdEfGhIjKlMnOp]``."""
    return _till.redact(text)
