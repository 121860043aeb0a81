"""Running the main job the way the Dagster UI would, so its runs show up there afterwards."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable
from dataclasses import dataclass

import dagster as dg

from ai4ci_assets.definitions import build_definitions, main_job
from ai4ci_assets.lake.tables import Lakehouse
from ai4ci_assets.settings import Settings

QUIET_LOGS = {"loggers": {"console": {"config": {"log_level": "WARNING"}}}}


@dataclass(frozen=True)
class TableSummary:
    table_id: str
    rows: int
    snapshot_id: int | None


def demo_partition_keys(settings: Settings, today: dt.date | None = None) -> list[str]:
    """The last `demo_days` complete days, oldest first."""
    today = today or dt.datetime.now(dt.UTC).date()
    return [(today - dt.timedelta(days=n)).isoformat() for n in range(settings.demo_days, 0, -1)]


def dagster_instance(settings: Settings) -> dg.DagsterInstance:
    home = settings.dagster_home_dir
    home.mkdir(parents=True, exist_ok=True)
    config = home / "dagster.yaml"
    if not config.exists():
        # Telemetry would try the network, which this project must never need.
        config.write_text("telemetry:\n  enabled: false\n")
    os.environ["DAGSTER_HOME"] = str(home)
    return dg.DagsterInstance.get()


def run_main_job(
    settings: Settings,
    partition_keys: list[str],
    on_partition_done: Callable[[str], None] = lambda key: None,
) -> None:
    """Materialize every asset for each day, in the Dagster instance of the profile."""
    defs = build_definitions(settings)
    job = defs.resolve_job_def(main_job.name)
    with dagster_instance(settings) as instance:
        for key in partition_keys:
            result = job.execute_in_process(
                partition_key=key, instance=instance, run_config=QUIET_LOGS
            )
            if not result.success:
                raise RuntimeError(f"main job failed for partition {key}")
            on_partition_done(key)


def summarize_tables(lakehouse: Lakehouse) -> list[TableSummary]:
    catalog = lakehouse.catalog
    summaries = []
    for (namespace,) in sorted(catalog.list_namespaces()):
        for ident in sorted(catalog.list_tables(namespace)):
            table_id = ".".join(ident)
            table = catalog.load_table(table_id)
            snapshot = table.current_snapshot()
            rows = int(snapshot.summary["total-records"]) if snapshot else 0
            summaries.append(
                TableSummary(table_id, rows, snapshot.snapshot_id if snapshot else None)
            )
    return summaries
