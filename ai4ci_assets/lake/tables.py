"""Iceberg tables in the lake, through a pyiceberg SQL catalog.

Why Iceberg and not plain Parquet files: the object store has no atomic rename, so replacing
a day's files leaves readers a window of missing or doubled rows. An Iceberg commit swaps the
table's metadata pointer in one catalog transaction, so replacing a partition is atomic, a
re-run replaces it exactly once, and each version has a snapshot id that models can name.

The SQL catalog is SQLite for `local`/`stack` and PostgreSQL in `prod`, where it is the same
database Trino's Iceberg connector reads (`iceberg.catalog.type=jdbc`).
"""

from __future__ import annotations

import datetime as dt
import random
import time
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import pyarrow as pa
import pyarrow.compute as pc
from pyiceberg.catalog.sql import SqlCatalog
from pyiceberg.exceptions import CommitFailedException, NoSuchTableError, ResolveError
from pyiceberg.expressions import AlwaysTrue, BooleanExpression, EqualTo
from pyiceberg.io.pyarrow import _pyarrow_to_schema_without_ids  # no public equivalent
from pyiceberg.schema import Schema, promote
from pyiceberg.table import Table
from sqlalchemy import make_url
from sqlalchemy.exc import SQLAlchemyError

from ai4ci_assets.errors import CatalogUnreachableError, SchemaEvolutionError
from ai4ci_assets.lake.store import ObjectStore, prepare_s3_environment
from ai4ci_assets.settings import Settings

_COMMIT_ATTEMPTS = 8
_WIDEN_ONLY = (
    "a column's type may only widen (int -> long, float -> double); "
    "write a new column or a new table instead"
)


@dataclass(frozen=True)
class WriteResult:
    """What a write did, for asset metadata and model lineage."""

    table: str
    snapshot_id: int
    rows_written: int
    partition: str | None = None


class Lakehouse:
    """Create, evolve, write and scan the lake's Iceberg tables."""

    def __init__(self, catalog: SqlCatalog) -> None:
        self.catalog = catalog

    @classmethod
    def from_settings(cls, settings: Settings, store: ObjectStore | None = None) -> Lakehouse:
        store = store or ObjectStore.from_settings(settings)
        properties = {"uri": settings.catalog_uri_value(), "warehouse": f"{store.uri}/warehouse"}
        if settings.uses_s3:
            prepare_s3_environment()
            properties.update(
                {
                    "s3.endpoint": settings.s3_endpoint,
                    "s3.region": settings.s3_region,
                    "s3.access-key-id": settings.s3_access_key.reveal(),
                    "s3.secret-access-key": settings.s3_secret_key.reveal(),
                    "s3.connect-timeout": "3",
                }
            )
        if properties["uri"].startswith("sqlite:///"):
            settings.home.mkdir(parents=True, exist_ok=True)
        try:
            catalog = SqlCatalog(settings.catalog_name, **properties)
        except SQLAlchemyError as exc:
            shown = make_url(properties["uri"]).render_as_string(hide_password=True)
            raise CatalogUnreachableError(
                f"Iceberg catalog database {shown} cannot be opened: {type(exc).__name__}",
                hint="check AI4CI_CATALOG_URI and that the database is up",
            ) from exc
        return cls(catalog)

    # ---- tables ----------------------------------------------------------------------------

    def ensure_table(
        self, table_id: str, schema: pa.Schema, partition_column: str | None = None
    ) -> Table:
        """Create the table, or evolve it to `schema` by adding columns and widening types.

        A change that would lose data (a type narrowed, say) raises SchemaEvolutionError
        and leaves the table as it was.
        """
        namespace = table_id.rsplit(".", 1)[0]
        self.catalog.create_namespace_if_not_exists(namespace)
        try:
            table = self.catalog.load_table(table_id)
        except NoSuchTableError:
            table = self._create(table_id, schema, partition_column)
        else:
            self._evolve(table, schema)
        self._check_partitioning(table, partition_column)
        return table

    def _create(self, table_id: str, schema: pa.Schema, partition_column: str | None) -> Table:
        table = self.catalog.create_table_if_not_exists(table_id, schema=schema)
        if partition_column and not table.spec().fields:
            if partition_column not in schema.names:
                raise SchemaEvolutionError(
                    f"table {table_id}: partition column {partition_column!r} is not in the schema"
                )
            with table.update_spec() as spec:
                spec.add_identity(partition_column)
        return table

    def _evolve(self, table: Table, schema: pa.Schema) -> None:
        table_id = ".".join(table.name())
        try:
            declared = _pyarrow_to_schema_without_ids(schema, downcast_ns_timestamp_to_us=True)
            _check_only_widening(table_id, table.schema(), declared)
            with table.update_schema() as update:
                update.union_by_name(schema)
        except (ValueError, TypeError) as exc:
            raise SchemaEvolutionError(
                f"table {table_id}: the declared schema cannot be applied: {exc}",
                hint=_WIDEN_ONLY,
            ) from exc

    @staticmethod
    def _check_partitioning(table: Table, partition_column: str | None) -> None:
        current = [table.schema().find_column_name(f.source_id) for f in table.spec().fields]
        wanted = [partition_column] if partition_column else []
        if current != wanted:
            raise SchemaEvolutionError(
                f"table {'.'.join(table.name())} is partitioned by {current}, "
                f"but the caller declared {wanted}"
            )

    def table_exists(self, table_id: str) -> bool:
        return self.catalog.table_exists(table_id)

    def current_snapshot_id(self, table_id: str) -> int | None:
        snapshot = self.catalog.load_table(table_id).current_snapshot()
        return snapshot.snapshot_id if snapshot else None

    # ---- writes ----------------------------------------------------------------------------

    def replace_partition(
        self, table_id: str, data: pa.Table, partition_column: str, day: dt.date
    ) -> WriteResult:
        """Replace every row of one day partition with `data`, in one atomic commit.

        Re-running with the same data leaves exactly one copy of its rows; an empty `data`
        empties the partition.
        """
        stray = _rows_outside_partition(data, partition_column, day)
        if stray:
            raise ValueError(
                f"{table_id}: {stray} row(s) have {partition_column} other than {day}; "
                "a partition write must only hold its own day"
            )
        table = self.ensure_table(table_id, data.schema, partition_column)
        row_filter = EqualTo(partition_column, day.isoformat())
        snapshot_id = self._commit(table, lambda t: _overwrite(t, data, row_filter))
        return WriteResult(table_id, snapshot_id, data.num_rows, day.isoformat())

    def overwrite(self, table_id: str, data: pa.Table) -> WriteResult:
        """Replace the whole (unpartitioned) table with `data`, atomically."""
        table = self.ensure_table(table_id, data.schema)
        snapshot_id = self._commit(table, lambda t: _overwrite(t, data, AlwaysTrue()))
        return WriteResult(table_id, snapshot_id, data.num_rows)

    def append(
        self, table_id: str, data: pa.Table, partition_column: str | None = None
    ) -> WriteResult:
        """Add rows (for logs that only grow, such as quarantine and prediction logs)."""
        table = self.ensure_table(table_id, data.schema, partition_column)
        snapshot_id = self._commit(table, lambda t: t.append(data))
        return WriteResult(table_id, snapshot_id, data.num_rows)

    def _commit(self, table: Table, write: Callable[[Table], None]) -> int:
        """Run one write on the table; retry on a newer version if another writer got first.

        Two writers of different partitions both read version N and try to commit N+1; the
        catalog accepts one. The other reloads the table and writes again on top of it.
        """
        for attempt in range(_COMMIT_ATTEMPTS):
            try:
                write(table)
            except CommitFailedException:
                if attempt == _COMMIT_ATTEMPTS - 1:
                    raise
                time.sleep(random.uniform(0.02, 0.1) * (2**attempt))  # noqa: S311 - jitter
                table = self.catalog.load_table(table.name())
            else:
                return table.current_snapshot().snapshot_id
        raise AssertionError("unreachable")

    # ---- reads -----------------------------------------------------------------------------

    def scan(
        self,
        table_id: str,
        row_filter: BooleanExpression | str = AlwaysTrue(),  # noqa: B008 - immutable
        columns: Sequence[str] | None = None,
        snapshot_id: int | None = None,
    ) -> pa.Table:
        table = self.catalog.load_table(table_id)
        scan = table.scan(
            row_filter=row_filter,
            selected_fields=tuple(columns) if columns else ("*",),
            snapshot_id=snapshot_id,
        )
        return scan.to_arrow()

    def scan_partition(self, table_id: str, partition_column: str, day: dt.date) -> pa.Table:
        return self.scan(table_id, EqualTo(partition_column, day.isoformat()))


def _check_only_widening(table_id: str, stored: Schema, declared: Schema) -> None:
    """pyiceberg quietly keeps the stored type when a declaration narrows it; we refuse."""
    for field in declared.fields:
        try:
            current = stored.find_field(field.name)
        except ValueError:
            continue  # a new column
        if current.field_type == field.field_type:
            continue
        try:
            promote(current.field_type, field.field_type)
        except ResolveError:
            raise SchemaEvolutionError(
                f"table {table_id}: column {field.name!r} is {current.field_type} in the "
                f"table; the declared {field.field_type} would narrow or change it",
                hint=_WIDEN_ONLY,
            ) from None


def _rows_outside_partition(data: pa.Table, column: str, day: dt.date) -> int:
    if data.num_rows == 0:
        return 0
    if column not in data.column_names:
        raise ValueError(f"partition column {column!r} missing from the data")
    values = data.column(column).cast(pa.date32())
    matching = pc.sum(pc.equal(values, pa.scalar(day, pa.date32()))).as_py() or 0
    return data.num_rows - matching


def _overwrite(table: Table, data: pa.Table, row_filter: BooleanExpression) -> None:
    with warnings.catch_warnings():
        # The first write of a day deletes nothing, and pyiceberg warns about that.
        warnings.filterwarnings("ignore", "Delete operation did not match any records")
        table.overwrite(data, overwrite_filter=row_filter)
