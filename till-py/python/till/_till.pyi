"""Stubs of the compiled module ``till._till``. Use the ``till`` package instead."""

from collections.abc import Callable, Container, Iterable, Mapping, Sequence
from datetime import datetime
from typing import NoReturn, TypedDict, final

from typing_extensions import Self, disjoint_base

from ._types import Link

__all__ = [
    "ApiKey",
    "Grant",
    "Issuer",
    "Keyring",
    "Policy",
    "Request",
    "RootKey",
    "Verifier",
    "__version__",
    "attenuate",
    "core_verify_ns",
    "error_codes",
    "find_keys",
    "inspect",
    "noop",
    "redact",
]

__version__: str

class _UnverifiedBlockDict(TypedDict):
    expires_at: int | None
    audience: str | None
    label: str | None
    scopes: tuple[str, ...] | None
    max_delegation: int | None

class _UnverifiedDict(TypedDict):
    prefix: str
    env: str
    version: int
    root_key_id: str
    key_id: str
    issued_at: int
    expires_at: int | None
    not_before: int | None
    subject: str | None
    audience: str | None
    scopes: tuple[str, ...]
    roles: tuple[str, ...]
    max_delegation: int | None
    blocks: list[_UnverifiedBlockDict]

@final
class RootKey:
    """A root secret, from which keys are minted and verified.

    ``repr()`` shows only its id; the secret leaves only through :meth:`to_text`.
    """

    @staticmethod
    def generate() -> RootKey:
        """A new root key from the system's random source."""

    @staticmethod
    def from_env(name: str = "TILL_ROOT_KEY") -> RootKey:
        """Reads a root key's text form from the environment variable ``name``."""

    @staticmethod
    def from_text(text: str) -> RootKey:
        """Reads a root key's text form, ``tillroot_...``; surrounding whitespace is ignored."""

    @property
    def id(self) -> str:
        """The key's id: four lowercase hex digits."""

    def to_text(self) -> str:
        """The text form of the key. It is the secret itself: store it like one."""

    def __reduce__(self) -> NoReturn: ...

@final
class Keyring:
    """The root keys a service trusts. The first one mints; all of them verify."""

    def __new__(cls, keys: Sequence[RootKey]) -> Keyring: ...
    @property
    def ids(self) -> tuple[str, ...]:
        """The ids of the keys, the minting key first."""

    def __reduce__(self) -> NoReturn: ...

@final
class ApiKey:
    """A minted or attenuated API key: a secret.

    ``str()`` and ``repr()`` show only its redacted form; the text is reached through
    :meth:`expose_secret`, and wiped from memory when the object is freed.
    """

    def expose_secret(self) -> str:
        """The key's text, to hand to its holder."""

    @property
    def key_id(self) -> str:
        """The id of the key this one was minted as or attenuated from."""

    @property
    def redacted(self) -> str:
        """The redacted form, such as ``till_live_[redacted:AbCdEfGhIjKlMnOp]``."""

    def __reduce__(self) -> NoReturn: ...

@final
class Grant:
    """What a verified key grants, and who holds it. Holds no secret.

    Frozen; equal to another grant that says the same. Times are aware UTC datetimes.
    """

    @property
    def key_id(self) -> str:
        """The id of the key, shared by every key attenuated from it."""

    @property
    def root_key_id(self) -> str:
        """The root key that minted the key."""

    @property
    def prefix(self) -> str:
        """The application prefix, ``till`` unless the issuer chose another."""

    @property
    def env(self) -> str:
        """The environment, such as ``live`` or ``test``."""

    @property
    def subject(self) -> str | None:
        """The user or agent the key was issued to."""

    @property
    def audience(self) -> str | None:
        """The audience the key is bound to, if any."""

    @property
    def scopes(self) -> tuple[str, ...]:
        """The effective scopes: every link's scopes intersected, in canonical order."""

    @property
    def roles(self) -> tuple[str, ...]:
        """The roles the key names, for the application's policy to resolve."""

    @property
    def issued_at(self) -> datetime:
        """When the key was minted."""

    @property
    def expires_at(self) -> datetime | None:
        """The first moment the key is no longer valid: the earliest expiry in the chain."""

    @property
    def not_before(self) -> datetime | None:
        """The first moment the key is valid, if it says."""

    @property
    def chain(self) -> tuple[Link, ...]:
        """The delegation chain, oldest block first."""

    def __eq__(self, value: object, /) -> bool: ...
    def __hash__(self) -> int: ...

@final
class Policy:
    """A role policy shared by the verifiers and issuers built with it.

    ``replace()`` puts another in force for all of them at once: the next check of every key,
    even one minted earlier, resolves its roles against the new policy.
    """

    def __new__(cls, definition: Mapping[str, object]) -> Policy:
        """A policy from a mapping such as ``{"roles": {"support": {"scopes": [...]}}}``;
        each role has ``scopes`` and ``includes`` (other roles), both optional.

        Raises :class:`till.InvalidPolicy`, naming the fault, for an include of a role that is
        not defined, roles that include each other in a cycle, a role name or scope that
        breaks the grammar, or a field that is not ``roles``, ``scopes`` or ``includes``.
        """

    @staticmethod
    def from_toml(text: str) -> Policy:
        """A policy from TOML text: a ``[roles.<name>]`` table per role, with ``scopes`` and
        ``includes``."""

    @staticmethod
    def from_json(text: str) -> Policy:
        """A policy from JSON text of the same shape as the mapping the constructor takes."""

    @property
    def roles(self) -> dict[str, tuple[str, ...]]:
        """Every role, by name in sorted order, with the scopes it allows, includes followed
        and reduced to the fewest patterns that say the same."""

    def replace(self, policy: Policy | Mapping[str, object]) -> None:
        """Puts ``policy`` (another ``Policy``, whose current roles are copied, or a
        definition) in force for every verifier and issuer built with this one. An invalid
        definition raises and leaves the policy in force unchanged."""

_Key = str | bytes | bytearray | memoryview | ApiKey

@final
class Issuer:
    def __new__(cls, keyring: Keyring, prefix: str, *, policy: Policy | None = None) -> Issuer: ...
    def mint(
        self,
        scopes: list[str] = ...,
        *,
        ttl: int | None = None,
        expires_at: int | None = None,
        never_expires: bool = False,
        subject: str | None = None,
        audience: str | None = None,
        env: str,
        not_before: int | None = None,
        max_delegation: int | None = None,
        roles: list[str] = ...,
        on_behalf_of: list[str] | None = None,
        now: int | None = None,
    ) -> ApiKey: ...

@disjoint_base
class Verifier:
    """The compiled verifier; :class:`till.Verifier` builds it with the defaults filled in."""

    def __new__(
        cls,
        keyring: Keyring,
        *,
        env: str,
        audience: str | None = None,
        leeway: int,
        revoked: Callable[[str], object] | Container[str] | None = None,
        prefix: str,
        policy: Policy | None = None,
    ) -> Self: ...
    def verify(
        self,
        key: _Key,
        scope: str | Request | None = None,
        *,
        all_of: Iterable[str] | None = None,
        any_of: Iterable[str] | None = None,
        now: datetime | int | None = None,
    ) -> Grant:
        """Verifies ``key`` and checks that it grants exactly one of: ``scope`` (a ``str`` or
        a :class:`Request`), every scope of ``all_of``, or at least one scope of ``any_of``.

        Raises a :class:`till.TillError` subclass when the key is refused; a key that is
        genuine but lacks a scope raises :class:`till.InsufficientScope`, whose ``missing``
        lists what was not granted. ``now`` (an aware ``datetime`` or seconds) replaces the
        system clock.
        """

    def authenticate(self, key: _Key, *, now: datetime | int | None = None) -> Grant:
        """Verifies ``key`` without asking for any scope: proves it genuine, current and not
        revoked, and returns what it grants. ``now`` replaces the system clock."""

@final
class Request:
    """What a caller asks a key to grant: one scope, all of several, or any of several.

    :meth:`Verifier.verify` parses a scope given as a string at every call; a handler that
    asks for the same thing every time can build its ``Request`` once and pass it instead.
    Frozen; equal to another request that asks the same, in the same order.
    """

    def __new__(cls, scope: str) -> Request:
        """A request for one scope. Raises :class:`till.InvalidScope` for a scope that breaks
        the grammar."""

    @staticmethod
    def all_of(scopes: Iterable[str]) -> Request:
        """A request that every one of ``scopes`` (1 to 32 of them) is granted."""

    @staticmethod
    def any_of(scopes: Iterable[str]) -> Request:
        """A request that at least one of ``scopes`` (1 to 32 of them) is granted."""

    @property
    def scopes(self) -> tuple[str, ...]:
        """The scopes asked for, in the order given."""

    @property
    def is_any_of(self) -> bool:
        """Whether any one of the scopes suffices."""

    def __eq__(self, value: object, /) -> bool: ...
    def __hash__(self) -> int: ...

def attenuate(
    key: _Key,
    *,
    scopes: list[str] | None = None,
    ttl: int | None = None,
    expires_at: int | None = None,
    audience: str | None = None,
    to: str | None = None,
    max_delegation: int | None = None,
    now: int | None = None,
) -> ApiKey: ...
def inspect(key: _Key) -> _UnverifiedDict: ...
def find_keys(text: str) -> list[tuple[str, int, int, str, str]]: ...
def redact(text: str) -> str: ...
def error_codes() -> list[tuple[str, int]]: ...
def noop() -> None: ...
def core_verify_ns(
    verifier: Verifier, key: _Key, request: Request, now: int, calls: int
) -> float: ...
