"""Prometheus/Thanos query responses decoded into samples."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from ai4ci_assets.sources.records import RecordError, checked, epoch_utc, field


@dataclass(frozen=True)
class Sample:
    labels: tuple[tuple[str, str], ...]
    at: dt.datetime
    value: float

    @property
    def name(self) -> str:
        return dict(self.labels).get("__name__", "")


def parse_response(payload: dict[str, Any]) -> list[Sample]:
    """A full `{"status": ..., "data": {...}}` answer of /query or /query_range."""
    status = field(payload, "status", str, "prometheus")
    if status != "success":
        raise RecordError(f"prometheus error {payload.get('errorType')}: {payload.get('error')}")
    data = field(payload, "data", dict, "prometheus")
    return parse_result(
        field(data, "resultType", str, "prometheus.data"),
        field(data, "result", list, "prometheus.data"),
    )


def parse_result(result_type: str, result: list) -> list[Sample]:
    """A `data.result` array: `vector` (one `value`) or `matrix` (`values`)."""
    if result_type not in ("vector", "matrix"):
        raise RecordError(f"prometheus: result type {result_type!r} is not vector or matrix")
    samples = []
    for i, series in enumerate(result):
        where = f"prometheus series {i}"
        labels = tuple(sorted(field(series, "metric", dict, where).items()))
        points = (
            [field(series, "value", list, where)]
            if result_type == "vector"
            else field(series, "values", list, where)
        )
        for point in points:
            if len(point) != 2:
                raise RecordError(f"{where}: point {point!r} is not [time, value]")
            t = checked(point[0], (int, float), f"{where}: time")
            value = checked(point[1], str, f"{where}: value")  # Prometheus sends values as text
            try:
                number = float(value)
            except ValueError:
                raise RecordError(f"{where}: value {value!r} is not a number") from None
            samples.append(Sample(labels, epoch_utc(t, "s", where), number))
    return samples
