"""Every case of every file in test-vectors/, minted by the Rust generator."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
import till
from conftest import EPOCH, assert_twins_fail, grant_data, load

KEYS = load("keys.json")
ATTENUATE = load("attenuate.json")
TEXT = load("text.json")
ROOT_KEYS = load("root_keys.json")
POLICIES = load("policies.json")
ROOT_TEXT = {root["id"]: root["text"] for root in KEYS["root_keys"]}
NOW = 1_800_000_000
REQUESTED = [case for case in KEYS["cases"] if case["request"]]

# The same key given in each form the functions accept.
FORMS: dict[str, Callable[[bytes], till.KeyText]] = {
    "str": lambda raw: raw.decode("utf-8"),
    "bytes": bytes,
    "bytearray": bytearray,
    "memoryview": memoryview,
}


def names(cases: list[dict[str, Any]]) -> list[str]:
    return [case["name"] for case in cases]


def key_bytes(case: dict[str, Any]) -> bytes:
    if "key_hex" in case:
        return bytes.fromhex(case["key_hex"])
    text: str = case["key"]
    return text.encode("utf-8")


def policy_of(settings: dict[str, Any]) -> till.Policy | None:
    """The case's role policy, if it has one."""
    definition = settings.get("policy")
    return None if definition is None else till.Policy(definition)


def build_verifier(case: dict[str, Any], revocation: str) -> till.Verifier:
    """The case's verifier. Revoked ids are consulted through a live set (or none at all when
    the list is empty, which takes the path without Python callbacks), or through a
    callable."""
    settings = case["verifier"]
    keyring = till.Keyring([till.RootKey.from_text(ROOT_TEXT[i]) for i in settings["root_keys"]])
    ids = set(settings["revoked"])
    revoked: till.Revocation | None = (
        (ids or None) if revocation == "container" else ids.__contains__
    )
    return till.Verifier(
        keyring,
        env=settings["env"],
        audience=settings["audience"],
        leeway=settings["leeway"],
        revoked=revoked,
        prefix=settings["prefix"],
        policy=policy_of(settings),
    )


def run(
    verifier: till.Verifier, key: till.KeyText, request: dict[str, Any] | None, now: Any
) -> till.Grant:
    if request is None:
        return verifier.authenticate(key, now=now)
    return verifier.verify(key, **request, now=now)


def check_outcome(case: dict[str, Any], outcome: till.Grant | till.TillError) -> None:
    expect = case["expect"]
    if "grant" in expect:
        assert isinstance(outcome, till.Grant), f"refused: {outcome!r}"
        assert grant_data(outcome) == expect["grant"]
    else:
        assert isinstance(outcome, till.TillError), f"accepted: {outcome!r}"
        assert outcome.code == expect["error"]
        assert type(outcome) is till._errors.BY_CODE[expect["error"]]
        if expect["error"] == "insufficient_scope":
            assert isinstance(outcome, till.InsufficientScope)
            assert list(outcome.missing) == expect["missing"]


def outcome_of(call: Callable[[], till.Grant]) -> till.Grant | till.TillError:
    try:
        return call()
    except till.TillError as refused:
        return refused


@pytest.mark.parametrize("revocation", ["container", "callable"])
@pytest.mark.parametrize("form", sorted(FORMS))
@pytest.mark.parametrize("case", KEYS["cases"], ids=names(KEYS["cases"]))
def test_keys(case: dict[str, Any], form: str, revocation: str) -> None:
    raw = key_bytes(case)
    if form == "str" and "key_hex" in case:
        pytest.skip("bytes that are not UTF-8 have no str form")
    verifier = build_verifier(case, revocation)
    key = FORMS[form](raw)
    check_outcome(case, outcome_of(lambda: run(verifier, key, case["request"], case["now"])))
    if "grant" in case["expect"]:
        text = raw.decode("utf-8")
        assert_twins_fail(lambda twin: run(verifier, twin, case["request"], case["now"]), text)


def prebuilt(request: dict[str, Any]) -> till.Request:
    """The case's request as a ``Request`` object."""
    if "scope" in request:
        return till.Request(request["scope"])
    if "all_of" in request:
        return till.Request.all_of(request["all_of"])
    return till.Request.any_of(request["any_of"])


@pytest.mark.parametrize("case", REQUESTED, ids=names(REQUESTED))
def test_keys_with_prebuilt_requests(case: dict[str, Any]) -> None:
    """A ``Request`` built once gives the same outcome as the scopes it was built from."""
    verifier = build_verifier(case, "container")
    key = key_bytes(case)
    request = case["request"]
    check_outcome(
        case, outcome_of(lambda: verifier.verify(key, prebuilt(request), now=case["now"]))
    )
    if "grant" in case["expect"]:
        built = prebuilt(request)
        text = key.decode("utf-8")
        assert_twins_fail(lambda twin: verifier.verify(twin, built, now=case["now"]), text)


@pytest.mark.parametrize("case", KEYS["cases"], ids=names(KEYS["cases"]))
def test_keys_with_datetimes(case: dict[str, Any]) -> None:
    """``now`` and ``leeway`` as datetime and timedelta give the same outcomes as ints."""
    settings = case["verifier"]
    verifier = till.Verifier(
        till.Keyring([till.RootKey.from_text(ROOT_TEXT[i]) for i in settings["root_keys"]]),
        env=settings["env"],
        audience=settings["audience"],
        leeway=timedelta(seconds=settings["leeway"]),
        revoked=frozenset(settings["revoked"]),
        prefix=settings["prefix"],
        policy=policy_of(settings),
    )
    try:
        now = EPOCH + timedelta(seconds=case["now"])
    except OverflowError:
        pytest.skip("the clock lies beyond what a datetime can hold")
    key = key_bytes(case)
    check_outcome(case, outcome_of(lambda: run(verifier, key, case["request"], now)))
    if "grant" in case["expect"]:
        text = key.decode("utf-8")
        assert_twins_fail(lambda twin: run(verifier, twin, case["request"], now), text)


def test_reference_case_is_present() -> None:
    assert "reference" in names(KEYS["cases"])


@pytest.mark.parametrize("form", sorted(FORMS))
@pytest.mark.parametrize("case", ATTENUATE["cases"], ids=names(ATTENUATE["cases"]))
def test_attenuate(case: dict[str, Any], form: str, vector_keyring: till.Keyring) -> None:
    block = case["attenuation"]
    key = FORMS[form](case["key"].encode("utf-8"))
    try:
        narrowed = till.attenuate(
            key,
            scopes=block["scopes"],
            ttl=block["ttl"],
            expires_at=block["expires_at"],
            audience=block["audience"],
            to=block["label"],
            max_delegation=block["max_delegation"],
            now=case["now"],
        )
    except till.TillError as refused:
        assert "error" in case["expect"], f"refused: {refused!r}"
        assert refused.code == case["expect"]["error"]
        return
    assert "key" in case["expect"], "accepted"
    text = narrowed.expose_secret()
    assert text == case["expect"]["key"]

    # The new key verifies under the vectors' root keys, and its twins do not.
    verifier = till.Verifier(vector_keyring, audience=block["audience"])
    grant = verifier.authenticate(narrowed, now=case["now"])
    assert grant.chain[-1].label == block["label"]
    assert narrowed.key_id == grant.key_id
    assert_twins_fail(lambda twin: verifier.authenticate(twin, now=case["now"]), text)


@pytest.mark.parametrize("case", TEXT["cases"], ids=names(TEXT["cases"]))
def test_text(case: dict[str, Any]) -> None:
    text: str = case["text"]
    found = till.find_keys(text)
    encoded = text.encode("utf-8")
    assert [
        {
            "kind": f.kind,
            "start": len(text[: f.start].encode("utf-8")),
            "end": len(text[: f.end].encode("utf-8")),
            "id": f.id,
        }
        for f in found
    ] == case["found"]
    for f, expected in zip(found, case["found"], strict=True):
        assert text[f.start : f.end] == encoded[expected["start"] : expected["end"]].decode()
        assert f.redacted in case["redacted"]
    assert till.redact(text) == case["redacted"]


@pytest.mark.parametrize("case", ROOT_KEYS["cases"], ids=names(ROOT_KEYS["cases"]))
def test_root_keys(case: dict[str, Any]) -> None:
    text: str = case["text"]
    if "error" in case["expect"]:
        with pytest.raises(till.InvalidRootKey) as refused:
            till.RootKey.from_text(text)
        assert refused.value.code == case["expect"]["error"] == "invalid_root_key"
        return
    root = till.RootKey.from_text(text)
    assert root.id == case["expect"]["id"]
    assert root.to_text() == text.strip()

    # The tampered twin: one character of the secret changed.
    at = len("tillroot_") + 20
    twin = text[:at] + ("A" if text[at] != "A" else "B") + text[at + 1 :]
    with pytest.raises(till.InvalidRootKey):
        till.RootKey.from_text(twin)


def test_role_cases_are_present() -> None:
    with_policy = [case for case in KEYS["cases"] if case["verifier"].get("policy")]
    assert len(with_policy) >= 4
    assert any("grant" in case["expect"] for case in with_policy)
    assert any("error" in case["expect"] for case in with_policy)


@pytest.mark.parametrize("case", POLICIES["cases"], ids=names(POLICIES["cases"]))
def test_policies(case: dict[str, Any]) -> None:
    expect = case["expect"]
    if "error" in expect:
        with pytest.raises(till.TillError) as refused:
            till.Policy(case["policy"])
        assert refused.value.code == expect["error"]
        assert type(refused.value) is till._errors.BY_CODE[expect["error"]]
        return
    roles = till.Policy(case["policy"]).roles
    assert {name: list(scopes) for name, scopes in roles.items()} == expect["roles"]
    assert list(roles) == sorted(expect["roles"])

    # The JSON text of the same definition makes the same policy.
    assert till.Policy.from_json(json.dumps(case["policy"])).roles == roles


@pytest.fixture(scope="module")
def mint_setup(vector_keyring: till.Keyring) -> tuple[till.Issuer, till.Verifier]:
    """An issuer and a verifier sharing the mint cases' policy."""
    policy = till.Policy(POLICIES["mint_policy"])
    issuer = till.Issuer(vector_keyring, policy=policy)
    return issuer, till.Verifier(vector_keyring, policy=policy)


@pytest.mark.parametrize("case", POLICIES["mint_cases"], ids=names(POLICIES["mint_cases"]))
def test_mint_on_behalf_of_roles(
    case: dict[str, Any], mint_setup: tuple[till.Issuer, till.Verifier]
) -> None:
    issuer, verifier = mint_setup
    expect = case["expect"]
    try:
        key = issuer.mint(
            case["scopes"],
            roles=case["roles"],
            on_behalf_of=case["on_behalf_of"],
            ttl=3600,
            now=NOW,
        )
    except till.TillError as refused:
        assert "error" in expect, f"refused: {refused!r}"
        assert refused.code == expect["error"]
        assert type(refused) is till._errors.BY_CODE[expect["error"]]
        if expect["error"] == "exceeds_roles":
            assert isinstance(refused, till.ExceedsRoles)
            assert list(refused.beyond) == expect["beyond"]
        return
    assert expect == {"ok": True}, "accepted"
    grant = verifier.authenticate(key, now=NOW)
    assert list(grant.roles) == case["roles"]
    assert grant.key_id == key.key_id
    assert_twins_fail(lambda twin: verifier.authenticate(twin, now=NOW), key.expose_secret())
