"""The simulated world: determinism, and that its payloads show the truth it planted."""

import json
from urllib.parse import quote

import numpy as np
import pyarrow.parquet as pq
import pytest

from ai4ci_assets.sim.render_prow import BUCKET, build_prefix, cause_signature
from ai4ci_assets.sim.server import SimServer
from ai4ci_assets.sim.truth import write_truth
from ai4ci_assets.sim.world import (
    FAIL,
    FLAKY_TEST,
    INSTALL_FAILURE,
    LEASE_FAILURE,
    NO_RESULT,
    PASS,
    PASSED,
    REGRESSION,
    generate_world,
    pr_expected_log_hours,
)
from ai4ci_assets.sources.testgrid.schema import decode_table
from tests.contract.conftest import fetch


def sample_paths(world):
    job = world.jobs[-1]
    return [
        f"/testgrid/{job.dashboard}/summary",
        f"/testgrid/{job.dashboard}/table?tab={quote(job.name)}",
        f"/gcs/{BUCKET}/{build_prefix(job, 1)}build-log.txt",
        f"/gcs/{BUCKET}/{build_prefix(job, 1)}prowjob.json",
        f"/gcs/storage/v1/b/{BUCKET}/o?prefix={quote(build_prefix(job, 0).rsplit('/', 2)[0] + '/', safe='')}&delimiter=%2F",
        "/github/repos/openshift/origin/pulls?state=all&per_page=50",
        "/bugzilla/rest/bug?limit=50",
        "/prometheus/api/v1/query?query="
        + quote('cluster_installer{invoker=~".*"}')
        + f"&time={job.start_ms[1] / 1000 + 900}",
    ]


def payloads(world) -> list[bytes]:
    with SimServer(world) as server:
        return [fetch(server.url + path).body for path in sample_paths(world)]


def test_the_same_seed_gives_byte_identical_payloads():
    first = payloads(generate_world("tiny", seed=5))
    again = payloads(generate_world("tiny", seed=5))
    assert first == again
    other = payloads(generate_world("tiny", seed=6))
    assert all(a != b for a, b in zip(first, other, strict=True))


@pytest.fixture(scope="module")
def world():
    return generate_world("tiny", seed=3)


@pytest.fixture(scope="module")
def served_cells(world):
    """Decoded TestGrid cells per job, fetched over HTTP: what ingestion would see."""
    with SimServer(world) as server:
        return {
            job.name: decode_table(
                fetch(
                    f"{server.base_url('testgrid')}/{job.dashboard}/table?tab={quote(job.name)}"
                ).json()
            )
            for job in world.jobs
        }


def test_a_planted_flaky_test_both_passes_and_fails(world):
    demo = generate_world("demo", seed=3)
    flaky_rows = [(j, r) for j in demo.jobs for r in np.flatnonzero(j.behaviour == FLAKY_TEST)]
    assert flaky_rows
    mixed = sum(1 for j, r in flaky_rows if {PASS, FAIL} <= set(j.statuses[r].tolist()))
    assert mixed / len(flaky_rows) > 0.5  # rare flakes can pass 60 runs in a row


def test_flaky_and_regressed_tests_show_in_the_served_table(world, served_cells):
    checked = 0
    for job in world.jobs:
        cells = served_cells[job.name]
        for row in np.flatnonzero(job.behaviour == REGRESSION):
            name = world.test_names[job.test_ids[row]]
            start, end = job.regression_start[row], job.regression_end[row]
            inside = {str(b) for b in job.build_ids[start:end]}
            statuses = [c.status for c in cells if c.test_name == name and c.build_id in inside]
            assert statuses.count(FAIL) >= 0.5 * len(statuses), name
            checked += len(statuses)
    assert checked, "the world planted no regression cells to check"


def test_an_install_failure_is_a_column_of_not_run_cells(world, served_cells):
    found = 0
    for job in world.jobs:
        cells = served_cells[job.name]
        for b in np.flatnonzero(np.isin(job.cause, (INSTALL_FAILURE, LEASE_FAILURE))):
            build = str(job.build_ids[b])
            column = [c for c in cells if c.build_id == build]
            tests = [
                c
                for c in column
                if c.test_name != "Overall" and not c.test_name.startswith("operator.")
            ]
            assert tests == [], "a column without a cluster has no test results"
            found += 1
    demo = generate_world("demo", seed=3)
    for job in demo.jobs:
        for b in np.flatnonzero(job.cause == INSTALL_FAILURE):
            assert (job.statuses[1:, b] == NO_RESULT).all() and job.statuses[0, b] == FAIL
            found += 1
    assert found


def test_every_failing_build_log_contains_its_cause(world):
    with SimServer(world) as server:
        for job in world.jobs:
            for b in range(job.n_builds):
                log = fetch(
                    f"{server.base_url('gcs')}/{BUCKET}/{build_prefix(job, b)}build-log.txt"
                ).body.decode()
                finished = json.loads(
                    fetch(
                        f"{server.base_url('gcs')}/{BUCKET}/{build_prefix(job, b)}finished.json"
                    ).body
                )
                if job.cause[b] == PASSED:
                    assert finished["passed"] is True
                    continue
                signature = cause_signature(job, b)
                assert signature and signature in log, (job.name, b)
                assert finished["passed"] is False


def test_time_to_merge_follows_the_planted_function():
    demo = generate_world("demo", seed=3)
    merged = [p for p in demo.pulls if p.merged_s]
    hours = np.log([(p.merged_s - p.created_s) / 3600 for p in merged])
    expected = [p.expected_log_hours for p in merged]
    assert np.corrcoef(hours, expected)[0, 1] > 0.6
    assert 0.05 < 1 - len(merged) / len(demo.pulls) < 0.5, "some PRs never merge"
    assert pr_expected_log_hours(500, 10, 0, 3, ["do-not-merge/hold"]) > pr_expected_log_hours(
        10, 1, 50, 1, ["lgtm"]
    )


def test_telemetry_moves_with_incidents():
    from ai4ci_assets.sim.render_prometheus import Telemetry

    demo = generate_world("demo", seed=3)
    telemetry = Telemetry(demo)
    cpu = [s for s in telemetry.series if s.labels["__name__"] == "cluster:cpu_usage_cores:sum"]
    trouble = [
        telemetry.value(s, s.start_s)
        for s in cpu
        if demo.jobs[s.job_index].cause[s.build] in (2, 4)
    ]
    calm = [
        telemetry.value(s, s.start_s)
        for s in cpu
        if demo.jobs[s.job_index].cause[s.build] == PASSED
    ]
    assert trouble and calm and np.mean(trouble) > 1.3 * np.mean(calm)


def test_truth_is_written_apart_and_matches_the_world(world, tmp_path):
    counts = write_truth(world, tmp_path)
    assert counts["builds"] == sum(j.n_builds for j in world.jobs)
    builds = pq.read_table(tmp_path / "builds.parquet").to_pylist()
    failing = [b for b in builds if b["cause"] != "passed"]
    assert all(b["cause_signature"] for b in failing)
    behaviour = pq.read_table(tmp_path / "test_behaviour.parquet")
    assert set(behaviour.column("behaviour").to_pylist()) >= {
        "stable",
        "regression",
        "install_step",
    }
    assert pq.read_table(tmp_path / "pull_requests.parquet").num_rows == len(world.pulls)


def test_sizes():
    demo = generate_world("demo", seed=1)
    assert len(demo.dashboards) == 5 and len(demo.jobs) == 100
    assert demo.jobs[0].statuses.shape[0] == 300 and len(demo.pulls) == 2000
    assert (demo.end - demo.start).days == 30
    with pytest.raises(ValueError, match="unknown world size 'huge'"):
        generate_world("huge")
