"""Runs the uniffi-generated Python module against the built library: every vector, a
tampered twin for each accepted input, a revocation check written in Python and called from
several threads, the redaction of secrets in printed objects, and a chain whose effective
scopes multiply past the bound on listing them.

Usage: python3 uniffi_smoke.py GENERATED_DIR VECTOR_DIR
(GENERATED_DIR holds till.py and the shared library beside it.)
"""

import json
import sys
import threading
from pathlib import Path

sys.path.insert(0, sys.argv[1])
import till  # noqa: E402  (the generated module, found through the path set above)

VECTORS = Path(sys.argv[2])
NOW = 1800000000
failures = []
passed = 0


def check(cond, what):
    global passed
    if cond:
        passed += 1
    else:
        failures.append(what)


def tampered(text):
    at = len(text) // 2
    return text[:at] + ("B" if text[at] == "A" else "A") + text[at + 1:]


def outcome(call):
    """('ok', value) or ('error', TillError.Failed)."""
    try:
        return "ok", call()
    except till.TillError.Failed as e:
        return "error", e


def request_of(spec):
    if spec is None:
        return None
    (kind, value), = spec.items()
    return {
        "scope": lambda: till.Request.SCOPE(scope=value),
        "all_of": lambda: till.Request.ALL_OF(scopes=value),
        "any_of": lambda: till.Request.ANY_OF(scopes=value),
    }[kind]()


def grant_dict(g):
    return {
        "key_id": g.key_id(), "root_key_id": g.root_key_id(), "prefix": g.prefix(),
        "env": g.env(), "subject": g.subject(), "audience": g.audience(), "scopes": g.scopes(),
        "roles": g.roles(), "issued_at": g.issued_at(), "expires_at": g.expires_at(),
        "not_before": g.not_before(),
        "chain": [{"id": link.id, "label": link.label} for link in g.chain()],
    }


def policy_of(definition):
    roles = {name: till.RoleDefinition(scopes=role.get("scopes", []),
                                       includes=role.get("includes", []))
             for name, role in definition["roles"].items()}
    return till.Policy(roles)


def run_keys():
    data = json.loads((VECTORS / "keys.json").read_text())
    roots = {r["id"]: till.RootKey.from_text(r["text"]) for r in data["root_keys"]}
    skipped = 0
    for case in data["cases"]:
        name = "keys/" + case["name"]
        if "key_hex" in case:
            # A str cannot hold bytes that are not UTF-8; the C tests cover these cases.
            skipped += 1
            continue
        v = case["verifier"]

        def verify(key, case=case, v=v):
            keyring = till.Keyring([roots[i] for i in v["root_keys"]])
            revoked = till.RevocationList()
            for rid in v["revoked"]:
                revoked.revoke(rid)
            policy = policy_of(v["policy"]) if v["policy"] is not None else None
            options = till.VerifierOptions(prefix=v["prefix"], env=v["env"],
                                           audience=v["audience"], leeway=v["leeway"],
                                           policy=policy)
            verifier = till.Verifier.with_revocation_list(keyring, options, revoked)
            request = request_of(case["request"])
            if request is None:
                return verifier.authenticate(key, now=case["now"])
            return verifier.verify(key, request, now=case["now"])

        kind, value = outcome(lambda: verify(case["key"]))
        expect = case["expect"]
        if "grant" in expect:
            check(kind == "ok" and grant_dict(value) == expect["grant"], name)
            twin_kind, _ = outcome(lambda: verify(tampered(case["key"])))
            check(twin_kind == "error", name + " (tampered)")
        else:
            check(kind == "error" and value.code == expect["error"], name)
            if kind == "error":
                check(value.missing_scopes == expect.get("missing", []), name + " (missing)")
                secret = case["key"][-20:]
                check(len(secret) < 20 or secret not in str(value), name + " (message)")
    return skipped


def run_attenuate():
    data = json.loads((VECTORS / "attenuate.json").read_text())
    for case in data["cases"]:
        name = "attenuate/" + case["name"]
        a = case["attenuation"]
        restrictions = lambda: till.Attenuation(  # noqa: E731
            scopes=a["scopes"], ttl_seconds=a["ttl"], expires_at=a["expires_at"],
            audience=a["audience"], label=a["label"], max_delegation=a["max_delegation"])
        kind, value = outcome(lambda: till.attenuate(case["key"], restrictions(), now=case["now"]))
        if "key" in case["expect"]:
            check(kind == "ok" and value.text() == case["expect"]["key"], name)
            twin_kind, _ = outcome(
                lambda: till.attenuate(tampered(case["key"]), restrictions(), now=case["now"]))
            check(twin_kind == "error", name + " (tampered)")
        else:
            check(kind == "error" and value.code == case["expect"]["error"], name)


def run_text():
    data = json.loads((VECTORS / "text.json").read_text())
    for case in data["cases"]:
        name = "text/" + case["name"]
        found = [{"kind": f.kind, "start": f.start, "end": f.end, "id": f.id}
                 for f in till.find_keys(case["text"])]
        check(found == case["found"], name)
        check(till.redact(case["text"]) == case["redacted"], name + " (redact)")
        if case["found"]:
            raw = bytearray(case["text"].encode())
            for f in case["found"]:
                at = (f["start"] + f["end"]) // 2
                raw[at] = ord("B") if raw[at] == ord("A") else ord("A")
            twin = raw.decode()
            check(len(till.find_keys(twin)) < len(case["found"]), name + " (tampered)")


def run_root_keys():
    data = json.loads((VECTORS / "root_keys.json").read_text())
    for case in data["cases"]:
        name = "root_keys/" + case["name"]
        kind, value = outcome(lambda: till.RootKey.from_text(case["text"]))
        if "id" in case["expect"]:
            check(kind == "ok" and value.id() == case["expect"]["id"], name)
            check(case["text"][20:40] not in repr(value), name + " (repr)")
            twin_kind, _ = outcome(lambda: till.RootKey.from_text(tampered(case["text"])))
            check(twin_kind == "error", name + " (tampered)")
        else:
            check(kind == "error" and value.code == case["expect"]["error"], name)


def run_policies():
    data = json.loads((VECTORS / "policies.json").read_text())
    for case in data["cases"]:
        name = "policies/" + case["name"]
        kind, value = outcome(lambda: policy_of(case["policy"]))
        if "roles" in case["expect"]:
            check(kind == "ok" and value.roles() == case["expect"]["roles"], name)
        else:
            check(kind == "error" and value.code == case["expect"]["error"], name)
    policy = policy_of(data["mint_policy"])
    keyring = till.Keyring([till.RootKey.generate()])
    issuer = till.Issuer(keyring, policy=policy)
    verifier = till.Verifier(keyring, till.VerifierOptions())
    for case in data["mint_cases"]:
        name = "policies/mint/" + case["name"]
        claims = till.Claims(scopes=case["scopes"], expiry=till.Expiry.AFTER(seconds=3600),
                             roles=case["roles"], on_behalf_of=case["on_behalf_of"])
        kind, value = outcome(lambda: issuer.mint(claims, now=NOW))
        expect = case["expect"]
        if expect.get("ok"):
            check(kind == "ok", name)
            if kind == "ok":
                check(verifier.authenticate(value.text(), now=NOW).key_id() == value.key_id(), name)
                twin_kind, _ = outcome(
                    lambda: verifier.authenticate(tampered(value.text()), now=NOW))
                check(twin_kind == "error", name + " (tampered)")
        else:
            check(kind == "error" and value.code == expect["error"]
                  and value.beyond_scopes == expect.get("beyond", []), name)


class Revoked(till.RevocationCheck):
    """A revocation check written in Python; counts its calls across threads."""

    def __init__(self, revoked):
        self.revoked = set(revoked)
        self.calls = 0
        self.lock = threading.Lock()

    def is_revoked(self, id):
        with self.lock:
            self.calls += 1
        return id in self.revoked


def run_flow():
    keyring = till.Keyring([till.RootKey.generate()])
    issuer = till.Issuer(keyring)
    claims = till.Claims(scopes=["repo/acme/*:read"], expiry=till.Expiry.AFTER(seconds=3600),
                         subject="triage-bot")
    key = issuer.mint(claims, now=NOW)
    text = key.text()
    check(text not in str(key) and key.key_id() in str(key), "flow: str(key) is redacted")
    sub = till.attenuate(text, till.Attenuation(scopes=["repo/acme/docs:read"],
                                                label="agent:docs"), now=NOW)
    grant = till.Verifier(keyring, till.VerifierOptions()).verify(
        sub.text(), till.Request.SCOPE(scope="repo/acme/docs:read"), now=NOW)
    block = grant.chain()[0].id

    check_hook = Revoked([block])
    verifier = till.Verifier.with_revocation_check(keyring, till.VerifierOptions(), check_hook)
    results = []

    def worker():
        for _ in range(50):
            ok = verifier.verify(text, till.Request.SCOPE(scope="repo/acme/api:read"), now=NOW)
            kind, err = outcome(lambda: verifier.verify(
                sub.text(), till.Request.SCOPE(scope="repo/acme/docs:read"), now=NOW))
            results.append(ok.subject() == "triage-bot" and kind == "error"
                           and err.code == "revoked")

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    check(len(results) == 200 and all(results), "flow: threads share a verifier")
    # One call for the key, two for the sub-key (key id, then block id), per round.
    check(check_hook.calls == 200 * 3, "flow: the Python revocation check saw every id")

    kind, err = outcome(lambda: verifier.verify(
        text, till.Request.ALL_OF(scopes=["repo/acme/api:read", "repo/acme/api:write"]), now=NOW))
    check(kind == "error" and err.code == "insufficient_scope" and err.number == 12
          and err.missing_scopes == ["repo/acme/api:write"], "flow: missing scopes")
    check(json.loads(till.inspect(text))["subject"] == "triage-bot", "flow: inspect")
    check(grant.allows("repo/acme/docs:read") and not grant.allows("repo/acme/api:read"),
          "flow: allows")
    kind, err = outcome(lambda: grant.allows("repo/acme/docs"))
    check(kind == "error" and err.code == "invalid_scope", "flow: allows a malformed scope")


def run_multiplying_chain():
    """Eight blocks of twelve overlapping patterns under a root that names a role: listing
    the effective scopes runs out of work and lists none, while allows answers exactly."""
    keyring = till.Keyring([till.RootKey.generate()])
    claims = till.Claims(scopes=["**:*"], expiry=till.Expiry.AFTER(seconds=3600),
                         roles=["viewer"])
    text = till.Issuer(keyring).mint(claims, now=NOW).text()
    for depth in range(8):
        scopes = ["*/" * depth + f"{depth}{i:x}/**:read" for i in range(12)]
        text = till.attenuate(text, till.Attenuation(scopes=scopes), now=NOW).text()
    verifier = till.Verifier(keyring, till.VerifierOptions())
    grant = verifier.authenticate(text, now=NOW)
    check(grant.scopes() == [], "multiplying chain: no scopes listed past the bound")
    check(grant.allows("03/15/20/31/42/57/69/7b/x:read"), "multiplying chain: allows")
    check(not grant.allows("03/15/20/31/42/57/69/7c/x:read"), "multiplying chain: refuses")


def main():
    skipped = run_keys()
    run_attenuate()
    run_text()
    run_root_keys()
    run_policies()
    run_flow()
    run_multiplying_chain()
    for f in failures:
        print("FAIL", f)
    print(f"uniffi python: {passed} passed, {len(failures)} failed, {skipped} byte-only skipped")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
