"""TestGrid `/table` and `/summary` payloads decoded into cells and tab summaries."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from ai4ci_assets.sources.records import RecordError, checked, epoch_utc, field

NO_RESULT = 0
COLUMN_ID_PREFIX = "\ue000"


@dataclass(frozen=True)
class TestGridCell:
    test_name: str
    build_id: str
    started_at: dt.datetime
    status: int
    message: str
    duration_min: float | None


@dataclass(frozen=True)
class TabSummary:
    tab: str
    overall_status: str
    last_run_at: dt.datetime
    last_update_at: dt.datetime
    failing_tests: tuple[str, ...]


def decode_statuses(runs: list, columns: int, where: str) -> list[int]:
    """Expand run-length encoded statuses; the counts must cover every column exactly."""
    cells: list[int] = []
    for run in runs:
        count = field(run, "count", int, where)
        value = field(run, "value", int, where)
        if count < 1 or not 0 <= value <= 15:
            raise RecordError(f"{where}: bad status run {run!r}")
        cells.extend([value] * count)
    if len(cells) != columns:
        raise RecordError(f"{where}: statuses cover {len(cells)} columns, the table has {columns}")
    return cells


def decode_table(payload: dict[str, Any]) -> list[TestGridCell]:
    column_ids = field(payload, "column_ids", list, "table")
    timestamps = field(payload, "timestamps", list, "table")
    if len(column_ids) != len(timestamps):
        raise RecordError(f"table: {len(column_ids)} column ids but {len(timestamps)} timestamps")
    builds = [str(c).removeprefix(COLUMN_ID_PREFIX) for c in column_ids]
    started = [
        epoch_utc(checked(t, int, f"table: timestamps[{i}]"), "ms", "table")
        for i, t in enumerate(timestamps)
    ]
    cells = []
    for i, row in enumerate(field(payload, "tests", list, "table")):
        name = field(row, "name", str, f"table.tests[{i}]")
        where = f"table row {name[:80]!r}"
        statuses = decode_statuses(field(row, "statuses", list, where), len(builds), where)
        messages = field(row, "messages", list, where)
        with_result = [c for c, s in enumerate(statuses) if s != NO_RESULT]
        if len(messages) != len(with_result):
            raise RecordError(
                f"{where}: {len(messages)} messages for {len(with_result)} cells with a result"
            )
        durations = _durations(row, len(with_result), where)
        for k, column in enumerate(with_result):
            cells.append(
                TestGridCell(
                    name,
                    builds[column],
                    started[column],
                    statuses[column],
                    str(messages[k]),
                    durations[k],
                )
            )
    return cells


def _durations(row: dict, cells: int, where: str) -> list[float | None]:
    for graph in row.get("graphs") or []:
        if "test-duration-minutes" in (graph.get("metric") or []):
            values = (graph.get("values") or [[]])[0]
            if len(values) != cells:
                raise RecordError(f"{where}: {len(values)} durations for {cells} cells")
            return [float(v) if v is not None else None for v in values]
    return [None] * cells


def decode_summary(payload: dict[str, Any]) -> list[TabSummary]:
    tabs = []
    for tab, body in payload.items():
        where = f"summary tab {tab!r}"
        tests = field(body, "tests", list, where)
        tabs.append(
            TabSummary(
                tab,
                field(body, "overall_status", str, where),
                # The summary mixes units: runs in milliseconds, updates in seconds.
                epoch_utc(field(body, "last_run_timestamp", int, where), "ms", where),
                epoch_utc(field(body, "last_update_timestamp", int, where), "s", where),
                tuple(field(t, "test_name", str, where) for t in tests),
            )
        )
    return tabs
