"""Keys given as str, bytes, bytearray, memoryview or ApiKey give the same results."""

from __future__ import annotations

import array
from collections.abc import Callable
from typing import Any

import pytest
import till
from conftest import assert_twins_fail, tampered_twins

NOW = 1_800_000_000


def forms(text: str) -> list[Any]:
    raw = text.encode("utf-8")
    return [text, raw, bytearray(raw), memoryview(raw), memoryview(bytearray(raw))]


@pytest.fixture()
def setup() -> tuple[till.Verifier, till.ApiKey]:
    keyring = till.Keyring([till.RootKey.generate()])
    key = till.Issuer(keyring).mint(["repo/acme/*:read"], ttl=3600, subject="bot", now=NOW)
    return till.Verifier(keyring), key


def outcome(call: Callable[[Any], object], key: Any) -> object:
    """What ``call(key)`` gives: a grant, a key's text, or the refusal's class, code and message."""
    try:
        answer = call(key)
    except till.TillError as refused:
        return (type(refused), refused.code, str(refused))
    return answer.expose_secret() if isinstance(answer, till.ApiKey) else answer


def test_every_form_gives_the_same_grant(setup: tuple[till.Verifier, till.ApiKey]) -> None:
    verifier, key = setup
    text = key.expose_secret()
    expected = verifier.verify(key, "repo/acme/api:read", now=NOW)
    for form in forms(text):
        assert verifier.verify(form, "repo/acme/api:read", now=NOW) == expected
        assert verifier.authenticate(form, now=NOW) == expected
        assert till.inspect(form) == till.inspect(key)
        narrowed = till.attenuate(form, to="agent:x", now=NOW)
        assert verifier.verify(narrowed, "repo/acme/api:read", now=NOW).chain[0].label == "agent:x"
    assert_twins_fail(lambda twin: verifier.verify(twin, "repo/acme/api:read", now=NOW), text)


def test_every_form_gives_the_same_refusal(setup: tuple[till.Verifier, till.ApiKey]) -> None:
    verifier, key = setup
    text = key.expose_secret()
    inputs = [text, text[:-1], "till_live_AAAA", "x" * 5000]
    inputs += [twin for twin, _ in tampered_twins(text)]

    def verify(key: Any) -> object:
        return verifier.verify(key, "repo/other/x:read", now=NOW)

    def attenuate(key: Any) -> object:
        return till.attenuate(key, to="agent:x", now=NOW)

    for candidate in inputs:
        refusals = [outcome(verify, form) for form in forms(candidate)]
        assert all(r == refusals[0] for r in refusals), candidate
        assert isinstance(refusals[0], tuple)
        attenuations = [outcome(attenuate, form) for form in forms(candidate)]
        assert all(a == attenuations[0] for a in attenuations), candidate
    assert outcome(attenuate, text) != outcome(attenuate, text[:-1])


def test_subclasses_of_str_and_bytes_are_keys(setup: tuple[till.Verifier, till.ApiKey]) -> None:
    verifier, key = setup

    class Text(str):
        pass

    class Raw(bytes):
        pass

    text = key.expose_secret()
    assert verifier.authenticate(Text(text), now=NOW).subject == "bot"
    assert verifier.authenticate(Raw(text.encode()), now=NOW).subject == "bot"
    assert_twins_fail(lambda twin: verifier.authenticate(Text(twin), now=NOW), text)
    assert_twins_fail(lambda twin: verifier.authenticate(Raw(twin.encode()), now=NOW), text)


def test_a_memoryview_of_other_items_is_read_as_its_bytes(
    setup: tuple[till.Verifier, till.ApiKey],
) -> None:
    verifier, key = setup
    items = array.array("B", key.expose_secret().encode())
    assert verifier.authenticate(memoryview(items), now=NOW).subject == "bot"

    def as_items(twin: str) -> object:
        return verifier.authenticate(memoryview(array.array("B", twin.encode())), now=NOW)

    assert_twins_fail(as_items, key.expose_secret())


@pytest.mark.parametrize("value", [None, 42, 4.2, ["till_live_x"], object(), {"k": "v"}])
def test_other_types_are_a_type_error(
    setup: tuple[till.Verifier, till.ApiKey], value: object
) -> None:
    verifier, _ = setup
    calls: list[Callable[[], object]] = [
        lambda: verifier.verify(value, "a:read"),  # type: ignore[arg-type]
        lambda: verifier.authenticate(value),  # type: ignore[arg-type]
        lambda: till.attenuate(value),  # type: ignore[arg-type]
        lambda: till.inspect(value),  # type: ignore[arg-type]
    ]
    for call in calls:
        with pytest.raises(TypeError, match="a key is str, bytes, bytearray, memoryview"):
            call()


@pytest.mark.parametrize(
    "raw",
    [
        b"\xff",
        b"till_live_\xff\xfe",
        b"till_live_AQAB\xc3\x28abc123",
        b"\x80" * 40,
        b"\xed\xa0\x80",
    ],
)
def test_bytes_that_are_not_utf8_are_malformed(
    setup: tuple[till.Verifier, till.ApiKey], raw: bytes
) -> None:
    verifier, _ = setup
    calls: list[Callable[[], object]] = [
        lambda: verifier.verify(raw, "a:read"),
        lambda: verifier.authenticate(bytearray(raw)),
        lambda: till.attenuate(memoryview(raw)),
        lambda: till.inspect(raw),
    ]
    for call in calls:
        with pytest.raises(till.Malformed) as refused:
            call()
        assert refused.value.code == "malformed"
        assert not isinstance(refused.value, UnicodeError)


def test_a_str_with_lone_surrogates_is_malformed(setup: tuple[till.Verifier, till.ApiKey]) -> None:
    verifier, key = setup
    text = key.expose_secret()
    for broken in ["\ud800", text[:20] + "\udcff" + text[21:]]:
        with pytest.raises(till.Malformed):
            verifier.verify(broken, "a:read")
        with pytest.raises(till.Malformed):
            till.attenuate(broken)
        with pytest.raises(till.Malformed):
            till.inspect(broken)


def test_an_oversized_key_is_refused_before_any_work(
    setup: tuple[till.Verifier, till.ApiKey],
) -> None:
    verifier, _ = setup
    for size in [4097, 1 << 20]:
        with pytest.raises(till.TooLarge):
            verifier.verify(b"a" * size, "a:read")
        with pytest.raises(till.TooLarge):
            verifier.verify("a" * size, "a:read")


def test_find_keys_and_redact_take_only_str() -> None:
    with pytest.raises(TypeError):
        till.find_keys(b"till_live_x")  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        till.redact(None)  # type: ignore[arg-type]


def test_scanning_text_with_surrogates_keeps_python_offsets(
    setup: tuple[till.Verifier, till.ApiKey],
) -> None:
    _, key = setup
    text = "\ud800é " + key.expose_secret() + " \udfff"
    [found] = till.find_keys(text)
    assert text[found.start : found.end] == key.expose_secret()
    assert till.redact(text) == "?é " + key.redacted + " ?"
