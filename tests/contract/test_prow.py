"""Prow/GCS: simulated artifacts against the recorded prowjob, JUnit and build logs."""

import json
from urllib.parse import quote

from ai4ci_assets.sim.render_prow import BUCKET, build_prefix
from ai4ci_assets.sources.prow.schema import (
    parse_finished,
    parse_gcs_listing,
    parse_junit,
    parse_log_line,
    parse_prowjob,
    parse_started,
)
from tests.contract.conftest import fetch
from tests.contract.shape import differences


def artifact(sim, job, build, name) -> bytes:
    answer = fetch(f"{sim.base_url('gcs')}/{BUCKET}/{build_prefix(job, build)}{name}")
    assert answer.status == 200, name
    return answer.body


def test_prowjob_has_the_real_structure(sim, world, real_data):
    recorded = json.loads(
        (
            real_data
            / "prow/sippy_prowjob_pull-ci-openshift-origin-master-e2e-aws-csi_1602362182819909632.json"
        ).read_text()
    )
    presubmit = next(j for j in world.jobs if j.kind == "presubmit")
    simulated = json.loads(artifact(sim, presubmit, 0, "prowjob.json"))
    assert differences([recorded], [simulated]) == []
    real_record, sim_record = parse_prowjob(recorded), parse_prowjob(simulated)
    assert real_record.pull_number == 27600 and sim_record.pull_number is not None
    assert sim_record.build_id == str(presubmit.build_ids[0])


def test_junit_real_and_simulated_parse_with_the_same_code(sim, world, real_data):
    real_cases = parse_junit(
        (real_data / "prow/ci-tools/observer_multi-observers-junit_operator.xml").read_bytes()
    )
    assert any(c.failed for c in real_cases) and all(c.duration_s is None for c in real_cases)
    assert not any(
        c.failed
        for c in parse_junit((real_data / "prow/ci-tools/simple_junit_operator.xml").read_bytes())
    )
    job = world.jobs[0]
    for build in range(job.n_builds):
        operator = parse_junit(artifact(sim, job, build, "artifacts/junit_operator.xml"))
        e2e = parse_junit(artifact(sim, job, build, "artifacts/junit_e2e.xml"))
        assert operator and all(c.duration_s is not None for c in operator + e2e)


def test_build_logs_real_and_simulated_parse_with_the_same_code(sim, world, real_data):
    def timestamped_share(text: str) -> float:
        lines = [line for line in text.splitlines() if line.strip()]
        return sum(parse_log_line(line).at is not None for line in lines) / len(lines)

    real = (
        real_data
        / "prow/build-logs/ocp-ci-analysis_build-log_periodic-ci-openshift-release-master-ci-4.8-e2e-gcp_1378441280396201984.txt"
    ).read_text()
    assert timestamped_share(real) > 0.95
    excerpts = (
        real_data
        / "prow/build-logs/ocp-ci-analysis_build-log-EXCERPTS_periodic-ci-openshift-release-master-ci-4.8-e2e-gcp_5-failed-builds.txt"
    ).read_text()
    formats = {
        type(parse_log_line(line).level)
        for line in excerpts.splitlines()
        if parse_log_line(line).at
    }
    assert formats == {str, type(None)}, "logrus/ANSI lines carry a level, classic ones do not"
    styles = set()
    for job in world.jobs:
        log = artifact(sim, job, 0, "build-log.txt").decode()
        if job.cloud == "gcp":
            assert "e2e-***" in log and "e2e-gcp" not in log, "Prow censors the cloud secret"
        assert timestamped_share(log) > 0.6
        first = parse_log_line(log.splitlines()[0])
        styles.add(first.level is None)
    assert styles == {True, False}, "the simulated logs use several formats"


def test_started_finished_and_listing_decode(sim, world):
    job = world.jobs[0]
    started = parse_started(json.loads(artifact(sim, job, 0, "started.json")))
    finished_at, result = parse_finished(json.loads(artifact(sim, job, 0, "finished.json")))
    assert started < finished_at and result in ("SUCCESS", "FAILURE")
    prefix = quote(f"logs/{job.name}/", safe="")
    listing = parse_gcs_listing(
        fetch(f"{sim.base_url('gcs')}/storage/v1/b/{BUCKET}/o?prefix={prefix}&delimiter=%2F").json()
    )
    assert len(listing.prefixes) == job.n_builds and listing.objects == ()
