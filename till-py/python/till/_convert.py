"""Unit conversions between Python's time types and the whole seconds the core counts in."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta, timezone
from typing import overload

_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)
_SECOND = timedelta(seconds=1)


def seconds_at(value: datetime | int | None, name: str) -> int | None:
    """A point in time as seconds since the Unix epoch, rounded down.

    Accepts an aware ``datetime`` or an ``int``. A naive ``datetime`` names no point in time
    (its zone is unknown), so it is refused rather than guessed.
    """
    if value is None:
        return None
    if isinstance(value, datetime):
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError(f"{name} must be an aware datetime, such as one in timezone.utc")
        return (value - _EPOCH) // _SECOND
    return _int(value, name)


def seconds_of(value: timedelta | int | None, name: str) -> int | None:
    """A length of time as whole seconds, rounded down."""
    if value is None:
        return None
    if isinstance(value, timedelta):
        return value // _SECOND
    return _int(value, name)


@overload
def datetime_of(seconds: int) -> datetime: ...


@overload
def datetime_of(seconds: int | None) -> datetime | None: ...


def datetime_of(seconds: int | None) -> datetime | None:
    """Seconds since the Unix epoch as an aware UTC ``datetime``."""
    if seconds is None:
        return None
    return _EPOCH + timedelta(seconds=seconds)


def names(value: Iterable[str] | None, name: str) -> list[str] | None:
    """A list of scopes or roles. A lone ``str`` is refused: iterating it gives characters."""
    if value is None:
        return None
    if isinstance(value, (str, bytes)):
        raise TypeError(f"{name} is a list of strings, not a single string")
    return list(value)


def _int(value: object, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{name} must be an int or a datetime type, not {type(value).__name__}")
    return value
