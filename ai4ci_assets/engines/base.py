"""The one interface every SQL engine offers, and what is shared between engines."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Protocol

import pyarrow as pa

from ai4ci_assets.engines.sql_files import SqlStatement
from ai4ci_assets.lake.tables import Lakehouse, WriteResult


class SqlEngine(Protocol):
    """Runs Trino-dialect SQL from `sql/` and returns Arrow."""

    name: str

    def query(
        self, statement: SqlStatement | str, params: Mapping[str, object] | None = None
    ) -> pa.Table: ...


def materialize_partition(
    engine: SqlEngine,
    lakehouse: Lakehouse,
    statement: SqlStatement | str,
    params: Mapping[str, object] | None,
    table_id: str,
    partition_column: str,
    day: dt.date,
) -> WriteResult:
    """Run a query and atomically replace one day partition of `table_id` with its result.

    Both engines write through the same Iceberg catalog, so Trino and DuckDB results land
    in the lake the same way (in prod the catalog is the one Trino itself reads).
    """
    result = engine.query(statement, params)
    return lakehouse.replace_partition(table_id, result, partition_column, day)
