"""SQL engines: DuckDB in-process (local, stack) and Trino (prod), behind one interface."""

from __future__ import annotations

from ai4ci_assets.engines.base import SqlEngine, materialize_partition
from ai4ci_assets.engines.duckdb_engine import DuckDBEngine
from ai4ci_assets.engines.trino_engine import TrinoEngine
from ai4ci_assets.lake.tables import Lakehouse
from ai4ci_assets.settings import Settings

__all__ = ["DuckDBEngine", "SqlEngine", "TrinoEngine", "build_engine", "materialize_partition"]


def build_engine(settings: Settings, lakehouse: Lakehouse) -> SqlEngine:
    if settings.engine_name == "trino":
        return TrinoEngine.from_settings(settings)
    return DuckDBEngine(lakehouse)
