"""Prow artifacts decoded: prowjob.json, started/finished.json, JUnit XML, GCS listings, logs."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any
from xml.etree import ElementTree

from ai4ci_assets.sources.records import RecordError, checked, epoch_utc, field, iso_utc


@dataclass(frozen=True)
class ProwJobRecord:
    job: str
    build_id: str
    job_type: str
    state: str
    started_at: dt.datetime | None
    completed_at: dt.datetime | None
    org: str | None
    repo: str | None
    pull_number: int | None


@dataclass(frozen=True)
class JunitCase:
    suite: str
    name: str
    duration_s: float | None
    failed: bool
    message: str


@dataclass(frozen=True)
class GcsListing:
    prefixes: tuple[str, ...]
    objects: tuple[tuple[str, int], ...]  # (name, size in bytes)
    next_page_token: str | None


@dataclass(frozen=True)
class LogLine:
    at: dt.datetime | None
    level: str | None
    message: str


def parse_prowjob(payload: dict[str, Any]) -> ProwJobRecord:
    spec = field(payload, "spec", dict, "prowjob")
    status = field(payload, "status", dict, "prowjob")
    refs = spec.get("refs") or {}
    pulls = refs.get("pulls") or []
    return ProwJobRecord(
        job=field(spec, "job", str, "prowjob.spec"),
        build_id=field(status, "build_id", str, "prowjob.status"),
        job_type=field(spec, "type", str, "prowjob.spec"),
        state=field(status, "state", str, "prowjob.status"),
        started_at=iso_utc(status.get("startTime"), "prowjob.status.startTime"),
        completed_at=iso_utc(status.get("completionTime"), "prowjob.status.completionTime"),
        org=refs.get("org"),
        repo=refs.get("repo"),
        pull_number=checked(pulls[0].get("number"), int, "prowjob pull number") if pulls else None,
    )


def parse_started(payload: dict[str, Any]) -> dt.datetime:
    return epoch_utc(field(payload, "timestamp", int, "started.json"), "s", "started.json")


def parse_finished(payload: dict[str, Any]) -> tuple[dt.datetime, str]:
    at = epoch_utc(field(payload, "timestamp", int, "finished.json"), "s", "finished.json")
    return at, field(payload, "result", str, "finished.json")


def parse_junit(xml: bytes | str) -> list[JunitCase]:
    try:
        root = ElementTree.fromstring(xml)  # noqa: S314 - our own parse of CI artifacts
    except ElementTree.ParseError as exc:
        raise RecordError(f"junit: not well-formed XML: {exc}") from None
    suites = [root] if root.tag == "testsuite" else root.iter("testsuite")
    cases = []
    for suite in suites:
        for case in suite.iter("testcase"):
            failure = case.find("failure")
            if failure is None:
                failure = case.find("error")
            message = ""
            if failure is not None:
                message = failure.get("message") or (failure.text or "").strip()
            cases.append(
                JunitCase(
                    suite.get("name", ""),
                    case.get("name", ""),
                    _seconds(case.get("time")),
                    failure is not None,
                    message,
                )
            )
    return cases


def _seconds(value: str | None) -> float | None:
    # Golden files in ci-tools write time="whatever"; such a time is unknown, not an error.
    try:
        return float(value) if value is not None else None
    except ValueError:
        return None


def parse_gcs_listing(payload: dict[str, Any]) -> GcsListing:
    items = payload.get("items") or []
    objects = tuple(
        (field(i, "name", str, "gcs item"), int(field(i, "size", str, "gcs item"))) for i in items
    )
    return GcsListing(tuple(payload.get("prefixes") or ()), objects, payload.get("nextPageToken"))


_LOGRUS = re.compile(r'^time="(?P<at>[^"]+)" level=(?P<level>\w+) msg="(?P<msg>(?:[^"\\]|\\.)*)"')
_ANSI = re.compile(r"^\x1b\[\d+m(?P<level>[A-Z]+)\x1b\[0m\[(?P<at>[^\]]+)\] (?P<msg>.*)$")
_CLASSIC = re.compile(r"^(?P<at>\d{4}/\d{2}/\d{2} \d{2}:\d{2}:\d{2}) (?P<msg>.*)$")
_LEVELS = {
    "INFO": "info",
    "WARN": "warning",
    "WARNING": "warning",
    "ERRO": "error",
    "ERROR": "error",
}


def parse_log_line(line: str) -> LogLine:
    """One build-log line in any of ci-operator's three formats; other lines keep only text."""
    if m := _LOGRUS.match(line):
        message = m["msg"].replace('\\"', '"').replace("\\\\", "\\")
        return LogLine(iso_utc(m["at"], "log line"), m["level"].lower(), message)
    if m := _ANSI.match(line):
        return LogLine(
            iso_utc(m["at"], "log line"), _LEVELS.get(m["level"], m["level"].lower()), m["msg"]
        )
    if m := _CLASSIC.match(line):
        at = dt.datetime.strptime(m["at"], "%Y/%m/%d %H:%M:%S").replace(tzinfo=dt.UTC)
        return LogLine(at, None, m["msg"])
    return LogLine(None, None, line)
