"""Requests built once: the same outcomes as scopes given as strings, and their own rules."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest
import till
from conftest import assert_twins_fail

NOW = 1_800_000_000


@pytest.fixture()
def setup() -> tuple[till.Verifier, till.ApiKey]:
    keyring = till.Keyring([till.RootKey.generate()])
    key = till.Issuer(keyring).mint(["repo/acme/*:read", "users:read"], ttl=3600, now=NOW)
    return till.Verifier(keyring), key


def test_a_request_grants_what_its_string_grants(setup: tuple[till.Verifier, till.ApiKey]) -> None:
    verifier, key = setup
    request = till.Request("repo/acme/api:read")
    grant = verifier.verify(key, request, now=NOW)
    assert grant == verifier.verify(key, "repo/acme/api:read", now=NOW)
    assert grant.scopes == ("repo/acme/*:read", "users:read")
    # The same object serves every call, and every form of key.
    text = key.expose_secret()
    forms: list[till.KeyText] = [text, text.encode(), bytearray(text.encode())]
    for form in [*forms, memoryview(text.encode())]:
        assert verifier.verify(form, request, now=NOW) == grant
    assert_twins_fail(lambda twin: verifier.verify(twin, request, now=NOW), text)
    with pytest.raises(till.InsufficientScope) as refused:
        verifier.verify(key, till.Request("repo/other/api:read"), now=NOW)
    assert refused.value.missing == ("repo/other/api:read",)


def test_all_of_and_any_of_requests(setup: tuple[till.Verifier, till.ApiKey]) -> None:
    verifier, key = setup
    both = till.Request.all_of(["users:read", "repo/acme/x:read"])
    assert verifier.verify(key, both, now=NOW) == verifier.verify(
        key, all_of=["users:read", "repo/acme/x:read"], now=NOW
    )
    assert_twins_fail(lambda twin: verifier.verify(twin, both, now=NOW), key.expose_secret())
    with pytest.raises(till.InsufficientScope) as refused:
        verifier.verify(key, till.Request.all_of(("users:read", "users:write")), now=NOW)
    assert refused.value.missing == ("users:write",)

    either = till.Request.any_of(iter(["users:write", "repo/acme/x:read"]))
    assert verifier.verify(key, either, now=NOW).key_id == key.key_id
    assert_twins_fail(lambda twin: verifier.verify(twin, either, now=NOW), key.expose_secret())
    with pytest.raises(till.InsufficientScope) as refused:
        verifier.verify(key, till.Request.any_of({"users:write"}), now=NOW)
    assert refused.value.missing == ("users:write",)


def test_a_request_is_checked_when_built() -> None:
    for bad in ["no-colon", "a:b:c", "Users:read", "a/../b:read", "a:read\udc80"]:
        with pytest.raises(till.InvalidScope) as refused:
            till.Request(bad)
        assert refused.value.code == "invalid_scope"
    with pytest.raises(till.InvalidScope):
        till.Request.all_of([])
    with pytest.raises(till.InvalidScope):
        till.Request.any_of([f"s{n}:read" for n in range(33)])
    with pytest.raises(TypeError, match="not a single string"):
        till.Request.all_of("users:read")
    with pytest.raises(TypeError):
        till.Request(42)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        till.Request.any_of([b"users:read"])  # type: ignore[list-item]


def test_request_values() -> None:
    one = till.Request("users:read")
    assert one.scopes == ("users:read",) and not one.is_any_of
    assert repr(one) == "till.Request('users:read')"
    both = till.Request.all_of(["b:read", "a:read"])
    assert both.scopes == ("b:read", "a:read")
    assert repr(both) == "till.Request.all_of(('b:read', 'a:read'))"
    either = till.Request.any_of(["a:read"])
    assert either.is_any_of
    assert repr(either) == "till.Request.any_of(('a:read',))"

    assert one == till.Request("users:read") == till.Request.all_of(["users:read"])
    assert hash(one) == hash(till.Request("users:read"))
    assert one != till.Request.any_of(["users:read"])
    assert both != till.Request.all_of(["a:read", "b:read"])
    assert one != "users:read"
    with pytest.raises(AttributeError):
        one.scopes = ("a:read",)  # type: ignore[misc]


def test_scope_arguments_of_the_wrong_kind(setup: tuple[till.Verifier, till.ApiKey]) -> None:
    verifier, key = setup
    with pytest.raises(TypeError, match=r"a scope is a str or a till\.Request, not int"):
        verifier.verify(key, 42)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"a scope is a str or a till\.Request, not list"):
        verifier.verify(key, ["users:read"])  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="exactly one of scope"):
        verifier.verify(key, till.Request("users:read"), all_of=["users:read"])
    with pytest.raises(TypeError, match="not a single string"):
        verifier.verify(key, any_of="users:read")
    # A scope UTF-8 cannot carry holds a character outside the scope alphabet.
    with pytest.raises(till.InvalidScope):
        verifier.verify(key, "users:read\ud800", now=NOW)


def test_now_in_every_accepted_form(setup: tuple[till.Verifier, till.ApiKey]) -> None:
    verifier, key = setup
    request = till.Request("users:read")
    expected = verifier.verify(key, request, now=NOW)
    at = datetime.fromtimestamp(NOW, timezone.utc)

    class Seconds(int):
        """An int subclass is still a number of seconds."""

    moments: list[datetime | int] = [NOW, at, Seconds(NOW)]
    for now in moments:
        assert verifier.verify(key, request, now=now) == expected
        assert verifier.authenticate(key, now=now) == expected
    with pytest.raises(till.Expired):
        verifier.verify(key, request, now=NOW + 3600)
    with pytest.raises(OverflowError):
        verifier.verify(key, request, now=1 << 64)
    for wrong in [True, 1.5, "1800000000"]:
        with pytest.raises(TypeError):
            verifier.verify(key, request, now=wrong)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="aware datetime"):
        verifier.authenticate(key, now=datetime(2030, 1, 1))


def test_a_long_key_checks_alike(setup: tuple[till.Verifier, till.ApiKey]) -> None:
    """A key long enough to be checked with the GIL released answers as a short one does."""
    verifier, key = setup
    long_key = key
    for n in range(8):
        long_key = till.attenuate(long_key, to=f"agent:{'x' * 50}-{n}", now=NOW)
    text = long_key.expose_secret()
    assert len(text) > 512
    request = till.Request("repo/acme/api:read")
    grant = verifier.verify(text, request, now=NOW)
    assert len(grant.chain) == 8 and grant.key_id == key.key_id
    assert verifier.verify(text.encode(), "repo/acme/api:read", now=NOW) == grant
    assert verifier.authenticate(long_key, now=NOW) == grant
    assert_twins_fail(lambda twin: verifier.verify(twin, request, now=NOW), text)
    with pytest.raises(till.InsufficientScope):
        verifier.verify(text, "users:write", now=NOW)


def test_scope_strings_in_any_order(setup: tuple[till.Verifier, till.ApiKey]) -> None:
    """Whatever scope strings came before, each call answers for its own."""
    verifier, key = setup
    granted, refused, invalid = "users:read", "users:write", "Users:read"
    built = "".join(["users", ":", "read"])  # equal text, another object
    sequence = [granted, granted, refused, granted, invalid, granted, built, refused, refused]
    for scope in sequence:
        if scope == granted:
            assert verifier.verify(key, scope, now=NOW).key_id == key.key_id
            assert_twins_fail(
                lambda twin: verifier.verify(twin, granted, now=NOW), key.expose_secret()
            )
        elif scope == refused:
            with pytest.raises(till.InsufficientScope) as missing:
                verifier.verify(key, scope, now=NOW)
            assert missing.value.missing == (refused,)
        else:
            with pytest.raises(till.InvalidScope):
                verifier.verify(key, scope, now=NOW)


def test_a_bad_scope_is_reported_before_the_other_arguments(
    setup: tuple[till.Verifier, till.ApiKey],
) -> None:
    verifier, key = setup
    revoking = till.Verifier(till.Keyring([till.RootKey.generate()]), revoked=set())
    bad_keys: list[object] = [123, "till_live_nope", key]
    bad_times: list[object] = [None, "x", 2**80, datetime(2027, 1, 1)]
    for checker in (verifier, revoking):
        for bad_key in bad_keys:
            for bad_now in bad_times:
                with pytest.raises(till.InvalidScope):
                    checker.verify(bad_key, "Users:read", now=bad_now)  # type: ignore[arg-type]
                with pytest.raises(till.InvalidScope):
                    checker.verify(
                        bad_key,  # type: ignore[arg-type]
                        all_of=["Users:read"],
                        now=bad_now,  # type: ignore[arg-type]
                    )
    # The twin: a good scope lets the other faults through.
    with pytest.raises(TypeError):
        verifier.verify(123, "users:read", now=NOW)  # type: ignore[arg-type]
    with pytest.raises((TypeError, ValueError)):
        verifier.verify(key, "users:read", now="x")  # type: ignore[arg-type]
