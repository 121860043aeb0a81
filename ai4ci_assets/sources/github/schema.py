"""GitHub pull requests, files and reviews decoded; `Link` headers parsed."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from ai4ci_assets.sources.records import field, iso_utc

_LINK = re.compile(r'<(?P<url>[^>]+)>;\s*rel="(?P<rel>[^"]+)"')


@dataclass(frozen=True)
class PullRecord:
    repo: str
    number: int
    state: str
    title: str
    author: str | None
    created_at: dt.datetime
    updated_at: dt.datetime
    closed_at: dt.datetime | None
    merged_at: dt.datetime | None
    labels: tuple[str, ...]
    body_length: int
    additions: int | None  # only in the single-PR form
    deletions: int | None
    changed_files: int | None
    commits: int | None


@dataclass(frozen=True)
class FileRecord:
    filename: str
    status: str
    additions: int
    deletions: int


@dataclass(frozen=True)
class ReviewRecord:
    reviewer: str | None
    state: str
    submitted_at: dt.datetime | None


def parse_pull(payload: dict[str, Any]) -> PullRecord:
    number = field(payload, "number", int, "pull")
    where = f"pull #{number}"
    user = field(payload, "user", (dict, type(None)), where)
    base = field(payload, "base", dict, where)
    repo = field(base, "repo", (dict, type(None)), where) or {}
    return PullRecord(
        repo=repo.get("full_name", ""),
        number=number,
        state=field(payload, "state", str, where),
        title=field(payload, "title", str, where),
        author=user.get("login") if user else None,
        created_at=iso_utc(field(payload, "created_at", str, where), where),
        updated_at=iso_utc(field(payload, "updated_at", str, where), where),
        closed_at=iso_utc(field(payload, "closed_at", (str, type(None)), where), where),
        merged_at=iso_utc(field(payload, "merged_at", (str, type(None)), where), where),
        labels=tuple(field(label, "name", str, where) for label in payload.get("labels") or []),
        body_length=len(field(payload, "body", (str, type(None)), where) or ""),
        additions=_optional_int(payload, "additions", where),
        deletions=_optional_int(payload, "deletions", where),
        changed_files=_optional_int(payload, "changed_files", where),
        commits=_optional_int(payload, "commits", where),
    )


def _optional_int(payload: dict, key: str, where: str) -> int | None:
    return field(payload, key, int, where) if key in payload else None


def parse_file(payload: dict[str, Any]) -> FileRecord:
    where = "pull file"
    return FileRecord(
        field(payload, "filename", str, where),
        field(payload, "status", str, where),
        field(payload, "additions", int, where),
        field(payload, "deletions", int, where),
    )


def parse_review(payload: dict[str, Any]) -> ReviewRecord:
    where = f"review {payload.get('id')}"
    user = field(payload, "user", (dict, type(None)), where)
    return ReviewRecord(
        user.get("login") if user else None,
        field(payload, "state", str, where),
        iso_utc(payload.get("submitted_at"), where),
    )


def parse_link_header(value: str | None) -> dict[str, str]:
    """`<url>; rel="next", <url>; rel="last"` -> {"next": url, "last": url}."""
    return {m["rel"]: m["url"] for m in _LINK.finditer(value or "")}
