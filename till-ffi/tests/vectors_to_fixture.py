"""Rewrites the JSON test vectors as a line-based fixture that the C tests read.

Each line is one record: a bare word naming it, then tokens separated by single spaces.

    -          null
    x<hex>     a string, its UTF-8 bytes (or a key_hex key's bytes) in hexadecimal
    i<digits>  an integer, possibly negative
    L<n>       a list: the n items (or n groups of items) follow as tokens
    word       a bare word: a request kind or an expectation

Records:

    rootkey ID TEXT
    verify NAME KEY ROOT_IDS(L) PREFIX ENV AUDIENCE LEEWAY POLICY(JSON or -) REVOKED(L) NOW
           REQUEST_KIND(none|scope|all_of|any_of) REQUEST_SCOPES(L) EXPECT
        EXPECT: grant KEY_ID ROOT_KEY_ID PREFIX ENV SUBJECT AUDIENCE SCOPES(L) ROLES(L)
                      ISSUED_AT EXPIRES_AT NOT_BEFORE CHAIN(L of ID LABEL pairs)
              | error CODE MISSING(L)
    attenuate NAME KEY NOW SCOPES(L or -) TTL EXPIRES_AT AUDIENCE LABEL MAX_DELEGATION EXPECT
        EXPECT: key TEXT | error CODE
    text NAME TEXT FOUND(L of KIND START END ID groups) REDACTED
    rootkeytext NAME TEXT EXPECT
        EXPECT: id ID | error CODE
    policy NAME POLICY(JSON) EXPECT
        EXPECT: roles ROLES(JSON) | error CODE
    mintpolicy POLICY(JSON)
    mint NAME ON_BEHALF_OF(L) ROLES(L) SCOPES(L) EXPECT
        EXPECT: ok | error CODE BEYOND(L)

JSON values are written compactly with sorted keys, so that the C tests can compare Till's
JSON output with them as text.

Every field of the schema is read, and a case with a field this script does not know makes
it fail, so that the fixture cannot silently drop part of a vector.

Usage: python3 vectors_to_fixture.py VECTOR_DIR OUTPUT_FILE
"""

import json
import sys
from pathlib import Path


def s(value):
    if value is None:
        return "-"
    if isinstance(value, bytes):
        return "x" + value.hex()
    if not isinstance(value, str):
        raise ValueError(f"expected a string, got {value!r}")
    return "x" + value.encode("utf-8").hex()


def i(value):
    if value is None:
        return "-"
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"expected an integer, got {value!r}")
    return f"i{value}"


def strings(values):
    if values is None:
        return "-"
    return " ".join([f"L{len(values)}"] + [s(v) for v in values])


def js(value):
    if value is None:
        return "-"
    return s(json.dumps(value, separators=(",", ":"), sort_keys=True))


def exact(obj, keys, where):
    if set(obj) != set(keys):
        raise ValueError(f"{where}: fields {sorted(obj)}, expected {sorted(keys)}")


def key_bytes(case):
    if "key_hex" in case:
        return bytes.fromhex(case["key_hex"])
    return case["key"].encode("utf-8")


def verify_records(data):
    exact(data, ["description", "root_keys", "cases"], "keys.json")
    for root in data["root_keys"]:
        exact(root, ["id", "text"], "root key")
        yield f"rootkey {s(root['id'])} {s(root['text'])}"
    for case in data["cases"]:
        name = case["name"]
        key_field = "key_hex" if "key_hex" in case else "key"
        exact(case, ["name", "comment", key_field, "verifier", "now", "request", "expect"], name)
        v = case["verifier"]
        exact(v, ["root_keys", "prefix", "env", "audience", "leeway", "policy", "revoked"], name)
        request = case["request"]
        if request is None:
            kind, scopes = "none", []
        else:
            (kind, value), = request.items()
            if kind not in ("scope", "all_of", "any_of"):
                raise ValueError(f"{name}: request {kind}")
            scopes = [value] if kind == "scope" else value
        fields = [
            "verify", s(name), s(key_bytes(case)), strings(v["root_keys"]), s(v["prefix"]),
            s(v["env"]), s(v["audience"]), i(v["leeway"]), js(v["policy"]), strings(v["revoked"]),
            i(case["now"]), kind, strings(scopes),
        ]
        expect = case["expect"]
        if "grant" in expect:
            exact(expect, ["grant"], name)
            g = expect["grant"]
            exact(g, ["key_id", "root_key_id", "prefix", "env", "subject", "audience", "scopes",
                      "roles", "issued_at", "expires_at", "not_before", "chain"], name)
            chain = [f"L{len(g['chain'])}"]
            for link in g["chain"]:
                exact(link, ["id", "label"], name)
                chain += [s(link["id"]), s(link["label"])]
            fields += [
                "grant", s(g["key_id"]), s(g["root_key_id"]), s(g["prefix"]), s(g["env"]),
                s(g["subject"]), s(g["audience"]), strings(g["scopes"]), strings(g["roles"]),
                i(g["issued_at"]), i(g["expires_at"]), i(g["not_before"]), " ".join(chain),
            ]
        else:
            allowed = ["error", "missing"] if "missing" in expect else ["error"]
            exact(expect, allowed, name)
            fields += ["error", s(expect["error"]), strings(expect.get("missing", []))]
        yield " ".join(fields)


def attenuate_records(data):
    exact(data, ["description", "cases"], "attenuate.json")
    for case in data["cases"]:
        name = case["name"]
        exact(case, ["name", "comment", "key", "now", "attenuation", "expect"], name)
        a = case["attenuation"]
        exact(a, ["scopes", "ttl", "expires_at", "audience", "label", "max_delegation"], name)
        fields = [
            "attenuate", s(name), s(case["key"]), i(case["now"]), strings(a["scopes"]),
            i(a["ttl"]), i(a["expires_at"]), s(a["audience"]), s(a["label"]),
            i(a["max_delegation"]),
        ]
        expect = case["expect"]
        (kind, value), = expect.items()
        if kind not in ("key", "error"):
            raise ValueError(f"{name}: expect {kind}")
        yield " ".join(fields + [kind, s(value)])


def text_records(data):
    exact(data, ["description", "cases"], "text.json")
    for case in data["cases"]:
        name = case["name"]
        exact(case, ["name", "comment", "text", "found", "redacted"], name)
        found = [f"L{len(case['found'])}"]
        for f in case["found"]:
            exact(f, ["kind", "start", "end", "id"], name)
            found += [s(f["kind"]), i(f["start"]), i(f["end"]), s(f["id"])]
        yield " ".join(["text", s(name), s(case["text"]), " ".join(found), s(case["redacted"])])


def root_key_records(data):
    exact(data, ["description", "cases"], "root_keys.json")
    for case in data["cases"]:
        name = case["name"]
        exact(case, ["name", "comment", "text", "expect"], name)
        (kind, value), = case["expect"].items()
        if kind not in ("id", "error"):
            raise ValueError(f"{name}: expect {kind}")
        yield " ".join(["rootkeytext", s(name), s(case["text"]), kind, s(value)])


def policy_records(data):
    exact(data, ["description", "cases", "mint_policy", "mint_cases"], "policies.json")
    for case in data["cases"]:
        name = case["name"]
        exact(case, ["name", "comment", "policy", "expect"], name)
        (kind, value), = case["expect"].items()
        if kind == "roles":
            yield " ".join(["policy", s(name), js(case["policy"]), "roles", js(value)])
        elif kind == "error":
            yield " ".join(["policy", s(name), js(case["policy"]), "error", s(value)])
        else:
            raise ValueError(f"{name}: expect {kind}")
    yield f"mintpolicy {js(data['mint_policy'])}"
    for case in data["mint_cases"]:
        name = case["name"]
        exact(case, ["name", "comment", "on_behalf_of", "roles", "scopes", "expect"], name)
        fields = ["mint", s(name), strings(case["on_behalf_of"]), strings(case["roles"]),
                  strings(case["scopes"])]
        expect = case["expect"]
        if "ok" in expect:
            exact(expect, ["ok"], name)
            if expect["ok"] is not True:
                raise ValueError(f"{name}: ok is {expect['ok']!r}")
            fields.append("ok")
        else:
            exact(expect, ["error", "beyond"] if "beyond" in expect else ["error"], name)
            fields += ["error", s(expect["error"]), strings(expect.get("beyond", []))]
        yield " ".join(fields)


def main():
    vectors, output = Path(sys.argv[1]), Path(sys.argv[2])
    load = lambda name: json.loads((vectors / name).read_text(encoding="utf-8"))
    lines = [
        *verify_records(load("keys.json")),
        *attenuate_records(load("attenuate.json")),
        *text_records(load("text.json")),
        *root_key_records(load("root_keys.json")),
        *policy_records(load("policies.json")),
    ]
    output.write_text("\n".join(lines) + "\n", encoding="ascii")


if __name__ == "__main__":
    main()
