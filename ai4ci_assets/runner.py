"""Running the main job the way the Dagster UI would, so its runs show up there afterwards."""

from __future__ import annotations

import contextlib
import datetime as dt
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path

import dagster as dg

from ai4ci_assets.definitions import build_definitions, main_job
from ai4ci_assets.lake.tables import Lakehouse
from ai4ci_assets.settings import Settings
from ai4ci_assets.sim.process import start_sim_process

# The CLI reports a failure in one line; the full story stays in the run, seen in the UI.
QUIET_LOGS = {"loggers": {"console": {"config": {"log_level": "CRITICAL"}}}}


@dataclass(frozen=True)
class TableSummary:
    table_id: str
    rows: int
    snapshot_id: int | None


def demo_partition_keys(settings: Settings, today: dt.date | None = None) -> list[str]:
    """The last `demo_days` complete days, oldest first."""
    today = today or dt.datetime.now(dt.UTC).date()
    return [(today - dt.timedelta(days=n)).isoformat() for n in range(settings.demo_days, 0, -1)]


@contextlib.contextmanager
def sources_for_demo(settings: Settings) -> Iterator[tuple[Settings, str]]:
    """Outside `prod`, start the simulated CI world for the run and point the sources at it."""
    if settings.profile == "prod":
        yield settings, "the real public APIs"
        return
    today = dt.datetime.now(dt.UTC).date()
    with start_sim_process(settings.sim_size, settings.sim_seed, end=today) as sim:
        yield replace(settings, sim_url=sim.url), f"simulated world at {sim.url} (pid {sim.pid})"


def prepare_dagster_home(settings: Settings) -> Path:
    """The profile's DAGSTER_HOME, created with telemetry off (it would try the network)."""
    home = settings.dagster_home_dir
    home.mkdir(parents=True, exist_ok=True)
    config = home / "dagster.yaml"
    if not config.exists():
        config.write_text("telemetry:\n  enabled: false\n")
    return home


def dagster_instance(settings: Settings) -> dg.DagsterInstance:
    os.environ["DAGSTER_HOME"] = str(prepare_dagster_home(settings))
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
