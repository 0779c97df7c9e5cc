"""Runs the typed usage file, so that what mypy checks is also known to work."""

from __future__ import annotations

import typed_usage


def test_typed_usage_runs() -> None:
    labels = [
        "agent:summarizer",
        "repo/acme/api:read",
        "reader",
        "repo/acme/x:write",
        "delegation_limit",
        "bad_checksum",
    ]
    assert typed_usage.mint_and_check() == labels
