"""TestGrid assets. Raw: each dashboard's `/summary`, stored exactly as received.

No `from __future__ import annotations` here: Dagster reads the context annotation at runtime.
"""

import datetime as dt

import dagster as dg
import pyarrow as pa

from ai4ci_assets.lake.store import ObjectStore
from ai4ci_assets.layers import DAILY, RAW
from ai4ci_assets.settings import Settings
from ai4ci_assets.sources.records import RecordError
from ai4ci_assets.sources.testgrid.client import TestGridClient
from ai4ci_assets.sources.testgrid.schema import decode_summary

SUMMARIES_SCHEMA = pa.schema(
    [
        ("partition_date", pa.date32()),
        ("dashboard", pa.string()),
        ("raw_key", pa.string()),
        ("payload_bytes", pa.int64()),
        ("tabs", pa.int32()),
        ("failing_tabs", pa.int32()),
        ("decode_error", pa.string()),
        ("fetched_at", pa.timestamp("us", tz="UTC")),
    ]
)


@dg.asset(
    key_prefix=[RAW],
    group_name=RAW,
    partitions_def=DAILY,
    description="Each TestGrid dashboard's /summary, stored as received under a content-"
    "addressed raw key; the table is the day's manifest of those payloads.",
)
def testgrid_summaries(
    context: dg.AssetExecutionContext,
    settings: dg.ResourceParam[Settings],
    lake: dg.ResourceParam[ObjectStore],
) -> pa.Table:
    day = dt.date.fromisoformat(context.partition_key)
    client = TestGridClient(settings.source_url("testgrid"))
    groups = [g.strip() for g in settings.testgrid_dashboard_groups.split(",") if g.strip()]
    dashboards = [d for group in groups for d in client.dashboards(group)]
    rows, new = [], 0
    for dashboard in dashboards:
        fetched = client.summary(dashboard)
        key, created = lake.put_raw_payload("testgrid", "summary", day, fetched.body)
        new += created
        rows.append(_manifest_row(day, dashboard, key, fetched.body, fetched.payload))
    context.log.info("%d dashboards from %s, %d new payloads", len(rows), client.base_url, new)
    table = pa.Table.from_pylist(rows, schema=SUMMARIES_SCHEMA)
    context.add_output_metadata(
        {
            "new_payloads": new,
            "decode_errors": sum(1 for r in rows if r["decode_error"]),
            "source": client.base_url,
        }
    )
    return table


def _manifest_row(day, dashboard, key, body, payload) -> dict:
    try:
        tabs = decode_summary(payload)
        error = None
    except RecordError as exc:
        tabs, error = [], str(exc)  # the raw payload is kept; the reason travels with it
    return {
        "partition_date": day,
        "dashboard": dashboard,
        "raw_key": key,
        "payload_bytes": len(body),
        "tabs": len(tabs),
        "failing_tabs": sum(1 for t in tabs if t.overall_status == "FAILING"),
        "decode_error": error,
        "fetched_at": dt.datetime.now(dt.UTC),
    }


TESTGRID_ASSETS = [testgrid_summaries]
