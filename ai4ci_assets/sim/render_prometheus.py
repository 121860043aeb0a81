"""Telemetry as a Prometheus/Thanos HTTP API serves it: `/api/v1/query` and `/query_range`.

Every build that got a cluster has a `cluster_installer{invoker="openshift-internal-ci/<job>/
<build>", _id="<cluster>"}` series (the join from CI build to cluster, as in AI4CI) and a dozen
cluster metrics labelled with the same `_id`, alive while the build ran. Metrics move with
incidents and failures. Selectors support `name{label op "value", ...}` with =, !=, =~, !~.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property

import numpy as np

from ai4ci_assets.sim.world import INFRA_INCIDENT, INSTALL_FAILURE, PASSED, World

MAX_POINTS = 11_000  # Prometheus refuses range queries beyond this many points a series

METRICS = (
    "cluster:cpu_usage_cores:sum",
    "cluster:memory_usage_bytes:sum",
    "cluster:node_instance_type_count:sum",
    "cluster:capacity_cpu_cores:sum",
    "cluster:usage:containers:sum",
    "cluster:usage:pods:sum",
    "namespace:container_cpu_usage:sum",
    "apiserver_request:burnrate1h",
    "etcd_disk_wal_fsync_duration_seconds:p99",
    "cluster_version",
    "cluster_operator_conditions",
    "ALERTS",
)
_SELECTOR = re.compile(r"^\s*([a-zA-Z_:][a-zA-Z0-9_:]*)?\s*(?:\{(.*)\})?\s*$")
_MATCHER = re.compile(r'\s*([a-zA-Z_][a-zA-Z0-9_]*)\s*(=~|!~|!=|=)\s*"((?:[^"\\]|\\.)*)"\s*(?:,|$)')


class PromQLError(ValueError):
    """The query is not a selector this server understands."""


@dataclass(frozen=True)
class Series:
    labels: dict[str, str]
    start_s: float
    end_s: float
    job_index: int
    build: int
    metric_index: int  # -1 for cluster_installer


class Telemetry:
    def __init__(self, world: World) -> None:
        self.world = world

    @cached_property
    def series(self) -> list[Series]:
        out = []
        for job in self.world.jobs:
            for b, cluster in enumerate(job.cluster_ids):
                if not cluster:
                    continue
                start = job.start_ms[b] / 1000 + 600  # the cluster exists after install starts
                end = job.start_ms[b] / 1000 + job.duration_s[b]
                invoker = f"openshift-internal-ci/{job.name}/{job.build_ids[b]}"
                base = {
                    "_id": cluster,
                    "prometheus": "openshift-monitoring/k8s",
                    "receive": "true",
                    "tenant_id": "FB870BF3-9F3A-44FF-9BF7-D7A047A52F43",
                }
                out.append(
                    Series(
                        {
                            "__name__": "cluster_installer",
                            **base,
                            "invoker": invoker,
                            "type": "openshift-install",
                            "version": "v4.8.0",
                        },
                        start,
                        end,
                        job.index,
                        b,
                        -1,
                    )
                )
                for m, name in enumerate(METRICS):
                    labels = {"__name__": name, **base}
                    if name == "cluster_operator_conditions":
                        labels.update(name="authentication", condition="Degraded")
                    if name == "ALERTS":
                        labels.update(
                            alertname="KubeAPIErrorBudgetBurn",
                            alertstate="firing",
                            severity="critical",
                        )
                    if name == "cluster_version":
                        labels.update(type="current", version="4.8.0-0.ci")
                    out.append(Series(labels, start, end, job.index, b, m))
        return out

    def select(self, query: str) -> list[Series]:
        name, matchers = parse_selector(query)
        return [s for s in self.series if _matches(s.labels, name, matchers)]

    def value(self, s: Series, t: float) -> float:
        job = self.world.jobs[s.job_index]
        if s.metric_index < 0:
            return 1.0
        cause = int(job.cause[s.build])
        trouble = cause in (INFRA_INCIDENT, INSTALL_FAILURE)
        name = METRICS[s.metric_index]
        # Deterministic noise from (build, metric, minute): the same query gives the same bytes.
        seed = [self.world.seed, s.job_index, s.build, s.metric_index, int(t // 60)]
        noise = float(np.random.default_rng(seed).normal())
        if name == "ALERTS" or name == "cluster_operator_conditions":
            return 1.0 if trouble else 0.0
        if name == "cluster_version":
            return float(job.start_ms[s.build] // 1000)
        baseline = {
            "cluster:cpu_usage_cores:sum": 14.0,
            "cluster:memory_usage_bytes:sum": 3.1e10,
            "cluster:node_instance_type_count:sum": 6.0,
            "cluster:capacity_cpu_cores:sum": 24.0,
            "apiserver_request:burnrate1h": 0.002,
            "etcd_disk_wal_fsync_duration_seconds:p99": 0.008,
        }.get(name, 100.0)
        factor = 1.6 if trouble else (1.0 if cause == PASSED else 1.15)
        return round(baseline * factor * (1 + 0.05 * noise), 6)

    def instant(self, query: str, t: float) -> dict:
        result = [
            {"metric": s.labels, "value": [t, _fmt(self.value(s, t))]}
            for s in self.select(query)
            if s.start_s <= t <= s.end_s
        ]
        return {"status": "success", "data": {"resultType": "vector", "result": result}}

    def range(self, query: str, start: float, end: float, step: float) -> dict:
        if step <= 0:
            raise PromQLError(
                "zero or negative query resolution step widths are not accepted. Try a positive integer"
            )
        if end < start:
            raise PromQLError("end timestamp must not be before start time")
        if (end - start) / step > MAX_POINTS:
            raise PromQLError(
                "exceeded maximum resolution of 11,000 points per timeseries. Try decreasing the query resolution (?step=XX)"
            )
        result = []
        for s in self.select(query):
            first = max(start, start + np.ceil((s.start_s - start) / step) * step)
            times = np.arange(first, min(end, s.end_s) + 1e-9, step)
            if times.size:
                result.append(
                    {
                        "metric": s.labels,
                        "values": [[round(float(t), 3), _fmt(self.value(s, t))] for t in times],
                    }
                )
        return {"status": "success", "data": {"resultType": "matrix", "result": result}}


def _fmt(value: float) -> str:
    return repr(value) if value != int(value) else str(int(value))


def parse_selector(query: str) -> tuple[str | None, list[tuple[str, str, str]]]:
    match = _SELECTOR.match(query or "")
    if not match or not (match.group(1) or match.group(2)):
        raise PromQLError(f"parse error: unsupported expression {query!r}; only series selectors")
    name, body = match.group(1), (match.group(2) or "").strip()
    matchers, pos = [], 0
    while pos < len(body):
        m = _MATCHER.match(body, pos)
        if not m:
            raise PromQLError(f"parse error: bad label matcher at {body[pos:]!r}")
        label, op, value = m.group(1), m.group(2), m.group(3).replace('\\"', '"')
        if op in ("=~", "!~"):
            try:
                re.compile(value)
            except re.error as exc:
                raise PromQLError(f"invalid regular expression {value!r}: {exc}") from None
        matchers.append((label, op, value))
        pos = m.end()
    if name is None and not any(op in ("=", "=~") and v for _, op, v in matchers):
        raise PromQLError("vector selector must contain at least one non-empty matcher")
    return name, matchers


def _matches(labels: dict[str, str], name: str | None, matchers) -> bool:
    if name is not None and labels["__name__"] != name:
        return False
    for label, op, value in matchers:
        actual = labels.get(label, "")
        if op == "=" and actual != value:
            return False
        if op == "!=" and actual == value:
            return False
        if op == "=~" and not re.fullmatch(value, actual):
            return False
        if op == "!~" and re.fullmatch(value, actual):
            return False
    return True
