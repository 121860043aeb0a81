"""The lakehouse's layers (asset groups and table namespaces) and the shared daily partitions."""

from __future__ import annotations

import dagster as dg

RAW = "raw"
CURATED = "curated"
KPI = "kpi"
QUALITY = "quality"
ML = "ml"
DASHBOARDS = "dashboards"
LAYERS = (RAW, CURATED, KPI, QUALITY, ML, DASHBOARDS)

# Every day-partitioned table carries its day in this column; Iceberg partitions on it.
PARTITION_COLUMN = "partition_date"

# The earliest CI data ai4ci knows of (OpenShift 4.4 TestGrid, 2020) fits after this.
DAILY = dg.DailyPartitionsDefinition(start_date="2019-01-01")
