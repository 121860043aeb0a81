"""KPI-layer assets, each backed by one Trino-dialect SQL file in sql/kpis/.

No `from __future__ import annotations` here: Dagster reads the context annotation at runtime.
"""

import dagster as dg
import pyarrow as pa

from ai4ci_assets.engines import SqlEngine
from ai4ci_assets.engines.sql_files import load_sql
from ai4ci_assets.layers import DAILY, KPI


@dg.asset(
    key_prefix=[KPI],
    group_name=KPI,
    partitions_def=DAILY,
    description="One row per day: ISO week and weekday, weekend flag. KPI charts join "
    "it so that days without builds still show.",
)
def calendar_days(
    context: dg.AssetExecutionContext, sql_engine: dg.ResourceParam[SqlEngine]
) -> pa.Table:
    context.log.info("running sql/kpis/calendar_days.sql on %s", sql_engine.name)
    return sql_engine.query(load_sql("kpis/calendar_days"), {"day": context.partition_key})


KPI_ASSETS = [calendar_days]
