"""Lake I/O: the Iceberg layer against plain pyarrow.parquet on the same store.

Writes and reads one ~50 MB Arrow table (one day of test results) through
`Lakehouse.replace_partition` / `scan_partition`, and the same table with
`pyarrow.parquet.write_table` / `read_table` (zstd, as pyiceberg writes), on a local
directory and on a Ceph RGW this script starts and stops itself. Prints JSON.

Target: the Iceberg layer within 1.3x of plain Parquet (ratio = iceberg_s / parquet_s).

usage: uv run python bench/lake_io.py [--mb 50] [--repeat 7] [--backends local,ceph]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import statistics
import tempfile
import time
import uuid
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from ai4ci_assets.lake.store import ObjectStore
from ai4ci_assets.lake.tables import Lakehouse
from ai4ci_assets.settings import Settings
from ai4ci_assets.stack import ceph_down, ceph_up

DAY = dt.date(2026, 11, 22)


def test_results(megabytes: float, seed: int = 7) -> pa.Table:
    """A day of test results of about `megabytes` in memory (Arrow buffers)."""
    rng = np.random.default_rng(seed)
    rows = int(megabytes * 1e6 / 48)  # ~48 bytes a row with the columns below
    tests = np.array([f"[sig-{i % 40}] test {i}" for i in range(5000)])
    return pa.table(
        {
            "partition_date": pa.array(np.full(rows, np.datetime64(DAY, "D"))),
            "build_id": pa.array(rng.integers(1.6e18, 1.7e18, rows, dtype=np.int64)),
            "test_name": pa.array(tests[rng.integers(0, len(tests), rows)]).dictionary_encode(),
            "status": pa.array(rng.integers(0, 16, rows, dtype=np.int8)).cast(pa.int32()),
            "duration_s": pa.array(rng.gamma(2.0, 30.0, rows)),
        }
    ).combine_chunks()


def timed(action: Callable[[], object], repeat: int) -> float:
    """Median seconds of `repeat` runs after one warm-up run (imports, caches, connections)."""
    action()
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def measure(settings: Settings, table: pa.Table, repeat: int) -> dict[str, float]:
    store = ObjectStore.from_settings(settings)
    store.check()
    lakehouse = Lakehouse.from_settings(settings, store)
    plain_path = store.path("bench/plain/part-0.parquet")
    store.filesystem.create_dir(plain_path.rsplit("/", 1)[0], recursive=True)
    # Iceberg data columns cannot be dictionary-typed; both sides write the same plain table.
    table = table.cast(pa.schema([f.with_type(_undictionary(f.type)) for f in table.schema]))
    mb = table.nbytes / 1e6

    def iceberg_write() -> None:
        lakehouse.replace_partition("bench.test_results", table, "partition_date", DAY)

    def plain_write() -> None:
        pq.write_table(table, plain_path, filesystem=store.filesystem, compression="zstd")

    results = {
        "iceberg_write_s": timed(iceberg_write, repeat),
        "parquet_write_s": timed(plain_write, repeat),
        "iceberg_read_s": timed(
            lambda: lakehouse.scan_partition("bench.test_results", "partition_date", DAY), repeat
        ),
        "parquet_read_s": timed(
            lambda: pq.read_table(plain_path, filesystem=store.filesystem), repeat
        ),
    }
    assert lakehouse.scan_partition("bench.test_results", "partition_date", DAY).num_rows == (
        table.num_rows
    ), "a re-run must leave exactly one copy"
    out = {"table_mb": round(mb, 1), "rows": table.num_rows}
    for op in ("write", "read"):
        iceberg, plain = results[f"iceberg_{op}_s"], results[f"parquet_{op}_s"]
        out[f"iceberg_{op}_mb_s"] = round(mb / iceberg, 1)
        out[f"parquet_{op}_mb_s"] = round(mb / plain, 1)
        out[f"{op}_ratio"] = round(iceberg / plain, 2)
    return out


def _undictionary(type_: pa.DataType) -> pa.DataType:
    return type_.value_type if pa.types.is_dictionary(type_) else type_


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=float, default=50)
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--backends", default="local,ceph")
    args = parser.parse_args()
    table = test_results(args.mb)
    report: dict[str, object] = {"benchmark": "lake_io", "target_ratio": 1.3, "backends": {}}
    with tempfile.TemporaryDirectory(prefix="ai4ci-bench-") as tmp:
        home = Path(tmp)
        if "local" in args.backends:
            settings = Settings.from_env({"AI4CI_HOME": str(home / "local")})
            report["backends"]["local"] = measure(settings, table, args.repeat)
        if "ceph" in args.backends:
            state = home / "ceph"
            env = ceph_up(state)
            try:
                env.update(
                    AI4CI_PROFILE="stack",
                    AI4CI_HOME=str(home / "stack"),
                    AI4CI_S3_BUCKET=f"bench-{uuid.uuid4().hex[:8]}",
                )
                report["backends"]["ceph"] = measure(Settings.from_env(env), table, args.repeat)
            finally:
                ceph_down(state)
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
