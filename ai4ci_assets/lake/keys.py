"""Object keys, built only from sanitized segments.

Untrusted names (job names, test names, dashboard names from an API) become key segments
through `key_segment`, which percent-encodes everything outside a small safe alphabet. The
mapping is injective, so two different names never share a key, and no result can be `.`,
`..`, contain `/`, or be empty: a segment can never leave its prefix.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import unicodedata
from urllib.parse import quote

from ai4ci_assets.errors import UnsafeKeyError

_SAFE = "-_=+,@."  # besides ASCII letters and digits
_MAX_SEGMENT_BYTES = 180  # S3 allows 1024 bytes a key; keep room for several segments
_PARTIAL_ESCAPE = re.compile(r"%[0-9A-F]?$")
_SOURCE_OR_ENTITY = re.compile(r"^[a-z][a-z0-9_]{0,63}$")


def key_segment(name: str) -> str:
    """Turn an untrusted name into one safe key segment (reversible unless truncated)."""
    if not isinstance(name, str) or name == "":
        raise UnsafeKeyError(f"empty or non-text key segment: {name!r}")
    normalized = unicodedata.normalize("NFC", name)
    encoded = quote(normalized, safe=_SAFE)
    # "." and ".." are directory names to a filesystem, and a leading dot hides a file.
    if encoded.startswith("."):
        encoded = encoded.replace(".", "%2E")
    if len(encoded) > _MAX_SEGMENT_BYTES:
        digest = hashlib.sha256(normalized.encode()).hexdigest()[:16]
        head = _PARTIAL_ESCAPE.sub("", encoded[: _MAX_SEGMENT_BYTES - 18])
        encoded = f"{head}--{digest}"
    return encoded


def join_key(*segments: str) -> str:
    """Join already-safe segments into a key; refuses anything that could escape."""
    for segment in segments:
        check_key(segment)
    return "/".join(segments)


def check_key(key: str) -> str:
    """Reject keys that are absolute, empty, or walk out of their prefix."""
    if not key or key.startswith("/") or "\\" in key or "\x00" in key:
        raise UnsafeKeyError(
            f"unsafe object key {key!r}", hint="build keys with ai4ci_assets.lake.keys"
        )
    parts = key.split("/")
    if any(part in ("", ".", "..") for part in parts):
        raise UnsafeKeyError(
            f"unsafe object key {key!r}: empty, '.' or '..' segment",
            hint="build keys with ai4ci_assets.lake.keys.key_segment",
        )
    return key


def raw_payload_key(source: str, entity: str, day: dt.date, payload: bytes) -> str:
    """`raw/<source>/<entity>/dt=YYYY-MM-DD/<sha256>.json.gz`, addressed by the payload."""
    for label, value in (("source", source), ("entity", entity)):
        if not _SOURCE_OR_ENTITY.match(value):
            raise UnsafeKeyError(
                f"{label} {value!r} must be a lower-case identifier",
                hint="sources and entities are fixed names in code, never API data",
            )
    digest = hashlib.sha256(payload).hexdigest()
    return join_key("raw", source, entity, f"dt={day.isoformat()}", f"{digest}.json.gz")
