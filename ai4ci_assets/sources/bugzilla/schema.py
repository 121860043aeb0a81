"""Bugzilla REST bugs, comments and history decoded; error bodies recognised."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from ai4ci_assets.sources.records import RecordError, field, iso_utc


@dataclass(frozen=True)
class BugRecord:
    bug_id: int
    summary: str
    status: str
    resolution: str
    component: str
    severity: str
    priority: str
    created_at: dt.datetime
    last_change_at: dt.datetime
    is_open: bool


@dataclass(frozen=True)
class BugComment:
    bug_id: int
    comment_id: int
    author: str
    created_at: dt.datetime
    text: str


@dataclass(frozen=True)
class BugChange:
    bug_id: int
    at: dt.datetime
    who: str
    field_name: str
    removed: str
    added: str


def raise_for_error(payload: Any) -> None:
    """Bugzilla reports errors in the body, sometimes with HTTP 200."""
    if isinstance(payload, dict) and payload.get("error") is True:
        raise RecordError(f"bugzilla error {payload.get('code')}: {payload.get('message')}")


def parse_bugs(payload: dict[str, Any]) -> list[BugRecord]:
    raise_for_error(payload)
    out = []
    for bug in field(payload, "bugs", list, "bug search"):
        bug_id = field(bug, "id", int, "bug")
        where = f"bug {bug_id}"
        component = field(bug, "component", (str, list), where)
        out.append(
            BugRecord(
                bug_id,
                field(bug, "summary", str, where),
                field(bug, "status", str, where),
                field(bug, "resolution", str, where),
                component[0] if isinstance(component, list) else component,
                field(bug, "severity", str, where),
                field(bug, "priority", str, where),
                iso_utc(field(bug, "creation_time", str, where), where),
                iso_utc(field(bug, "last_change_time", str, where), where),
                field(bug, "is_open", bool, where),
            )
        )
    return out


def parse_comments(payload: dict[str, Any]) -> list[BugComment]:
    raise_for_error(payload)
    out = []
    for bug_id, body in field(payload, "bugs", dict, "comments").items():
        for c in field(body, "comments", list, f"comments of bug {bug_id}"):
            where = f"comment of bug {bug_id}"
            out.append(
                BugComment(
                    int(bug_id),
                    field(c, "id", int, where),
                    field(c, "creator", str, where),
                    iso_utc(field(c, "creation_time", str, where), where),
                    field(c, "text", str, where),
                )
            )
    return out


def parse_history(payload: dict[str, Any]) -> list[BugChange]:
    raise_for_error(payload)
    out = []
    for bug in field(payload, "bugs", list, "history"):
        bug_id = field(bug, "id", int, "history")
        for entry in field(bug, "history", list, f"history of bug {bug_id}"):
            where = f"history of bug {bug_id}"
            at = iso_utc(field(entry, "when", str, where), where)
            who = field(entry, "who", str, where)
            for change in field(entry, "changes", list, where):
                out.append(
                    BugChange(
                        bug_id,
                        at,
                        who,
                        field(change, "field_name", str, where),
                        str(change.get("removed", "")),
                        str(change.get("added", "")),
                    )
                )
    return out
