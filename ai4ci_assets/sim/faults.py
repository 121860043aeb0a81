"""Faults on demand: per source, seeded rates of the failures real CI APIs show."""

from __future__ import annotations

import copy
import threading
from dataclasses import dataclass, field, fields, replace

import numpy as np

SOURCES = ("testgrid", "gcs", "github", "bugzilla", "prometheus")


@dataclass(frozen=True)
class FaultRates:
    """Probability, per request, of each fault (they are drawn in this order)."""

    throttle: float = 0.0  # 429 with Retry-After
    server_error: float = 0.0  # 500, 502 or 503
    timeout: float = 0.0  # no answer until the connection is closed
    drop: float = 0.0  # the connection closes mid-body
    truncated: float = 0.0  # a complete response whose JSON is cut short
    malformed: float = 0.0  # a complete response that is not JSON
    new_field: float = 0.0  # an unknown new field appears in the records
    type_change: float = 0.0  # a field of a record changes type
    empty_page: float = 0.0  # a page with no records
    slow: float = 0.0  # the right answer, late

    def __post_init__(self) -> None:
        for f in fields(self):
            value = getattr(self, f.name)
            if not 0.0 <= value <= 1.0:
                raise ValueError(f"fault rate {f.name}={value} is not between 0 and 1")


FAULT_KINDS = tuple(f.name for f in fields(FaultRates))


@dataclass
class FaultPlan:
    rates: dict[str, FaultRates] = field(default_factory=dict)
    seed: int = 0
    slow_s: float = 1.5
    timeout_s: float = 10.0

    def __post_init__(self) -> None:
        unknown = set(self.rates) - set(SOURCES)
        if unknown:
            raise ValueError(f"unknown fault source(s) {sorted(unknown)}; one of {SOURCES}")
        self._rngs = {s: np.random.default_rng([self.seed, i]) for i, s in enumerate(SOURCES)}
        self._lock = threading.Lock()

    def draw(self, source: str) -> str | None:
        """The fault for this request of `source`, or None. Deterministic in request order."""
        rates = self.rates.get(source)
        if rates is None:
            return None
        with self._lock:
            u = float(self._rngs[source].random())
        edge = 0.0
        for kind in FAULT_KINDS:
            edge += getattr(rates, kind)
            if u < edge:
                return kind
        return None

    def choice(self, source: str, options: list) -> object:
        with self._lock:
            return options[int(self._rngs[source].integers(len(options)))]


def parse_faults(spec: str) -> dict[str, FaultRates]:
    """`github:throttle=0.1,drop=0.05;bugzilla:malformed=0.2` or `all:server_error=0.1`."""
    rates: dict[str, FaultRates] = {}
    for part in filter(None, (p.strip() for p in spec.split(";"))):
        source, _, body = part.partition(":")
        targets = SOURCES if source == "all" else (source,)
        for target in targets:
            if target not in SOURCES:
                raise ValueError(f"unknown fault source {target!r}; one of {', '.join(SOURCES)}")
            current = rates.get(target, FaultRates())
            for item in filter(None, body.split(",")):
                kind, _, value = item.partition("=")
                if kind not in FAULT_KINDS:
                    raise ValueError(f"unknown fault {kind!r}; one of {', '.join(FAULT_KINDS)}")
                try:
                    rate = float(value)
                except ValueError:
                    raise ValueError(f"fault rate {item!r} is not a number") from None
                current = replace(current, **{kind: rate})
            rates[target] = current
    return rates


def mutate(payload: object, kind: str) -> object:
    """Apply a payload fault (new_field, type_change, empty_page) to a copy of `payload`."""
    payload = copy.deepcopy(payload)
    records = _records(payload)
    if kind == "empty_page":
        if isinstance(payload, list):
            return []
        if records is not None:
            records.clear()
        return payload
    target = records[0] if records else payload
    if not isinstance(target, dict):
        return payload
    if kind == "new_field":
        target["sim_new_field"] = {"introduced": "by a newer API version", "value": 1}
    elif kind == "type_change":
        # As an API that starts quoting its numbers: every number of the record becomes text
        # (or, with no numbers, its first text becomes an object).
        numbers = [k for k, v in target.items() if isinstance(v, int) and not isinstance(v, bool)]
        for key in numbers:
            target[key] = str(target[key])
        if not numbers:
            key = next((k for k, v in target.items() if isinstance(v, str)), None)
            if key is not None:
                target[key] = {"value": target[key]}
    return payload


def _records(payload: object) -> list | None:
    if isinstance(payload, list):
        return payload
    if isinstance(payload, dict):
        for key in ("bugs", "items", "tests", "result"):
            inner = payload.get(key)
            if isinstance(inner, list):
                return inner
        data = payload.get("data")
        if isinstance(data, dict) and isinstance(data.get("result"), list):
            return data["result"]
    return None
