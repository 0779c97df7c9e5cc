"""The FastAPI and Flask examples, driven through each framework's test client."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import till
from conftest import tampered_twins, typo

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "examples"))

import fastapi_app
import flask_app

# (status, WWW-Authenticate header or None, JSON body)
Answer = tuple[int, str | None, Any]
Client = Callable[[str, str, dict[str, str]], Answer]


def fastapi_client(verifier: till.Verifier) -> Client:
    from fastapi.testclient import TestClient

    client = TestClient(fastapi_app.create_app(verifier))

    def call(method: str, path: str, headers: dict[str, str]) -> Answer:
        answer = client.request(method, path, headers=headers)
        return answer.status_code, answer.headers.get("WWW-Authenticate"), answer.json()

    return call


def flask_client(verifier: till.Verifier) -> Client:
    client = flask_app.create_app(verifier).test_client()

    def call(method: str, path: str, headers: dict[str, str]) -> Answer:
        answer = client.open(path, method=method, headers=headers)
        return answer.status_code, answer.headers.get("WWW-Authenticate"), answer.get_json()

    return call


@pytest.fixture(params=["fastapi", "flask"])
def service(request: pytest.FixtureRequest) -> tuple[Client, till.Issuer, till.Keyring]:
    keyring = till.Keyring([till.RootKey.generate()])
    verifier = till.Verifier(keyring)
    make = fastapi_client if request.param == "fastapi" else flask_client
    return make(verifier), till.Issuer(keyring), keyring


def bearer(key: str | till.ApiKey) -> dict[str, str]:
    text = key.expose_secret() if isinstance(key, till.ApiKey) else key
    return {"Authorization": f"Bearer {text}"}


def test_a_granted_key_gets_through(service: tuple[Client, till.Issuer, till.Keyring]) -> None:
    call, issuer, _ = service
    key = issuer.mint(["users:*"], ttl=600, subject="agent-7")
    assert call("GET", "/users", bearer(key)) == (200, None, {"caller": "agent-7"})
    lenient = {"authorization": f"bearer  {key.expose_secret()} "}
    assert call("POST", "/users", lenient) == (200, None, {"created_by": "agent-7"})
    for twin, _ in tampered_twins(key.expose_secret()):
        status, challenge, _ = call("GET", "/users", bearer(twin))
        assert (status, challenge) == (401, 'Bearer realm="till-example", error="invalid_token"')


def test_no_key_is_a_bare_challenge(service: tuple[Client, till.Issuer, till.Keyring]) -> None:
    call, _, _ = service
    for headers in [{}, {"Authorization": "Basic dXNlcjpwYXNz"}, {"Authorization": "Bearer "}]:
        status, challenge, _ = call("GET", "/users", headers)
        assert (status, challenge) == (401, 'Bearer realm="till-example"')


@pytest.mark.parametrize("kind", ["garbage", "expired", "foreign", "typo"])
def test_an_invalid_key_is_401_invalid_token(
    service: tuple[Client, till.Issuer, till.Keyring], kind: str
) -> None:
    call, issuer, _ = service
    keys = {
        "garbage": "till_live_nonsense",
        "expired": issuer.mint(["users:read"], ttl=1, now=1_000_000_000).expose_secret(),
        "foreign": till.Issuer(till.Keyring([till.RootKey.generate()]))
        .mint(["users:read"], ttl=600)
        .expose_secret(),
        "typo": typo(issuer.mint(["users:read"], ttl=600).expose_secret()),
    }
    status, challenge, body = call("GET", "/users", bearer(keys[kind]))
    assert (status, challenge) == (401, 'Bearer realm="till-example", error="invalid_token"')
    assert keys[kind][12:] not in str(body)


def test_a_key_without_the_scope_is_403(service: tuple[Client, till.Issuer, till.Keyring]) -> None:
    call, issuer, _ = service
    key = issuer.mint(["users:read"], ttl=600)
    assert call("GET", "/users", bearer(key))[0] == 200
    for twin, _ in tampered_twins(key.expose_secret()):
        assert call("GET", "/users", bearer(twin))[0] == 401
    status, challenge, _ = call("POST", "/users", bearer(key))
    assert status == 403
    assert challenge == (
        'Bearer realm="till-example", error="insufficient_scope", scope="users:write"'
    )
    narrowed = till.attenuate(key, scopes=["users:read"], to="agent:reader")
    assert call("GET", "/users", bearer(narrowed))[0] == 200
    assert call("POST", "/users", bearer(narrowed))[0] == 403
    for twin, _ in tampered_twins(narrowed.expose_secret()):
        assert call("GET", "/users", bearer(twin))[0] == 401
