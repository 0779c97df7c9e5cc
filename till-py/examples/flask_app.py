"""A Flask service that checks Till keys with a decorator.

``@requires(verifier, "users:read")`` lets a request through only with a key granting the
scope, and hands the view the verified :class:`till.Grant`. Refusals follow RFC 6750:

- no key: ``401`` with ``WWW-Authenticate: Bearer realm="..."``;
- a key that is not genuine, current and unrevoked: ``401`` with ``error="invalid_token"``;
- a genuine key without the scope: ``403`` with ``error="insufficient_scope"`` and the scope.

Run it with ``TILL_ROOT_KEY=$(till init) flask --app flask_app:main run``.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

import till
from flask import Flask, Response, jsonify, request
from flask.typing import ResponseReturnValue

REALM = "till-example"

View = Callable[..., ResponseReturnValue]


def challenge(error: str | None = None, scope: str | None = None) -> str:
    """The ``WWW-Authenticate`` value for a refusal."""
    params = [f'realm="{REALM}"']
    if error is not None:
        params.append(f'error="{error}"')
    if scope is not None:
        params.append(f'scope="{scope}"')
    return "Bearer " + ", ".join(params)


def refusal(status: int, code: str, www_authenticate: str) -> Response:
    response = jsonify({"error": code})
    response.status_code = status
    response.headers["WWW-Authenticate"] = www_authenticate
    return response


def bearer_key() -> str | None:
    """The key of the request's ``Authorization: Bearer <key>`` header, if there is one."""
    scheme, _, key = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not key.strip():
        return None
    return key.strip()


def requires(verifier: till.Verifier, scope: str) -> Callable[[View], View]:
    """A decorator passing the view a ``grant`` keyword argument for a key granting ``scope``."""
    wanted = till.Request(scope)  # parsed once, when the app is built

    def decorate(view: View) -> View:
        @functools.wraps(view)
        def checked(*args: Any, **kwargs: Any) -> ResponseReturnValue:
            key = bearer_key()
            if key is None:
                return refusal(401, "missing_token", challenge())
            try:
                grant = verifier.verify(key, wanted)
            except till.InsufficientScope as refused:
                needed = " ".join(refused.missing)
                return refusal(403, refused.code, challenge("insufficient_scope", needed))
            except till.TillError as refused:
                return refusal(401, refused.code, challenge("invalid_token"))
            return view(*args, grant=grant, **kwargs)

        return checked

    return decorate


def create_app(verifier: till.Verifier) -> Flask:
    """The service, checking keys with ``verifier``."""
    app = Flask(__name__)

    @app.get("/users")
    @requires(verifier, "users:read")
    def list_users(grant: till.Grant) -> dict[str, str]:
        return {"caller": grant.subject or grant.key_id}

    @app.post("/users")
    @requires(verifier, "users:write")
    def create_user(grant: till.Grant) -> dict[str, str]:
        return {"created_by": grant.subject or grant.key_id}

    return app


def main() -> Flask:
    """The service with the root key from ``TILL_ROOT_KEY``."""
    return create_app(till.Verifier(till.Keyring([till.RootKey.from_env()])))
