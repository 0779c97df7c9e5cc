"""Scoped API keys that any holder can narrow offline and any service can verify in-process.

A service mints a key that says what its holder may do; the holder can attenuate it into a
weaker key for someone else, without any secret; and the service checks it with one call to
:meth:`Verifier.verify`, without a network round trip::

    import till

    keyring = till.Keyring([till.RootKey.from_env()])
    key = till.Issuer(keyring).mint(["repo/acme/*:read"], ttl=3600, subject="triage-bot")
    grant = till.Verifier(keyring).verify(key, "repo/acme/api:read")

Secrets never show in ``repr()`` or ``str()``: an :class:`ApiKey` prints as its redacted form
and gives its text only to :meth:`ApiKey.expose_secret`.
"""

from __future__ import annotations

from ._api import (
    Issuer,
    KeyText,
    Revocation,
    Verifier,
    attenuate,
    find_keys,
    inspect,
    redact,
)
from ._errors import (
    BadChecksum,
    DelegationLimit,
    DuplicateRootKey,
    ExceedsRoles,
    Expired,
    InsufficientScope,
    Internal,
    InvalidArgument,
    InvalidPolicy,
    InvalidRootKey,
    InvalidScope,
    InvalidSignature,
    Malformed,
    NotYetValid,
    Revoked,
    ScopeNotHeld,
    TillError,
    TooLarge,
    UnknownRootKey,
    UnsupportedVersion,
    WrongAudience,
    WrongEnvironment,
)
from ._till import ApiKey, Grant, Keyring, Policy, Request, RootKey, __version__
from ._types import Found, Link, Unverified, UnverifiedBlock

__all__ = [
    "ApiKey",
    "BadChecksum",
    "DelegationLimit",
    "DuplicateRootKey",
    "ExceedsRoles",
    "Expired",
    "Found",
    "Grant",
    "InsufficientScope",
    "Internal",
    "InvalidArgument",
    "InvalidPolicy",
    "InvalidRootKey",
    "InvalidScope",
    "InvalidSignature",
    "Issuer",
    "KeyText",
    "Keyring",
    "Link",
    "Malformed",
    "NotYetValid",
    "Policy",
    "Request",
    "Revocation",
    "Revoked",
    "RootKey",
    "ScopeNotHeld",
    "TillError",
    "TooLarge",
    "UnknownRootKey",
    "UnsupportedVersion",
    "Unverified",
    "UnverifiedBlock",
    "Verifier",
    "WrongAudience",
    "WrongEnvironment",
    "__version__",
    "attenuate",
    "find_keys",
    "inspect",
    "redact",
]
