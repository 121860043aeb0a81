"""Dagster IO manager: asset outputs (Arrow tables) to Iceberg tables, by day partition.

Assets return Arrow and never touch storage; this is the one place that decides where an
asset's rows go. An asset key `[namespace, name]` is the table `namespace.name`. A daily
partitioned asset replaces exactly its day; an unpartitioned asset replaces its table.
"""

from __future__ import annotations

import datetime as dt

import dagster as dg
import pyarrow as pa
from pyiceberg.expressions import AlwaysTrue, In

from ai4ci_assets.errors import Ai4ciError
from ai4ci_assets.lake.tables import Lakehouse, WriteResult
from ai4ci_assets.layers import PARTITION_COLUMN

PREVIEW_ROWS = 5


def table_id_for(asset_key: dg.AssetKey) -> str:
    if len(asset_key.path) != 2:
        raise Ai4ciError(
            f"asset {asset_key.to_user_string()} has no table: lake assets need a key "
            "[layer, name]",
            hint="declare the asset with key_prefix=[<layer>]",
        )
    return ".".join(asset_key.path)


class IcebergIOManager(dg.IOManager):
    def __init__(self, lakehouse: Lakehouse) -> None:
        self.lakehouse = lakehouse

    def handle_output(self, context: dg.OutputContext, obj: pa.Table) -> None:
        if not isinstance(obj, pa.Table):
            raise TypeError(f"lake assets return pyarrow.Table, got {type(obj).__name__}")
        table_id = table_id_for(context.asset_key)
        if context.has_asset_partitions:
            day = dt.date.fromisoformat(context.asset_partition_key)
            result = self.lakehouse.replace_partition(table_id, obj, PARTITION_COLUMN, day)
        else:
            result = self.lakehouse.overwrite(table_id, obj)
        context.add_output_metadata(write_metadata(result, obj))

    def load_input(self, context: dg.InputContext) -> pa.Table:
        table_id = table_id_for(context.asset_key)
        row_filter = AlwaysTrue()
        if context.has_asset_partitions:
            days = [dt.date.fromisoformat(k).isoformat() for k in context.asset_partition_keys]
            row_filter = In(PARTITION_COLUMN, days)
        return self.lakehouse.scan(table_id, row_filter)


def write_metadata(result: WriteResult, data: pa.Table) -> dict[str, dg.MetadataValue]:
    """What a person looks for after a materialization: where, how many, which version."""
    metadata = {
        "dagster/row_count": dg.MetadataValue.int(result.rows_written),
        "table": dg.MetadataValue.text(result.table),
        # Text, not int: snapshot ids use 63 bits, more than a JavaScript number holds.
        "snapshot_id": dg.MetadataValue.text(str(result.snapshot_id)),
        "preview": dg.MetadataValue.md(markdown_preview(data)),
        "dagster/column_schema": dg.MetadataValue.table_schema(
            dg.TableSchema(columns=[dg.TableColumn(f.name, str(f.type)) for f in data.schema])
        ),
    }
    if result.partition:
        metadata["partition"] = dg.MetadataValue.text(result.partition)
    return metadata


def markdown_preview(data: pa.Table, rows: int = PREVIEW_ROWS) -> str:
    head = data.slice(0, rows).to_pylist()
    names = data.column_names
    lines = ["| " + " | ".join(names) + " |", "|" + " --- |" * len(names)]
    for row in head:
        cells = [str(row[n]).replace("|", "\\|").replace("\n", " ")[:80] for n in names]
        lines.append("| " + " | ".join(cells) + " |")
    if data.num_rows > rows:
        lines.append(f"\n{rows} of {data.num_rows} rows")
    return "\n".join(lines)
