"""Materializing real assets with the resources of each backend's profile."""

import os
import subprocess
import sys
from pathlib import Path

import dagster as dg

from ai4ci_assets.definitions import build_definitions, build_resources
from ai4ci_assets.kpis.assets import calendar_days
from ai4ci_assets.lake.tables import Lakehouse
from ai4ci_assets.layers import DAILY, LAYERS

REPO_ROOT = Path(__file__).resolve().parents[2]


def materialize_day(settings, day: str) -> dg.AssetMaterialization:
    result = dg.materialize([calendar_days], partition_key=day, resources=build_resources(settings))
    assert result.success
    [materialization] = result.asset_materializations_for_node("kpi__calendar_days")
    return materialization


def test_a_partitioned_asset_lands_once_and_reports_its_snapshot(backend_settings):
    first = materialize_day(backend_settings, "2026-11-22")
    materialize_day(backend_settings, "2026-11-23")
    rerun = materialize_day(backend_settings, "2026-11-22")

    lakehouse = Lakehouse.from_settings(backend_settings)
    rows = lakehouse.scan("kpi.calendar_days").to_pylist()
    assert sorted(str(r["partition_date"]) for r in rows) == ["2026-11-22", "2026-11-23"]

    metadata = rerun.metadata
    assert metadata["snapshot_id"].value == str(lakehouse.current_snapshot_id("kpi.calendar_days"))
    assert metadata["snapshot_id"].value != first.metadata["snapshot_id"].value
    assert metadata["dagster/row_count"].value == 1
    assert metadata["partition"].value == "2026-11-22"
    assert metadata["table"].value == "kpi.calendar_days"
    assert "| 2026-11-22 | 2026 | 11 | 47 | 7 | True |" in metadata["preview"].value


def test_definitions_group_assets_by_layer_on_shared_daily_partitions(tmp_path):
    from ai4ci_assets.settings import Settings

    defs = build_definitions(Settings.from_env({"AI4CI_HOME": str(tmp_path)}))
    graph = defs.resolve_asset_graph()
    for key in graph.get_all_asset_keys():
        node = graph.get(key)
        assert node.group_name in LAYERS, key
        assert key.path[0] == node.group_name, "table namespace = layer"
        if node.partitions_def is not None:
            assert node.partitions_def == DAILY
    assert defs.resolve_job_def("main").partitions_def == DAILY


def test_dagster_validates_the_workspace(tmp_path):
    env = {**os.environ, "AI4CI_HOME": str(tmp_path), "DAGSTER_HOME": str(tmp_path)}
    (tmp_path / "dagster.yaml").write_text("telemetry:\n  enabled: false\n")
    done = subprocess.run(
        [sys.executable, "-m", "dagster", "definitions", "validate", "-w", "workspace.yaml"],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Validation successful" in done.stdout + done.stderr


def test_a_downstream_asset_reads_exactly_its_days(backend_settings):
    """The IO manager loads an upstream partition (load_input) for a downstream asset."""

    @dg.asset(
        key_prefix=["kpi"],
        group_name="kpi",
        partitions_def=DAILY,
        ins={"days": dg.AssetIn(key=calendar_days.key)},
    )
    def weekend_flags(days):
        import pyarrow as pa

        return pa.table(
            {
                "partition_date": days.column("partition_date"),
                "is_weekend": days.column("is_weekend"),
            }
        )

    resources = build_resources(backend_settings)
    for day in ("2026-11-21", "2026-11-22", "2026-11-23"):
        assert dg.materialize([calendar_days], partition_key=day, resources=resources).success
    result = dg.materialize(
        [calendar_days, weekend_flags],
        partition_key="2026-11-22",
        resources=resources,
        selection=[weekend_flags.key],
    )
    assert result.success
    rows = Lakehouse.from_settings(backend_settings).scan("kpi.weekend_flags").to_pylist()
    assert [(str(r["partition_date"]), r["is_weekend"]) for r in rows] == [("2026-11-22", True)]
