"""The whole public API used with the types a caller would write, for ``mypy --strict``.

test_typed_usage.py also runs it, so that what type-checks is known to work.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import till


def mint_and_check() -> list[str]:
    root: till.RootKey = till.RootKey.generate()
    same: till.RootKey = till.RootKey.from_text(root.to_text())
    keyring = till.Keyring([root, till.RootKey.generate()])
    ids: tuple[str, ...] = keyring.ids
    assert ids[0] == same.id

    issuer = till.Issuer(keyring, prefix="till")
    now = datetime(2027, 1, 1, tzinfo=timezone.utc)
    key: till.ApiKey = issuer.mint(
        ["repo/acme/*:read", "users:read"],
        ttl=timedelta(hours=1),
        subject="triage-bot",
        audience=None,
        env="live",
        not_before=None,
        max_delegation=3,
        roles=["reader"],
        now=now,
    )
    text: str = key.expose_secret()
    other = issuer.mint(["users:read"], expires_at=now + timedelta(minutes=5), now=now)
    forever = issuer.mint(["users:read"], never_expires=True, now=int(now.timestamp()))

    revoked: set[str] = set()

    def is_revoked(key_id: str) -> bool:
        return key_id in revoked

    verifier = till.Verifier(keyring, env="live", leeway=timedelta(seconds=5), revoked=revoked)
    by_callable = till.Verifier(keyring, audience=None, leeway=0, revoked=is_revoked)
    grant: till.Grant = verifier.verify(text, "repo/acme/api:read", now=now)
    grant = verifier.verify(text.encode(), all_of=["users:read"], now=now)
    grant = by_callable.verify(
        bytearray(text.encode()), any_of=["users:write", "users:read"], now=now
    )
    grant = verifier.authenticate(memoryview(text.encode()), now=now)
    expires: datetime | None = grant.expires_at
    assert expires is not None and grant.issued_at < expires

    narrowed = till.attenuate(
        key, scopes=["repo/acme/docs:read"], to="agent:summarizer", ttl=60, now=now
    )
    chain: tuple[till.Link, ...] = verifier.authenticate(narrowed, now=now).chain
    labels = [link.label for link in chain]

    try:
        verifier.verify(narrowed, scope="repo/acme/api:read", now=now)
    except till.InsufficientScope as refused:
        missing: tuple[str, ...] = refused.missing
        labels.extend(missing)
        code: str = refused.code
        number: int = refused.number
        assert (code, number) == ("insufficient_scope", 12)
    except till.TillError:
        raise

    claims: till.Unverified = till.inspect(other)
    blocks: tuple[till.UnverifiedBlock, ...] = till.inspect(narrowed).blocks
    found: list[till.Found] = till.find_keys(f"key={forever.expose_secret()}")
    clean: str = till.redact(f"key={text}")
    assert claims.key_id == other.key_id and len(blocks) == 1 and len(found) == 1
    assert text not in clean

    # Roles: a shared policy, resolved at every verify, and a ceiling when minting.
    policy = till.Policy({"roles": {"reader": {"scopes": ["repo/acme/*:read"]}}})
    same_policy = till.Policy.from_toml('[roles.reader]\nscopes = ["repo/acme/*:read"]\n')
    from_json = till.Policy.from_json('{"roles": {"reader": {"scopes": ["users:read"]}}}')
    resolved: dict[str, tuple[str, ...]] = policy.roles
    assert resolved == same_policy.roles != from_json.roles
    role_issuer = till.Issuer(keyring, policy=policy)
    role_key = role_issuer.mint(roles=["reader"], on_behalf_of=["reader"], ttl=60, now=now)
    role_verifier = till.Verifier(keyring, policy=policy)
    roles: tuple[str, ...] = role_verifier.verify(role_key, "repo/acme/x:read", now=now).roles
    policy.replace(from_json)
    policy.replace({"roles": {"reader": {"scopes": ["users:read"]}}})
    try:
        role_issuer.mint(["repo/acme/x:write"], on_behalf_of=["reader"], ttl=60, now=now)
    except till.ExceedsRoles as refused:
        beyond: tuple[str, ...] = refused.beyond
        labels.extend(roles + beyond)
    sealed = till.attenuate(role_key, max_delegation=0, now=now)
    try:
        till.attenuate(sealed, now=now)
    except till.DelegationLimit as refused:
        labels.append(refused.code)

    # A tampered copy of an accepted key is refused.
    typo = text[:-7] + ("B" if text[-7] == "A" else "A") + text[-6:]
    try:
        verifier.verify(typo, "repo/acme/api:read", now=now)
    except till.BadChecksum as refused:
        labels.append(refused.code)
    return [label or "" for label in labels]


if __name__ == "__main__":
    print(mint_and_check())
