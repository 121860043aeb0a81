"""The Dagster code location: assets, jobs and the resources of the chosen profile.

Resources are built from `Settings` here and nowhere else. Nothing reads the environment at
import time: Dagster calls `defs()` when it loads the code location.
"""

from __future__ import annotations

import dagster as dg

from ai4ci_assets.engines import build_engine
from ai4ci_assets.kpis.assets import KPI_ASSETS
from ai4ci_assets.lake.io_manager import IcebergIOManager
from ai4ci_assets.lake.store import ObjectStore
from ai4ci_assets.lake.tables import Lakehouse
from ai4ci_assets.settings import Settings
from ai4ci_assets.sources.testgrid.assets import TESTGRID_ASSETS

ALL_ASSETS = [*TESTGRID_ASSETS, *KPI_ASSETS]

# The main job: every asset, one day partition per run (what `ai4ci demo` runs).
main_job = dg.define_asset_job("main", selection=dg.AssetSelection.all())


def build_resources(settings: Settings) -> dict[str, object]:
    store = ObjectStore.from_settings(settings)
    lakehouse = Lakehouse.from_settings(settings, store)
    return {
        "settings": settings,
        "lake": store,
        "lakehouse": lakehouse,
        "sql_engine": build_engine(settings, lakehouse),
        "io_manager": IcebergIOManager(lakehouse),
    }


def build_definitions(settings: Settings) -> dg.Definitions:
    return dg.Definitions(assets=ALL_ASSETS, jobs=[main_job], resources=build_resources(settings))


@dg.definitions
def defs() -> dg.Definitions:
    return build_definitions(Settings.from_env())
