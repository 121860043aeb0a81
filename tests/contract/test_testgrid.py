"""TestGrid: simulated /table and /summary against the recorded testgrid.k8s.io answers."""

import gzip
import json
from urllib.parse import quote

from ai4ci_assets.sim.vocabulary import dashboard_group
from ai4ci_assets.sources.testgrid.client import TestGridClient
from ai4ci_assets.sources.testgrid.schema import decode_summary, decode_table
from tests.contract.conftest import fetch
from tests.contract.shape import differences


def sim_tables(sim, world):
    """Every tab's table, through the TestGrid client ingestion uses."""
    client = TestGridClient(sim.base_url("testgrid"))
    groups = {dashboard_group(d) for d in world.dashboards}
    dashboards = sorted(d for group in groups for d in client.dashboards(group))
    assert dashboards == sorted(world.dashboards)
    return [client.table(job.dashboard, job.name).payload for job in world.jobs]


def test_table_has_the_real_structure(sim, world, real_data):
    real = json.loads(
        gzip.decompress(
            (
                real_data
                / "testgrid"
                / "sippy_table_release-openshift-ocp-installer-e2e-gcp-rt-4.4.json.gz"
            ).read_bytes()
        )
    )
    # Failure clusters list their tests by name: that object is keyed by data.
    assert differences([real], sim_tables(sim, world), maps=frozenset({"test_results"})) == []


def test_summary_has_the_real_structure(sim, world, real_data):
    real = json.loads(
        (
            real_data / "testgrid" / "sippy_summary_redhat-openshift-ocp-release-4.4-informing.json"
        ).read_text()
    )
    simulated = []
    for dashboard in world.dashboards:
        simulated += list(fetch(f"{sim.base_url('testgrid')}/{dashboard}/summary").json().values())
    assert differences(list(real.values()), simulated) == []


def test_real_and_simulated_tables_decode_with_the_same_code(sim, world, real_data):
    real = json.loads(
        (
            real_data
            / "testgrid"
            / "sippy_table_release-openshift-ocp-installer-e2e-gcp-rt-4.4.TRIMMED_60tests.json"
        ).read_text()
    )
    real_cells = decode_table(real)
    assert len({c.test_name for c in real_cells}) == 60
    assert {c.status for c in real_cells} <= {1, 12, 13}
    for table in sim_tables(sim, world):
        cells = decode_table(table)
        assert cells and all(c.duration_min is not None for c in cells)
    real_summary = json.loads(
        (
            real_data / "testgrid" / "sippy_summary_redhat-openshift-ocp-release-4.4-informing.json"
        ).read_text()
    )
    assert len(decode_summary(real_summary)) == 49
    assert decode_summary(fetch(f"{sim.base_url('testgrid')}/{world.dashboards[0]}/summary").json())


def test_table_parameters_width_and_exclusions(sim, world):
    job = world.jobs[0]
    url = f"{sim.base_url('testgrid')}/{job.dashboard}/table?tab={quote(job.name)}&width=3"
    narrow = fetch(
        url + "&exclude-filter-by-regex=%5Eoperator&exclude-filter-by-regex=sig-network"
    ).json()
    assert len(narrow["column_ids"]) == 3
    assert narrow["timestamps"] == sorted(narrow["timestamps"], reverse=True), "newest column first"
    assert not any(n.startswith("operator") or "sig-network" in n for n in narrow["row_ids"])
    assert all(sum(r["count"] for r in t["statuses"]) == 3 for t in narrow["tests"])
