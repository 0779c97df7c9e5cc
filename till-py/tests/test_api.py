"""The Python surface: arguments, units, defaults and the values returned."""

from __future__ import annotations

import os
from datetime import datetime, timedelta, timezone
from typing import Any

import pytest
import till
from conftest import assert_twins_fail, tampered_twins, typo

NOW = 1_800_000_000
AT = datetime.fromtimestamp(NOW, timezone.utc)


@pytest.fixture()
def keyring() -> till.Keyring:
    return till.Keyring([till.RootKey.generate()])


def test_root_key_from_env(monkeypatch: pytest.MonkeyPatch) -> None:
    root = till.RootKey.generate()
    monkeypatch.setenv("TILL_ROOT_KEY", root.to_text() + "\n")
    monkeypatch.setenv("OTHER_ROOT", root.to_text())
    assert till.RootKey.from_env().id == root.id
    assert till.RootKey.from_env("OTHER_ROOT").id == root.id
    monkeypatch.delenv("TILL_ROOT_KEY")
    with pytest.raises(till.InvalidRootKey, match="not set"):
        till.RootKey.from_env()
    assert "TILL_ROOT_KEY" not in os.environ
    text = root.to_text()
    monkeypatch.setenv("TILL_ROOT_KEY", text[:-1] + ("A" if text[-1] != "A" else "B"))
    with pytest.raises(till.InvalidRootKey, match="checksum"):
        till.RootKey.from_env()


def test_root_key_text_that_is_not_utf8_is_invalid() -> None:
    text = till.RootKey.generate().to_text()
    with pytest.raises(till.InvalidRootKey):
        till.RootKey.from_text(text[:20] + "\udc80" + text[21:])
    with pytest.raises(TypeError):
        till.RootKey.from_text(text.encode())  # type: ignore[arg-type]


def test_keyring_order_rotation_and_rules() -> None:
    old, new = till.RootKey.generate(), till.RootKey.generate()
    old_key = till.Issuer(till.Keyring([old])).mint(["a:read"], ttl=60, now=NOW)
    keyring = till.Keyring((new, old))
    assert keyring.ids == (new.id, old.id)
    assert repr(keyring) == f"<till.Keyring ids={new.id},{old.id}>"
    new_key = till.Issuer(keyring).mint(["a:read"], ttl=60, now=NOW)
    verifier = till.Verifier(keyring)
    assert verifier.verify(new_key, "a:read", now=NOW).root_key_id == new.id
    assert verifier.verify(old_key, "a:read", now=NOW).root_key_id == old.id
    assert_twins_fail(
        lambda twin: verifier.verify(twin, "a:read", now=NOW), new_key.expose_secret()
    )
    assert_twins_fail(
        lambda twin: verifier.verify(twin, "a:read", now=NOW), old_key.expose_secret()
    )
    with pytest.raises(till.UnknownRootKey):
        till.Verifier(till.Keyring([new])).verify(old_key, "a:read", now=NOW)
    with pytest.raises(till.InvalidArgument):
        till.Keyring([])
    with pytest.raises(TypeError):
        till.Keyring([old.to_text()])  # type: ignore[list-item]


@pytest.mark.parametrize(
    "expiry",
    [
        {"ttl": 600},
        {"ttl": timedelta(minutes=10)},
        {"ttl": timedelta(minutes=10, microseconds=999_999)},
        {"expires_at": NOW + 600},
        {"expires_at": AT + timedelta(minutes=10)},
        {"expires_at": (AT + timedelta(minutes=10)).astimezone(timezone(timedelta(hours=-7)))},
    ],
)
def test_expiry_in_each_unit(keyring: till.Keyring, expiry: dict[str, Any]) -> None:
    key = till.Issuer(keyring).mint(["a:read"], **expiry, now=AT)
    verifier = till.Verifier(keyring)
    grant = verifier.verify(key, "a:read", now=NOW + 599)
    assert grant.expires_at == AT + timedelta(minutes=10)
    assert grant.expires_at is not None and grant.expires_at.tzinfo == timezone.utc
    with pytest.raises(till.Expired):
        verifier.verify(key, "a:read", now=NOW + 600)
    assert_twins_fail(lambda twin: verifier.verify(twin, "a:read", now=NOW), key.expose_secret())


def test_never_expires_and_not_before(keyring: till.Keyring) -> None:
    issuer = till.Issuer(keyring)
    key = issuer.mint(["a:read"], never_expires=True, not_before=AT + timedelta(hours=1), now=AT)
    verifier = till.Verifier(keyring)
    with pytest.raises(till.NotYetValid):
        verifier.verify(key, "a:read", now=AT)
    grant = verifier.verify(key, "a:read", now=AT + timedelta(days=365 * 100))
    assert grant.expires_at is None and grant.not_before == AT + timedelta(hours=1)
    assert till.Verifier(keyring, leeway=timedelta(hours=1)).verify(key, "a:read", now=AT)
    assert_twins_fail(
        lambda twin: verifier.verify(twin, "a:read", now=AT + timedelta(hours=2)),
        key.expose_secret(),
    )


def test_naive_datetimes_and_wrong_types_are_refused(keyring: till.Keyring) -> None:
    issuer = till.Issuer(keyring)
    verifier = till.Verifier(keyring)
    key = issuer.mint(["a:read"], ttl=60)
    with pytest.raises(ValueError, match="aware datetime"):
        issuer.mint(["a:read"], expires_at=datetime(2030, 1, 1))
    with pytest.raises(ValueError, match="aware datetime"):
        verifier.verify(key, "a:read", now=datetime.now())
    with pytest.raises(TypeError):
        issuer.mint(["a:read"], ttl=1.5)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        verifier.verify(key, "a:read", now=True)
    with pytest.raises(TypeError):
        till.Verifier(keyring, leeway="10")  # type: ignore[arg-type]


def test_out_of_range_numbers_are_invalid_arguments(keyring: till.Keyring) -> None:
    issuer = till.Issuer(keyring)
    key = issuer.mint(["a:read"], ttl=60)
    bad = [
        lambda: issuer.mint(["a:read"], ttl=-1),
        lambda: issuer.mint(["a:read"], ttl=timedelta(seconds=-1)),
        lambda: issuer.mint(["a:read"], ttl=60, max_delegation=9),
        lambda: issuer.mint(["a:read"], ttl=60, max_delegation=-1),
        lambda: issuer.mint(["a:read"], ttl=60, max_delegation=1 << 40),
        lambda: issuer.mint(["a:read"], expires_at=-5),
        lambda: issuer.mint(["a:read"], ttl=60, env="Live"),
        lambda: till.Issuer(keyring, prefix="t"),
        lambda: till.Verifier(keyring, leeway=86_401),
        lambda: till.Verifier(keyring, leeway=-1),
        lambda: till.Verifier(keyring, audience="has space"),
        lambda: till.Verifier(keyring, env="x" * 9),
        lambda: till.attenuate(key, ttl=-1),
        lambda: till.attenuate(key, max_delegation=300),
    ]
    for call in bad:
        with pytest.raises(till.InvalidArgument):
            call()


def test_every_claim_reaches_the_grant(keyring: till.Keyring) -> None:
    key = till.Issuer(keyring, prefix="acme").mint(
        ["svc/**:*"],
        ttl=60,
        subject="agent-9",
        audience="search-api",
        env="test",
        roles=["reader", "auditor"],
        max_delegation=2,
        now=NOW,
    )
    assert key.expose_secret().startswith("acme_test_")
    verifier = till.Verifier(keyring, env="test", audience="search-api", prefix="acme")
    grant = verifier.verify(key, "svc/a/b:write", now=NOW)
    assert (grant.prefix, grant.env, grant.audience, grant.subject) == (
        "acme",
        "test",
        "search-api",
        "agent-9",
    )
    assert set(grant.roles) == {"reader", "auditor"}
    with pytest.raises(till.Malformed):
        till.Verifier(keyring, env="test", audience="search-api").verify(key, "svc/a:x", now=NOW)
    with pytest.raises(till.WrongEnvironment):
        till.Verifier(keyring, audience="search-api", prefix="acme").verify(key, "svc/a:x", now=NOW)
    with pytest.raises(till.WrongAudience):
        till.Verifier(keyring, env="test", prefix="acme").verify(key, "svc/a:x", now=NOW)
    assert_twins_fail(lambda twin: verifier.verify(twin, "svc/a:x", now=NOW), key.expose_secret())

    one = till.attenuate(key, to="a", now=NOW)
    two = till.attenuate(one, to="b", max_delegation=0, now=NOW)
    assert [link.label for link in verifier.authenticate(two, now=NOW).chain] == ["a", "b"]
    with pytest.raises(till.DelegationLimit):
        till.attenuate(two, now=NOW)
    assert_twins_fail(lambda twin: verifier.authenticate(twin, now=NOW), two.expose_secret())


def test_grant_and_link_are_frozen_values(keyring: till.Keyring) -> None:
    key = till.Issuer(keyring).mint(["a:read"], ttl=60, now=NOW)
    verifier = till.Verifier(keyring)
    narrowed = till.attenuate(key, to="agent:x", now=NOW)
    assert_twins_fail(lambda twin: verifier.verify(twin, "a:read", now=NOW), key.expose_secret())
    grant = verifier.verify(narrowed, "a:read", now=NOW)
    assert grant == verifier.verify(narrowed, "a:read", now=NOW)
    with pytest.raises(AttributeError):
        grant.subject = "someone else"  # type: ignore[misc]
    assert grant != verifier.verify(key, "a:read", now=NOW) and grant != "grant"
    assert repr(grant).startswith(f"till.Grant(key_id='{grant.key_id}', root_key_id=")
    [link] = grant.chain
    block_id, label = link
    assert isinstance(link, till.Link) and link == (link.id, "agent:x")
    assert label == "agent:x" and len(block_id) == 16 and block_id != grant.key_id
    assert hash(grant) == hash(verifier.verify(narrowed, "a:read", now=NOW))
    assert_twins_fail(
        lambda twin: verifier.verify(twin, "a:read", now=NOW), narrowed.expose_secret()
    )


def test_without_now_the_system_clock_is_read(keyring: till.Keyring) -> None:
    issuer = till.Issuer(keyring)
    verifier = till.Verifier(keyring)
    fresh = issuer.mint(["a:read"], ttl=600)
    assert verifier.verify(fresh, "a:read").key_id == fresh.key_id
    stale = issuer.mint(["a:read"], ttl=600, now=datetime.now(timezone.utc) - timedelta(days=1))
    with pytest.raises(till.Expired):
        verifier.verify(stale, "a:read")
    issued = verifier.authenticate(fresh).issued_at
    assert abs(datetime.now(timezone.utc) - issued) < timedelta(days=1)
    assert_twins_fail(lambda twin: verifier.verify(twin, "a:read"), fresh.expose_secret())


def test_revocation_set_is_read_live_and_covers_the_chain(keyring: till.Keyring) -> None:
    key = till.Issuer(keyring).mint(["a:read"], ttl=600, now=NOW)
    child = till.attenuate(key, to="agent:c", now=NOW)
    grandchild = till.attenuate(child, to="agent:g", now=NOW)
    sibling = till.attenuate(key, to="agent:s", now=NOW)
    revoked: set[str] = set()
    verifier = till.Verifier(keyring, revoked=revoked)
    for k in [key, child, grandchild, sibling]:
        verifier.verify(k, "a:read", now=NOW)
        assert_twins_fail(lambda twin: verifier.verify(twin, "a:read", now=NOW), k.expose_secret())

    block = verifier.authenticate(child, now=NOW).chain[0].id
    revoked.add(block)
    assert verifier.verify(key, "a:read", now=NOW)
    assert verifier.verify(sibling, "a:read", now=NOW)
    for k in [child, grandchild]:
        with pytest.raises(till.Revoked):
            verifier.verify(k, "a:read", now=NOW)

    revoked.clear()
    revoked.add(key.key_id)
    for k in [key, child, grandchild, sibling]:
        with pytest.raises(till.Revoked):
            verifier.verify(k, "a:read", now=NOW)
    revoked.clear()
    assert verifier.verify(grandchild, "a:read", now=NOW)
    assert_twins_fail(
        lambda twin: verifier.verify(twin, "a:read", now=NOW), grandchild.expose_secret()
    )


def test_revocation_callable_sees_every_id_and_its_errors_propagate(keyring: till.Keyring) -> None:
    key = till.Issuer(keyring).mint(["a:read"], ttl=600, now=NOW)
    child = till.attenuate(key, to="agent:c", now=NOW)
    asked: list[str] = []

    def is_revoked(key_id: str) -> bool:
        asked.append(key_id)
        return False

    grant = till.Verifier(keyring, revoked=is_revoked).verify(child, "a:read", now=NOW)
    assert asked == [grant.key_id, grant.chain[0].id]

    def failing(key_id: str) -> bool:
        raise ConnectionError("revocation store unreachable")

    with pytest.raises(ConnectionError, match="unreachable"):
        till.Verifier(keyring, revoked=failing).verify(child, "a:read", now=NOW)

    # A key whose tag does not verify is refused before anyone is asked.
    asked.clear()
    [(typo, _), (forged, _)] = tampered_twins(child.expose_secret())
    for twin, refusal in [(typo, till.BadChecksum), (forged, till.InvalidSignature)]:
        with pytest.raises(refusal):
            till.Verifier(keyring, revoked=is_revoked).verify(twin, "a:read", now=NOW)
    assert asked == []


def test_inspect_reads_claims_without_verifying(keyring: till.Keyring) -> None:
    key = till.Issuer(keyring).mint(["b:read", "a:read"], ttl=60, subject="s", now=NOW)
    narrowed = till.attenuate(key, scopes=["a:read"], to="agent:x", ttl=30, now=NOW)
    claims = till.inspect(narrowed)
    assert isinstance(claims, till.Unverified)
    assert claims.scopes == ("a:read", "b:read") and claims.subject == "s"
    assert claims.issued_at == AT and claims.expires_at == AT + timedelta(seconds=60)
    assert claims.blocks == (
        till.UnverifiedBlock(
            expires_at=AT + timedelta(seconds=30),
            audience=None,
            label="agent:x",
            scopes=("a:read",),
            max_delegation=None,
        ),
    )
    # A key under an unknown root key still inspects: nothing is verified.
    foreign = till.Issuer(till.Keyring([till.RootKey.generate()])).mint(["z:read"], ttl=60)
    assert till.inspect(foreign).scopes == ("z:read",)
    with pytest.raises(till.BadChecksum):
        till.inspect(typo(key.expose_secret()))


def test_find_keys_and_redact(keyring: till.Keyring) -> None:
    root = till.RootKey.generate()
    key = till.Issuer(keyring).mint(["a:read"], ttl=60)
    text = f"é→ {key.expose_secret()} and {root.to_text()}."
    found = till.find_keys(text)
    assert [(f.kind, text[f.start : f.end], f.id) for f in found] == [
        ("api_key", key.expose_secret(), key.key_id),
        ("root_key", root.to_text(), root.id),
    ]
    assert till.redact(text) == f"é→ {key.redacted} and tillroot_[redacted:{root.id}]."
    assert till.find_keys("nothing here") == [] and till.redact("") == ""
