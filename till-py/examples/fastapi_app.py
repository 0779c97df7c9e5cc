"""A FastAPI service that checks Till keys with a dependency.

Each route names the scope it needs; the dependency answers as RFC 6750 asks:

- no key: ``401`` with ``WWW-Authenticate: Bearer realm="..."``;
- a key that is not genuine, current and unrevoked: ``401`` with ``error="invalid_token"``;
- a genuine key without the scope: ``403`` with ``error="insufficient_scope"`` and the scope.

Run it with ``TILL_ROOT_KEY=$(till init) uvicorn --factory fastapi_app:main``.

Annotations here are evaluated when the routes are defined (no ``from __future__ import
annotations``): FastAPI reads the dependencies from them.
"""

from collections.abc import Callable
from typing import Annotated

import till
from fastapi import Depends, FastAPI, HTTPException, Request

REALM = "till-example"


def challenge(error: str | None = None, scope: str | None = None) -> str:
    """The ``WWW-Authenticate`` value for a refusal."""
    params = [f'realm="{REALM}"']
    if error is not None:
        params.append(f'error="{error}"')
    if scope is not None:
        params.append(f'scope="{scope}"')
    return "Bearer " + ", ".join(params)


def bearer_key(request: Request) -> str | None:
    """The key of an ``Authorization: Bearer <key>`` header, if there is one."""
    header = request.headers.get("authorization", "")
    scheme, _, key = header.partition(" ")
    if scheme.lower() != "bearer" or not key.strip():
        return None
    return key.strip()


def requires(verifier: till.Verifier, scope: str) -> Callable[[Request], till.Grant]:
    """A dependency that lets a request through only with a key granting ``scope``."""
    wanted = till.Request(scope)  # parsed once, when the app is built

    def check(request: Request) -> till.Grant:
        key = bearer_key(request)
        if key is None:
            raise HTTPException(401, "a bearer key is required", {"WWW-Authenticate": challenge()})
        try:
            return verifier.verify(key, wanted)
        except till.InsufficientScope as refused:
            needed = " ".join(refused.missing)
            headers = {"WWW-Authenticate": challenge("insufficient_scope", needed)}
            raise HTTPException(403, refused.code, headers) from None
        except till.TillError as refused:
            headers = {"WWW-Authenticate": challenge("invalid_token")}
            raise HTTPException(401, refused.code, headers) from None

    return check


def create_app(verifier: till.Verifier) -> FastAPI:
    """The service, checking keys with ``verifier``."""
    app = FastAPI()

    readers = Annotated[till.Grant, Depends(requires(verifier, "users:read"))]
    writers = Annotated[till.Grant, Depends(requires(verifier, "users:write"))]

    @app.get("/users")
    def list_users(grant: readers) -> dict[str, str]:
        return {"caller": grant.subject or grant.key_id}

    @app.post("/users")
    def create_user(grant: writers) -> dict[str, str]:
        return {"created_by": grant.subject or grant.key_id}

    return app


def main() -> FastAPI:
    """The service with the root key from ``TILL_ROOT_KEY``."""
    return create_app(till.Verifier(till.Keyring([till.RootKey.from_env()])))
