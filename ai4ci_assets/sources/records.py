"""Decoding API records: one error type that names what was wrong and where.

A `RecordError` is what ingestion quarantines with the raw key; its message is the reason.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any


class RecordError(ValueError):
    """A record does not have the shape its schema expects."""


def field(record: Mapping[str, Any], key: str, kind: type | tuple[type, ...], where: str) -> Any:
    """`record[key]`, checked to be of `kind` (pass `type(None)` in kind to allow null)."""
    if not isinstance(record, Mapping):
        raise RecordError(f"{where}: expected an object, got {type(record).__name__}")
    if key not in record:
        raise RecordError(f"{where}: missing field {key!r}")
    return checked(record[key], kind, f"{where}: field {key!r}")


def checked(value: Any, kind: type | tuple[type, ...], what: str) -> Any:
    """`value` if it is of `kind` (a bool is not an int here), else a RecordError on `what`."""
    kinds = kind if isinstance(kind, tuple) else (kind,)
    if (isinstance(value, bool) and bool not in kinds) or not isinstance(value, kinds):
        shown = repr(value)[:40]
        raise RecordError(f"{what} is {type(value).__name__} {shown}, expected {_names(kind)}")
    return value


def iso_utc(value: str | None, where: str) -> dt.datetime | None:
    """Parse `2016-05-17T09:44:44Z` (and offsets) to an aware UTC datetime."""
    if value is None:
        return None
    try:
        parsed = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except (TypeError, ValueError):
        raise RecordError(f"{where}: {value!r} is not an ISO 8601 time") from None
    if parsed.tzinfo is None:
        raise RecordError(f"{where}: {value!r} has no time zone")
    return parsed.astimezone(dt.UTC)


def epoch_utc(value: float, unit: str, where: str) -> dt.datetime:
    seconds = value / 1000 if unit == "ms" else value
    try:
        return dt.datetime.fromtimestamp(seconds, dt.UTC)
    except (OverflowError, OSError, ValueError):
        raise RecordError(f"{where}: {value!r} is not an epoch time in {unit}") from None


def _names(kind: type | tuple[type, ...]) -> str:
    kinds = kind if isinstance(kind, tuple) else (kind,)
    return " or ".join("null" if k is type(None) else k.__name__ for k in kinds)
