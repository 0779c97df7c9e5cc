"""Role policies: resolution at every verify, ceilings when minting, delegation limits."""

from __future__ import annotations

import json
import pickle
import re
from pathlib import Path
from typing import Any

import pytest
import till
from conftest import assert_twins_fail, load

NOW = 1_800_000_000

DESK: dict[str, Any] = {
    "roles": {
        "viewer": {"scopes": ["tickets:read"]},
        "support": {"scopes": ["tickets:write"], "includes": ["viewer"]},
        "lead": {"scopes": ["tickets:assign"], "includes": ["support"]},
    }
}

DESK_TOML = """
[roles.viewer]
scopes = ["tickets:read"]

[roles.support]
scopes = ["tickets:write"]
includes = ["viewer"]

[roles.lead]
scopes = ["tickets:assign"]
includes = ["support"]
"""


def test_policy_resolves_includes_in_every_form() -> None:
    policy = till.Policy(DESK)
    assert policy.roles == {
        "lead": ("tickets:assign", "tickets:read", "tickets:write"),
        "support": ("tickets:read", "tickets:write"),
        "viewer": ("tickets:read",),
    }
    assert till.Policy.from_toml(DESK_TOML).roles == policy.roles
    assert till.Policy.from_json(json.dumps(DESK)).roles == policy.roles
    assert repr(policy) == "<till.Policy roles=lead,support,viewer>"
    assert till.Policy({}).roles == {} and till.Policy({"roles": {}}).roles == {}


def test_issuers_and_verifiers_show_the_policy_in_force(keyring: till.Keyring) -> None:
    policy = till.Policy(DESK)
    issuer = till.Issuer(keyring, policy=policy)
    verifier = till.Verifier(keyring, policy=policy)
    assert repr(issuer).endswith(", policy=<till.Policy roles=lead,support,viewer>)")
    policy.replace({"roles": {"viewer": {"scopes": ["tickets:read"]}}})
    for shown in [issuer, verifier]:
        assert repr(shown).endswith(", policy=<till.Policy roles=viewer>)")
    assert repr(till.Verifier(keyring)).endswith(", policy=None)")


def test_role_change_reaches_a_key_minted_earlier_at_the_next_verify(
    keyring: till.Keyring,
) -> None:
    policy = till.Policy(DESK)
    key = till.Issuer(keyring, policy=policy).mint(roles=["support"], ttl=3600, now=NOW)
    # Two verifiers built with the policy both see every change to it.
    verifiers = [till.Verifier(keyring, policy=policy) for _ in range(2)]
    for verifier in verifiers:
        grant = verifier.verify(key, "tickets:write", now=NOW)
        assert grant.scopes == ("tickets:read", "tickets:write")
        assert grant.roles == ("support",)
        assert_twins_fail(
            lambda twin, v=verifier: v.verify(twin, "tickets:write", now=NOW),
            key.expose_secret(),
        )

    # A permission taken from the role is gone from the key at once.
    policy.replace({"roles": {"support": {"scopes": ["tickets:read"]}}})
    for verifier in verifiers:
        with pytest.raises(till.InsufficientScope) as refused:
            verifier.verify(key, "tickets:write", now=NOW)
        assert refused.value.missing == ("tickets:write",)
        assert verifier.verify(key, "tickets:read", now=NOW).scopes == ("tickets:read",)

    # And one given to it reaches the key just as fast, here from another Policy object.
    policy.replace(till.Policy({"roles": {"support": {"scopes": ["tickets/**:*"]}}}))
    for verifier in verifiers:
        grant = verifier.verify(key, "tickets/42/notes:write", now=NOW)
        assert grant.scopes == ("tickets/**:*",)
    assert_twins_fail(
        lambda twin: verifiers[0].verify(twin, "tickets/42:read", now=NOW), key.expose_secret()
    )


def test_a_grant_keeps_the_policy_it_was_verified_under(keyring: till.Keyring) -> None:
    policy = till.Policy(DESK)
    key = till.Issuer(keyring).mint(roles=["support"], ttl=3600, now=NOW)
    verifier = till.Verifier(keyring, policy=policy)
    grant = verifier.authenticate(key, now=NOW)
    policy.replace({"roles": {}})
    assert grant.scopes == ("tickets:read", "tickets:write")
    assert verifier.authenticate(key, now=NOW).scopes == ()
    assert_twins_fail(lambda twin: verifier.authenticate(twin, now=NOW), key.expose_secret())


def test_a_role_missing_from_the_policy_grants_nothing(keyring: till.Keyring) -> None:
    # Minted without a policy, so that the issuer does not insist the roles exist.
    issuer = till.Issuer(keyring)
    key = issuer.mint(["kb:read"], roles=["ghost", "support"], ttl=3600, now=NOW)
    with_policy = till.Verifier(keyring, policy=till.Policy(DESK))
    grant = with_policy.verify(key, "tickets:write", now=NOW)
    assert grant.roles == ("ghost", "support")
    assert grant.scopes == ("kb:read", "tickets:read", "tickets:write")
    assert_twins_fail(
        lambda twin: with_policy.verify(twin, "tickets:write", now=NOW), key.expose_secret()
    )

    only_ghost = issuer.mint(roles=["ghost"], ttl=3600, now=NOW)
    for verifier in [with_policy, till.Verifier(keyring)]:
        with pytest.raises(till.InsufficientScope):
            verifier.verify(only_ghost, "tickets:read", now=NOW)
        # Genuine, so it authenticates; it grants nothing.
        assert verifier.authenticate(only_ghost, now=NOW).scopes == ()
    assert_twins_fail(
        lambda twin: with_policy.authenticate(twin, now=NOW), only_ghost.expose_secret()
    )

    # Without a policy, a role grants nothing and the key's own scopes still do.
    without = till.Verifier(keyring)
    with pytest.raises(till.InsufficientScope):
        without.verify(key, "tickets:read", now=NOW)
    assert without.verify(key, "kb:read", now=NOW).scopes == ("kb:read",)


def test_exceeds_roles_names_the_scopes_beyond(keyring: till.Keyring) -> None:
    issuer = till.Issuer(keyring, policy=till.Policy(DESK))
    with pytest.raises(till.ExceedsRoles) as refused:
        issuer.mint(
            ["tickets:read", "billing:read", "admin:*"],
            roles=["lead"],
            on_behalf_of=["support"],
            ttl=60,
            now=NOW,
        )
    error = refused.value
    assert error.beyond == ("admin:*", "billing:read", "tickets:assign")
    assert (error.code, error.number) == ("exceeds_roles", 21)
    assert "admin:* billing:read tickets:assign" in error.message

    copy = pickle.loads(pickle.dumps(error))
    assert type(copy) is till.ExceedsRoles
    assert (copy.beyond, str(copy)) == (error.beyond, str(error))

    # Within the roles, the same issuer mints, and the key verifies.
    key = issuer.mint(["tickets:read"], roles=["viewer"], on_behalf_of=["support"], ttl=60)
    verifier = till.Verifier(keyring, policy=till.Policy(DESK))
    assert verifier.verify(key, "tickets:read").roles == ("viewer",)
    assert_twins_fail(lambda twin: verifier.verify(twin, "tickets:read"), key.expose_secret())


def test_minting_checks_roles_against_the_issuers_policy(keyring: till.Keyring) -> None:
    policy = till.Policy(DESK)
    issuer = till.Issuer(keyring, policy=policy)
    with pytest.raises(till.InvalidPolicy, match="`ghost` is not defined"):
        issuer.mint(roles=["ghost"], ttl=60)
    with pytest.raises(till.InvalidArgument, match="needs a policy"):
        till.Issuer(keyring).mint(["tickets:read"], on_behalf_of=["viewer"], ttl=60)
    with pytest.raises(till.InvalidScope):
        issuer.mint(["tickets:read"], on_behalf_of=["Viewer"], ttl=60)

    # The ceiling follows the policy in force at the time of minting.
    issuer.mint(["tickets:write"], on_behalf_of=["support"], ttl=60)
    policy.replace({"roles": {"support": {"scopes": ["tickets:read"]}}})
    with pytest.raises(till.ExceedsRoles) as refused:
        issuer.mint(["tickets:write"], on_behalf_of=["support"], ttl=60)
    assert refused.value.beyond == ("tickets:write",)


def test_invalid_policy_names_the_fault() -> None:
    cycle = {
        "roles": {"a": {"includes": ["b"]}, "b": {"includes": ["c"]}, "c": {"includes": ["a"]}}
    }
    with pytest.raises(till.InvalidPolicy) as refused:
        till.Policy(cycle)
    assert refused.value.message == (
        "invalid policy: roles include each other in a cycle: a -> b -> c -> a"
    )
    assert (refused.value.code, refused.value.number) == ("invalid_policy", 20)

    faults = [
        ({"roles": {"a": {"includes": ["ghost"]}}}, "`ghost`"),
        ({"roles": {"a": {"scopes": ["Tickets:read"]}}}, "Tickets:read"),
        ({"roles": {"Admin": {}}}, "`Admin`"),
        ({"roles": {"a": {"scope": ["a:read"]}}}, "unknown field `scope`"),
        ({"rules": {}}, "unknown field `rules`"),
        ({"roles": {"a": {"scopes": "a:read"}}}, "expected a sequence"),
    ]
    for definition, named in faults:
        with pytest.raises(till.InvalidPolicy) as refused:
            till.Policy(definition)
        assert named in refused.value.message
        with pytest.raises(till.InvalidPolicy) as refused:
            till.Policy.from_json(json.dumps(definition))
        assert named in refused.value.message

    with pytest.raises(till.InvalidPolicy, match="TOML parse error"):
        till.Policy.from_toml("[roles.a\nscopes = []")
    with pytest.raises(till.InvalidPolicy, match="cycle: a -> a"):
        till.Policy.from_toml('[roles.a]\nincludes = ["a"]')
    with pytest.raises(till.InvalidPolicy):
        till.Policy.from_json("{")
    with pytest.raises(till.InvalidPolicy):
        till.Policy.from_json('{"roles": {"a": {"scopes": ["a:read"]}}}\udc80')


def test_an_invalid_replacement_leaves_the_policy_in_force(keyring: till.Keyring) -> None:
    policy = till.Policy(DESK)
    key = till.Issuer(keyring).mint(roles=["viewer"], ttl=60, now=NOW)
    verifier = till.Verifier(keyring, policy=policy)
    with pytest.raises(till.InvalidPolicy):
        policy.replace({"roles": {"viewer": {"includes": ["viewer"]}}})
    with pytest.raises(TypeError):
        policy.replace("viewer")  # type: ignore[arg-type]
    assert policy.roles == till.Policy(DESK).roles
    assert verifier.verify(key, "tickets:read", now=NOW).scopes == ("tickets:read",)
    assert_twins_fail(
        lambda twin: verifier.verify(twin, "tickets:read", now=NOW), key.expose_secret()
    )


def test_policy_arguments_of_the_wrong_type_are_type_errors(keyring: till.Keyring) -> None:
    with pytest.raises(TypeError, match="not str"):
        till.Policy("roles")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="not JSON serializable"):
        till.Policy({"roles": {"a": {"scopes": {"a:read"}}}})
    with pytest.raises(TypeError):
        till.Verifier(keyring, policy=DESK)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        till.Issuer(keyring, policy=DESK)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="not a single string"):
        till.Issuer(keyring).mint(["a:read"], on_behalf_of="viewer", ttl=60)
    looping: dict[str, Any] = {}
    looping["roles"] = looping
    with pytest.raises(ValueError, match="Circular reference"):
        till.Policy(looping)


def test_delegation_limits_at_attenuate_and_verify(keyring: till.Keyring) -> None:
    issuer = till.Issuer(keyring)
    verifier = till.Verifier(keyring)

    # The root's limit: one block, then no more.
    key = issuer.mint(["a:read"], ttl=60, max_delegation=1, now=NOW)
    once = till.attenuate(key, to="agent:one", now=NOW)
    assert verifier.verify(once, "a:read", now=NOW).chain[0].label == "agent:one"
    assert_twins_fail(lambda twin: verifier.verify(twin, "a:read", now=NOW), once.expose_secret())
    with pytest.raises(till.DelegationLimit):
        till.attenuate(once, to="agent:two", now=NOW)

    # A block's own limit, and zero meaning no further block at all.
    free = issuer.mint(["a:read"], ttl=60, now=NOW)
    capped = till.attenuate(free, to="agent:a", max_delegation=1, now=NOW)
    last = till.attenuate(capped, to="agent:b", now=NOW)
    assert till.inspect(capped).blocks[0].max_delegation == 1
    assert [link.label for link in verifier.authenticate(last, now=NOW).chain] == [
        "agent:a",
        "agent:b",
    ]
    assert_twins_fail(lambda twin: verifier.authenticate(twin, now=NOW), last.expose_secret())
    with pytest.raises(till.DelegationLimit):
        till.attenuate(last, now=NOW)
    sealed = issuer.mint(["a:read"], ttl=60, max_delegation=0, now=NOW)
    assert verifier.verify(sealed, "a:read", now=NOW).chain == ()
    assert_twins_fail(lambda twin: verifier.verify(twin, "a:read", now=NOW), sealed.expose_secret())
    with pytest.raises(till.DelegationLimit):
        till.attenuate(sealed, now=NOW)

    # Keys past a limit cannot be made by attenuating; the vectors hold some, written by
    # hand and signed, and the verifier refuses them.
    over = [
        case
        for case in load("keys.json")["cases"]
        if case["expect"].get("error") == "delegation_limit"
    ]
    assert over
    vector_keyring = till.Keyring(
        [till.RootKey.from_text(root["text"]) for root in load("keys.json")["root_keys"]]
    )
    for case in over:
        settings = case["verifier"]
        strict = till.Verifier(vector_keyring, env=settings["env"], prefix=settings["prefix"])
        with pytest.raises(till.DelegationLimit):
            strict.authenticate(case["key"], now=case["now"])


def test_the_readme_example_runs_as_written() -> None:
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```python\n(.*?)```", readme, re.S)
    [example] = [block for block in blocks if "Policy(" in block]
    *lines, last = example.strip().splitlines()
    assert last.startswith("verifier.verify(key") and "raises InsufficientScope" in last
    namespace: dict[str, Any] = {"till": till, "keyring": till.Keyring([till.RootKey.generate()])}
    exec("\n".join(lines), namespace)
    with pytest.raises(till.InsufficientScope) as refused:
        exec(last, namespace)
    assert refused.value.missing == ("tickets:write",)
    verifier: till.Verifier = namespace["verifier"]
    key: till.ApiKey = namespace["key"]
    assert verifier.verify(key, "tickets:read").roles == ("support",)
    assert_twins_fail(lambda twin: verifier.verify(twin, "tickets:read"), key.expose_secret())
