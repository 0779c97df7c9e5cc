"""The exceptions Till raises: one class per stable error code.

Every class carries the code's string (``code``) and number (``number``), the same in Rust,
Python, Node and C. Messages never contain a key or a secret.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, ClassVar


class TillError(Exception):
    """Root of every error Till raises; ``code`` says which one."""

    code: ClassVar[str]
    number: ClassVar[int]

    # Exception's own constructor keeps the message: no Python code runs when one is raised.
    if TYPE_CHECKING:

        def __init__(self, message: str) -> None: ...

    @property
    def message(self) -> str:
        """The core's explanation, safe to log."""
        return str(self.args[0])


class Malformed(TillError):
    """The text is not a well-formed key of this format."""

    code = "malformed"
    number = 1


class BadChecksum(TillError):
    """The checksum at the end of the key does not match: mistyped, truncated or altered."""

    code = "bad_checksum"
    number = 2


class TooLarge(TillError):
    """The key exceeds a documented limit."""

    code = "too_large"
    number = 3


class UnsupportedVersion(TillError):
    """The key states a format version this library does not know."""

    code = "unsupported_version"
    number = 4


class UnknownRootKey(TillError):
    """The key names a root key that the keyring does not hold."""

    code = "unknown_root_key"
    number = 5


class InvalidSignature(TillError):
    """The key's tag is wrong: forged, altered, or minted under another secret."""

    code = "invalid_signature"
    number = 6


class WrongEnvironment(TillError):
    """The key was minted for another environment."""

    code = "wrong_environment"
    number = 7


class WrongAudience(TillError):
    """The key was minted for another audience, or states none where one is required."""

    code = "wrong_audience"
    number = 8


class Expired(TillError):
    """The key has expired."""

    code = "expired"
    number = 9


class NotYetValid(TillError):
    """The key is not valid yet."""

    code = "not_yet_valid"
    number = 10


class Revoked(TillError):
    """The key, or a key it was attenuated from, has been revoked."""

    code = "revoked"
    number = 11


class InsufficientScope(TillError):
    """The key is valid but does not grant what was asked.

    ``missing`` holds the requested scopes that were not granted, in request order.
    """

    code = "insufficient_scope"
    number = 12

    # For Python callers: the compiled module builds the exception with
    # BaseException.__new__ and sets ``missing`` itself, without running this.
    def __init__(self, message: str, missing: Iterable[str] = ()) -> None:
        super().__init__(message)
        self.missing: tuple[str, ...] = tuple(missing)

    def __reduce__(self) -> tuple[type[InsufficientScope], tuple[str, tuple[str, ...]]]:
        return (type(self), (self.message, self.missing))


class DelegationLimit(TillError):
    """The key carries more attenuation blocks than one of its links allows."""

    code = "delegation_limit"
    number = 13


class InvalidScope(TillError):
    """A scope or request does not follow the scope grammar."""

    code = "invalid_scope"
    number = 14


class InvalidArgument(TillError):
    """An argument is out of range or badly formed."""

    code = "invalid_argument"
    number = 15


class ScopeNotHeld(TillError):
    """Attenuation asked for a scope the key does not hold."""

    code = "scope_not_held"
    number = 16


class InvalidRootKey(TillError):
    """A root key's text is not valid, or the environment variable holding it is not set."""

    code = "invalid_root_key"
    number = 17


class DuplicateRootKey(TillError):
    """A keyring was given two root keys with the same id."""

    code = "duplicate_root_key"
    number = 18


class Internal(TillError):
    """The system failed in a way the caller cannot fix (no randomness, for instance)."""

    code = "internal"
    number = 19


class InvalidPolicy(TillError):
    """A role policy names an unknown role, includes roles in a cycle, or breaks the grammar."""

    code = "invalid_policy"
    number = 20


class ExceedsRoles(TillError):
    """Minting on behalf of roles asked for more than those roles allow.

    ``beyond`` holds the scopes that no scope of those roles covers, sorted: the key's own
    scopes and those of the roles it would carry.
    """

    code = "exceeds_roles"
    number = 21

    # For Python callers: the compiled module builds the exception with
    # BaseException.__new__ and sets ``beyond`` itself, without running this.
    def __init__(self, message: str, beyond: Iterable[str] = ()) -> None:
        super().__init__(message)
        self.beyond: tuple[str, ...] = tuple(beyond)

    def __reduce__(self) -> tuple[type[ExceedsRoles], tuple[str, tuple[str, ...]]]:
        return (type(self), (self.message, self.beyond))


ALL: tuple[type[TillError], ...] = (
    Malformed,
    BadChecksum,
    TooLarge,
    UnsupportedVersion,
    UnknownRootKey,
    InvalidSignature,
    WrongEnvironment,
    WrongAudience,
    Expired,
    NotYetValid,
    Revoked,
    InsufficientScope,
    DelegationLimit,
    InvalidScope,
    InvalidArgument,
    ScopeNotHeld,
    InvalidRootKey,
    DuplicateRootKey,
    Internal,
    InvalidPolicy,
    ExceedsRoles,
)

# The compiled module picks the class to raise from this table.
BY_CODE: dict[str, type[TillError]] = {cls.code: cls for cls in ALL}
