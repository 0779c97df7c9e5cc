"""Stubs of the compiled module ``till._till``. Use the ``till`` package instead."""

from typing import Callable, Container, TypedDict, final

__version__: str

GrantTuple = tuple[
    str,
    str,
    str,
    str,
    str | None,
    str | None,
    tuple[str, ...],
    tuple[str, ...],
    int,
    int | None,
    int | None,
    tuple[tuple[str, str | None], ...],
]

class UnverifiedBlockDict(TypedDict):
    expires_at: int | None
    audience: str | None
    label: str | None
    scopes: tuple[str, ...] | None
    max_delegation: int | None

class UnverifiedDict(TypedDict):
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
    blocks: list[UnverifiedBlockDict]

_Key = str | bytes | bytearray | memoryview | ApiKey

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

    def __reduce__(self) -> None: ...

@final
class Keyring:
    """The root keys a service trusts. The first one mints; all of them verify."""

    def __new__(cls, keys: list[RootKey] | tuple[RootKey, ...]) -> Keyring: ...
    @property
    def ids(self) -> tuple[str, ...]:
        """The ids of the keys, the minting key first."""

    def __reduce__(self) -> None: ...

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

    def __reduce__(self) -> None: ...

@final
class Issuer:
    def __new__(cls, keyring: Keyring, prefix: str = "till") -> Issuer: ...
    def mint(
        self,
        scopes: list[str] = ...,
        *,
        ttl: int | None = None,
        expires_at: int | None = None,
        never_expires: bool = False,
        subject: str | None = None,
        audience: str | None = None,
        env: str = "live",
        not_before: int | None = None,
        max_delegation: int | None = None,
        roles: list[str] = ...,
        now: int | None = None,
    ) -> ApiKey: ...

@final
class Verifier:
    def __new__(
        cls,
        keyring: Keyring,
        *,
        env: str = "live",
        audience: str | None = None,
        leeway: int = 0,
        revoked: Callable[[str], object] | Container[str] | None = None,
        prefix: str = "till",
    ) -> Verifier: ...
    def verify(
        self,
        key: _Key,
        *,
        scope: str | None = None,
        all_of: list[str] | None = None,
        any_of: list[str] | None = None,
        now: int | None = None,
    ) -> GrantTuple: ...
    def authenticate(self, key: _Key, *, now: int | None = None) -> GrantTuple: ...

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
def inspect(key: _Key) -> UnverifiedDict: ...
def find_keys(text: str) -> list[tuple[str, int, int, str, str]]: ...
def redact(text: str) -> str: ...
def error_codes() -> list[tuple[str, int]]: ...
def noop() -> None: ...
