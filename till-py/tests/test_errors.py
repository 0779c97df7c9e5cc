"""Each exception class, its code and number, and a real call that raises it."""

from __future__ import annotations

import pickle
from collections.abc import Callable

import pytest
import till
from conftest import assert_twins_fail, load, tampered_twins
from till import _till

NOW = 1_800_000_000
HOUR = 3600

# Class name in the package for each code of the core.
CLASS_NAMES = {
    "malformed": "Malformed",
    "bad_checksum": "BadChecksum",
    "too_large": "TooLarge",
    "unsupported_version": "UnsupportedVersion",
    "unknown_root_key": "UnknownRootKey",
    "invalid_signature": "InvalidSignature",
    "wrong_environment": "WrongEnvironment",
    "wrong_audience": "WrongAudience",
    "expired": "Expired",
    "not_yet_valid": "NotYetValid",
    "revoked": "Revoked",
    "insufficient_scope": "InsufficientScope",
    "delegation_limit": "DelegationLimit",
    "invalid_scope": "InvalidScope",
    "invalid_argument": "InvalidArgument",
    "scope_not_held": "ScopeNotHeld",
    "invalid_root_key": "InvalidRootKey",
    "duplicate_root_key": "DuplicateRootKey",
    "internal": "Internal",
    "invalid_policy": "InvalidPolicy",
    "exceeds_roles": "ExceedsRoles",
}


def test_every_core_code_has_its_class() -> None:
    codes = _till.error_codes()
    assert [number for _, number in codes] == list(range(1, len(codes) + 1))
    # The package may already know codes that a core it is built against has yet to gain.
    assert [code for code, _ in codes] == list(CLASS_NAMES)[: len(codes)]
    assert set(till._errors.BY_CODE) == set(CLASS_NAMES)
    numbers = [cls.number for cls in till._errors.ALL]
    assert numbers == list(range(1, len(numbers) + 1))
    for code, number in codes:
        cls = getattr(till, CLASS_NAMES[code])
        assert issubclass(cls, till.TillError) and cls is not till.TillError
        assert cls.code == code
        assert cls.number == number
        assert CLASS_NAMES[code] in till.__all__
        assert till._errors.BY_CODE[code] is cls


def test_classes_are_distinct() -> None:
    classes = [getattr(till, name) for name in CLASS_NAMES.values()]
    assert len(set(classes)) == len(classes)
    for a in classes:
        for b in classes:
            assert issubclass(a, b) == (a is b)


def _issuer_and_verifier() -> tuple[till.Keyring, till.Issuer, till.Verifier]:
    keyring = till.Keyring([till.RootKey.generate()])
    return keyring, till.Issuer(keyring), till.Verifier(keyring)


def _raise(code: str) -> Callable[[], object]:
    """A call that makes the core refuse with ``code``."""
    keyring, issuer, verifier = _issuer_and_verifier()
    key = issuer.mint(["users:read"], ttl=HOUR, now=NOW, max_delegation=1)
    text = key.expose_secret()
    twins = dict((c, t) for t, c in tampered_twins(text))
    vectors = {case["name"]: case for case in load("keys.json")["cases"]}
    root = till.RootKey.generate()
    policy = till.Policy({"roles": {"reader": {"scopes": ["users:read"]}}})
    calls: dict[str, Callable[[], object]] = {
        "malformed": lambda: verifier.verify("not a key", "users:read"),
        "bad_checksum": lambda: verifier.verify(twins["bad_checksum"], "users:read", now=NOW),
        "too_large": lambda: verifier.verify("till_live_" + "A" * 5000, "users:read"),
        "unsupported_version": lambda: verifier.verify(vectors["version_2"]["key"], "a:b"),
        "unknown_root_key": lambda: till.Verifier(till.Keyring([till.RootKey.generate()])).verify(
            key, "users:read", now=NOW
        ),
        "invalid_signature": lambda: verifier.verify(
            twins["invalid_signature"], "users:read", now=NOW
        ),
        "wrong_environment": lambda: till.Verifier(keyring, env="test").verify(
            key, "users:read", now=NOW
        ),
        "wrong_audience": lambda: till.Verifier(keyring, audience="billing-api").verify(
            key, "users:read", now=NOW
        ),
        "expired": lambda: verifier.verify(key, "users:read", now=NOW + HOUR),
        "not_yet_valid": lambda: verifier.verify(
            issuer.mint(["users:read"], ttl=HOUR, not_before=NOW + 60, now=NOW),
            "users:read",
            now=NOW,
        ),
        "revoked": lambda: till.Verifier(keyring, revoked={key.key_id}).verify(
            key, "users:read", now=NOW
        ),
        "insufficient_scope": lambda: verifier.verify(key, "users:write", now=NOW),
        "delegation_limit": lambda: till.attenuate(till.attenuate(key, now=NOW), now=NOW),
        "invalid_scope": lambda: verifier.verify(key, "Users:Read", now=NOW),
        "invalid_argument": lambda: issuer.mint([], ttl=HOUR),
        "scope_not_held": lambda: till.attenuate(key, scopes=["users:write"], now=NOW),
        "invalid_root_key": lambda: till.RootKey.from_text("tillroot_nope"),
        "duplicate_root_key": lambda: till.Keyring([root, till.RootKey.from_text(root.to_text())]),
        "invalid_policy": lambda: till.Policy({"roles": {"a": {"includes": ["a"]}}}),
        "exceeds_roles": lambda: till.Issuer(keyring, policy=policy).mint(
            ["users:write"], on_behalf_of=["reader"], ttl=HOUR
        ),
    }
    return calls[code]


# Internal needs a system without randomness.
PROVOKED = [code for code in CLASS_NAMES if code != "internal"]


@pytest.mark.parametrize("code", PROVOKED)
def test_each_code_is_raised_as_its_class(code: str) -> None:
    with pytest.raises(till.TillError) as refused:
        _raise(code)()
    error = refused.value
    assert type(error) is getattr(till, CLASS_NAMES[code])
    assert error.code == code
    assert error.number == dict(_till.error_codes())[code]
    assert error.message == str(error) and error.message


def test_internal_is_declared_even_though_no_call_can_provoke_it() -> None:
    # Only a system without randomness makes the core fail internally.
    assert till.Internal.code == "internal" and till.Internal.number == 19
    assert issubclass(till.Internal, till.TillError)


def test_insufficient_scope_lists_what_is_missing_in_request_order() -> None:
    _, issuer, verifier = _issuer_and_verifier()
    key = issuer.mint(["a:read", "c:read"], ttl=HOUR)
    with pytest.raises(till.InsufficientScope) as refused:
        verifier.verify(key, all_of=["d:read", "a:read", "b:read"])
    assert refused.value.missing == ("d:read", "b:read")

    with pytest.raises(till.InsufficientScope) as refused:
        verifier.verify(key, any_of=["x:read", "y:read"])
    assert refused.value.missing == ("x:read", "y:read")

    assert verifier.verify(key, any_of=["x:read", "c:read"]).scopes == ("a:read", "c:read")
    assert_twins_fail(lambda twin: verifier.verify(twin, any_of=["c:read"]), key.expose_secret())


def test_exceptions_survive_pickling() -> None:
    _, issuer, verifier = _issuer_and_verifier()
    key = issuer.mint(["a:read"], ttl=HOUR)
    with pytest.raises(till.InsufficientScope) as refused:
        verifier.verify(key, "b:read")
    copy = pickle.loads(pickle.dumps(refused.value))
    assert type(copy) is till.InsufficientScope
    assert (copy.code, copy.missing, str(copy)) == (
        "insufficient_scope",
        ("b:read",),
        str(refused.value),
    )


def test_raised_exceptions_match_those_built_in_python() -> None:
    """What the compiled module raises has the shape the classes' constructors give."""
    keyring, issuer, verifier = _issuer_and_verifier()
    key = issuer.mint(["a:read"], ttl=HOUR)
    with pytest.raises(till.InsufficientScope) as refused:
        verifier.verify(key, all_of=["c:read", "a:read", "b:read"])
    raised = refused.value
    built = till.InsufficientScope(raised.message, ["c:read", "b:read"])
    assert (raised.args, raised.missing) == (built.args, built.missing)
    assert raised.missing == ("c:read", "b:read") and isinstance(raised.missing, tuple)
    assert "c:read" in raised.message and "b:read" in raised.message
    assert_twins_fail(lambda twin: verifier.verify(twin, "a:read"), key.expose_secret())

    policy = till.Policy({"roles": {"reader": {"scopes": ["a:read"]}}})
    with pytest.raises(till.ExceedsRoles) as exceeded:
        till.Issuer(keyring, policy=policy).mint(
            ["b:write", "a:read", "a:write"], on_behalf_of=["reader"], ttl=HOUR
        )
    beyond = exceeded.value
    assert beyond.beyond == ("a:write", "b:write") and isinstance(beyond.beyond, tuple)
    assert beyond.args == till.ExceedsRoles(beyond.message, beyond.beyond).args
    copy = pickle.loads(pickle.dumps(beyond))
    assert (type(copy), copy.beyond, str(copy)) == (till.ExceedsRoles, beyond.beyond, str(beyond))

    with pytest.raises(till.BadChecksum) as mistyped:
        verifier.verify(tampered_twins(key.expose_secret())[0][0], "a:read")
    assert mistyped.value.args == (mistyped.value.message,)
    assert till.BadChecksum("text").args == ("text",)


def test_api_misuse_is_a_type_error_not_a_till_error() -> None:
    _, issuer, verifier = _issuer_and_verifier()
    key = issuer.mint(["a:read"], ttl=HOUR)
    with pytest.raises(TypeError, match="exactly one of scope"):
        verifier.verify(key)
    with pytest.raises(TypeError, match="exactly one of scope"):
        verifier.verify(key, "a:read", any_of=["a:read"])
    with pytest.raises(TypeError, match="exactly one of ttl"):
        issuer.mint(["a:read"])
    with pytest.raises(TypeError, match="exactly one of ttl"):
        issuer.mint(["a:read"], ttl=1, never_expires=True)
    with pytest.raises(TypeError, match="not a single string"):
        issuer.mint("a:read", ttl=1)
    with pytest.raises(TypeError):
        till.Verifier(till.Keyring([till.RootKey.generate()]), revoked=42)  # type: ignore[arg-type]
