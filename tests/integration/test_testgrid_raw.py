"""The TestGrid raw asset against the simulated world, on both lake backends."""

from dataclasses import replace

import dagster as dg
import pytest

from ai4ci_assets.definitions import build_resources
from ai4ci_assets.lake.tables import Lakehouse
from ai4ci_assets.sim.faults import FaultPlan, FaultRates
from ai4ci_assets.sim.server import SimServer
from ai4ci_assets.sim.world import generate_world
from ai4ci_assets.sources.testgrid.assets import testgrid_summaries as summaries_asset

DAY = "2026-11-22"


@pytest.fixture(scope="module")
def world():
    return generate_world("tiny", seed=2)


def materialize(settings, day=DAY):
    result = dg.materialize(
        [summaries_asset], partition_key=day, resources=build_resources(settings)
    )
    assert result.success
    return result.asset_materializations_for_node("raw__testgrid_summaries")[0]


def test_summaries_land_as_raw_payloads_and_a_manifest(backend_settings, world):
    with SimServer(world) as server:
        settings = replace(backend_settings, sim_url=server.url)
        first = materialize(settings)
        again = materialize(settings)
        served = server.requests["testgrid 200"]
    store = build_resources(settings)["lake"]
    keys = store.list("raw/testgrid/summary")
    assert len(keys) == len(world.dashboards), "the re-run stored nothing new"
    assert all(k.startswith(f"raw/testgrid/summary/dt={DAY}/") for k in keys)
    manifest = Lakehouse.from_settings(settings).scan("raw.testgrid_summaries").to_pylist()
    assert len(manifest) == len(world.dashboards), "the re-run replaced the day, no duplicates"
    assert {m["raw_key"] for m in manifest} == set(keys)
    assert all(m["decode_error"] is None and m["tabs"] > 0 for m in manifest)
    assert first.metadata["new_payloads"].value == len(keys)
    assert again.metadata["new_payloads"].value == 0
    assert served == 2 * (2 + len(world.dashboards))  # two groups listed, then each dashboard


def test_transient_faults_are_retried_and_nothing_is_lost(tmp_path, world):
    from ai4ci_assets.settings import Settings

    plan = FaultPlan(
        {"testgrid": FaultRates(throttle=0.2, server_error=0.2, truncated=0.1, drop=0.1)}, seed=9
    )
    with SimServer(world, plan) as server:
        settings = Settings.from_env({"AI4CI_HOME": str(tmp_path), "AI4CI_SIM_URL": server.url})
        materialize(settings)
        faults = sum(v for k, v in server.requests.items() if "fault:" in k)
    manifest = Lakehouse.from_settings(settings).scan("raw.testgrid_summaries").to_pylist()
    assert faults > 0
    assert sorted(m["dashboard"] for m in manifest) == sorted(world.dashboards)


def test_an_unreachable_source_fails_with_its_url(tmp_path):
    from ai4ci_assets.settings import Settings

    settings = Settings.from_env(
        {"AI4CI_HOME": str(tmp_path), "AI4CI_SIM_URL": "http://127.0.0.1:9"}
    )
    with pytest.raises(Exception, match=r"127\.0\.0\.1:9.*unreachable"):
        dg.materialize([summaries_asset], partition_key=DAY, resources=build_resources(settings))
