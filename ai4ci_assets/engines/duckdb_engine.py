"""DuckDB in-process: Trino-dialect SQL transpiled by sqlglot, lake tables read as Arrow."""

from __future__ import annotations

from collections.abc import Mapping

import duckdb
import pyarrow as pa

from ai4ci_assets.engines.sql_files import (
    SqlStatement,
    as_statement,
    check_parameters,
    to_duckdb,
)
from ai4ci_assets.errors import SqlFileError
from ai4ci_assets.lake.tables import Lakehouse


class DuckDBEngine:
    """Each query gets a fresh in-memory database holding the lake tables it names.

    DuckDB cannot load its iceberg extension offline, so tables come in through pyiceberg
    scans registered as Arrow views under their namespace (`kpi.calendar_days`).
    """

    name = "duckdb"

    def __init__(self, lakehouse: Lakehouse) -> None:
        self.lakehouse = lakehouse

    def query(
        self, statement: SqlStatement | str, params: Mapping[str, object] | None = None
    ) -> pa.Table:
        statement = as_statement(statement)
        values = check_parameters(statement, params)
        with duckdb.connect() as con:
            # Trino divides integers as integers (7/2 = 3); DuckDB does not unless told.
            con.execute("SET integer_division = true")
            self._register_tables(con, statement)
            try:
                return con.execute(to_duckdb(statement), values).fetch_arrow_table()
            except duckdb.Error as exc:
                raise SqlFileError(f"{statement.name}: DuckDB could not run it: {exc}") from exc

    def _register_tables(self, con: duckdb.DuckDBPyConnection, statement: SqlStatement) -> None:
        for i, table_id in enumerate(statement.tables):
            if not self.lakehouse.table_exists(table_id):
                raise SqlFileError(
                    f"{statement.name} reads {table_id}, which is not in the lake yet",
                    hint="materialize the asset that writes it first",
                )
            namespace, table = table_id.split(".")
            view = f"_lake_table_{i}"
            con.register(view, self.lakehouse.scan(table_id))
            con.execute(f'CREATE SCHEMA IF NOT EXISTS "{namespace}"')
            con.execute(f'CREATE VIEW "{namespace}"."{table}" AS SELECT * FROM {view}')  # noqa: S608 - identifiers from our own sql/ files
