"""Prometheus/Thanos: simulated query answers against recorded ones."""

import json
from urllib.parse import quote

from ai4ci_assets.sources.telemetry.schema import parse_response, parse_result
from tests.contract.conftest import fetch
from tests.contract.shape import differences

PROM = "prometheus"
# Label sets name whatever labels a series has: they are keyed by data.
LABEL_SETS = frozenset({"metric"})


def test_instant_query_has_the_real_structure(sim, world, real_data):
    recorded = json.loads(
        (
            real_data
            / PROM
            / "openshift-intel-tas/thanos-querier_api-v1-query_up-namespace-telemetry.json"
        ).read_text()
    )
    job = world.jobs[0]
    at = job.start_ms[0] / 1000 + 900
    query = quote('cluster_installer{invoker=~"openshift-internal-ci/.*"}')
    answer = fetch(f"{sim.base_url('prometheus')}/api/v1/query?query={query}&time={at}")
    assert answer.status == 200
    simulated = answer.json()
    assert simulated["data"]["result"], "a cluster was up at that time"
    assert differences([recorded], [simulated], maps=LABEL_SETS) == []
    assert parse_response(recorded) and parse_response(simulated)


def test_range_query_has_the_real_structure(sim, world, real_data):
    recorded = json.loads(
        (real_data / PROM / "prometheus-api-client-python/up_201907281200.json").read_text()
    )
    job = world.jobs[0]
    build = next(b for b, c in enumerate(job.cluster_ids) if c)
    start = job.start_ms[build] / 1000
    query = quote(f'cluster:cpu_usage_cores:sum{{_id="{job.cluster_ids[build]}"}}')
    url = f"{sim.base_url('prometheus')}/api/v1/query_range?query={query}&start={start}&end={start + 3600}&step=20"
    simulated = fetch(url).json()
    assert simulated["data"]["resultType"] == "matrix"
    assert differences(recorded, simulated["data"]["result"], maps=LABEL_SETS) == []
    assert len(parse_result("matrix", recorded)) > 1000
    samples = parse_result("matrix", simulated["data"]["result"])
    assert samples and all(s.name == "cluster:cpu_usage_cores:sum" for s in samples)
