"""Iceberg tables through the Lakehouse, on a temporary directory and on the real Ceph RGW."""

import datetime as dt
from concurrent.futures import ThreadPoolExecutor

import pyarrow as pa
import pytest

from ai4ci_assets.errors import SchemaEvolutionError
from ai4ci_assets.lake.tables import Lakehouse

TABLE = "curated.build_results"
DAYS = [dt.date(2026, 11, d) for d in (20, 21, 22, 23)]


def builds(day: dt.date, n: int, offset: int = 0) -> pa.Table:
    return pa.table(
        {
            "partition_date": pa.array([day] * n, pa.date32()),
            "build_id": pa.array([f"{day:%m%d}-{offset + i}" for i in range(n)], pa.string()),
            "duration_s": pa.array([float(i) for i in range(n)], pa.float64()),
        }
    )


@pytest.fixture
def lakehouse(backend_settings):
    return Lakehouse.from_settings(backend_settings)


def rows_by_day(lakehouse: Lakehouse) -> dict[dt.date, int]:
    counts: dict[dt.date, int] = {}
    for day in lakehouse.scan(TABLE, columns=["partition_date"]).column(0).to_pylist():
        counts[day] = counts.get(day, 0) + 1
    return counts


def test_replacing_a_partition_twice_leaves_one_copy(lakehouse):
    first = lakehouse.replace_partition(TABLE, builds(DAYS[0], 5), "partition_date", DAYS[0])
    lakehouse.replace_partition(TABLE, builds(DAYS[1], 3), "partition_date", DAYS[1])
    again = lakehouse.replace_partition(TABLE, builds(DAYS[0], 5), "partition_date", DAYS[0])
    assert rows_by_day(lakehouse) == {DAYS[0]: 5, DAYS[1]: 3}
    assert again.snapshot_id != first.snapshot_id
    assert again.snapshot_id == lakehouse.current_snapshot_id(TABLE)
    assert (again.rows_written, again.partition) == (5, "2026-11-20")


def test_a_replacement_changes_only_its_day_and_old_snapshots_stay_readable(lakehouse):
    lakehouse.replace_partition(TABLE, builds(DAYS[0], 5), "partition_date", DAYS[0])
    before = lakehouse.replace_partition(TABLE, builds(DAYS[1], 3), "partition_date", DAYS[1])
    lakehouse.replace_partition(TABLE, builds(DAYS[1], 2, offset=100), "partition_date", DAYS[1])
    assert rows_by_day(lakehouse) == {DAYS[0]: 5, DAYS[1]: 2}
    day1 = lakehouse.scan_partition(TABLE, "partition_date", DAYS[1])
    assert sorted(day1.column("build_id").to_pylist()) == ["1121-100", "1121-101"]
    old = lakehouse.scan(TABLE, snapshot_id=before.snapshot_id)
    assert old.num_rows == 8


def test_an_empty_replacement_empties_the_day(lakehouse):
    lakehouse.replace_partition(TABLE, builds(DAYS[0], 5), "partition_date", DAYS[0])
    lakehouse.replace_partition(TABLE, builds(DAYS[0], 0), "partition_date", DAYS[0])
    assert rows_by_day(lakehouse) == {}


def test_rows_of_another_day_are_refused_before_anything_is_written(lakehouse):
    lakehouse.replace_partition(TABLE, builds(DAYS[0], 2), "partition_date", DAYS[0])
    snapshot = lakehouse.current_snapshot_id(TABLE)
    mixed = pa.concat_tables([builds(DAYS[0], 1), builds(DAYS[1], 1)])
    with pytest.raises(ValueError, match="1 row\\(s\\) have partition_date other than 2026-11-20"):
        lakehouse.replace_partition(TABLE, mixed, "partition_date", DAYS[0])
    assert lakehouse.current_snapshot_id(TABLE) == snapshot


def test_concurrent_writers_of_different_days_all_land(lakehouse):
    def write(day: dt.date):
        return lakehouse.replace_partition(TABLE, builds(day, 10), "partition_date", day)

    lakehouse.replace_partition(TABLE, builds(DAYS[0], 1), "partition_date", DAYS[0])
    with ThreadPoolExecutor(max_workers=len(DAYS)) as pool:
        results = list(pool.map(write, DAYS))
    assert rows_by_day(lakehouse) == {day: 10 for day in DAYS}
    assert len({r.snapshot_id for r in results}) == len(DAYS)


def test_adding_a_column_evolves_the_table(lakehouse):
    lakehouse.replace_partition(TABLE, builds(DAYS[0], 2), "partition_date", DAYS[0])
    wider = builds(DAYS[1], 2).append_column("job", pa.array(["e2e-aws", "e2e-gcp"]))
    lakehouse.replace_partition(TABLE, wider, "partition_date", DAYS[1])
    jobs = lakehouse.scan(TABLE, columns=["partition_date", "job"]).to_pylist()
    assert sorted((r["partition_date"], r["job"] or "") for r in jobs) == [
        (DAYS[0], ""),
        (DAYS[0], ""),
        (DAYS[1], "e2e-aws"),
        (DAYS[1], "e2e-gcp"),
    ]


def test_a_narrowed_type_is_refused_and_the_table_is_untouched(lakehouse):
    lakehouse.replace_partition(TABLE, builds(DAYS[0], 2), "partition_date", DAYS[0])
    snapshot = lakehouse.current_snapshot_id(TABLE)
    narrowed = builds(DAYS[1], 2).set_column(2, "duration_s", pa.array([1.0, 2.0], pa.float32()))
    with pytest.raises(SchemaEvolutionError, match=r"curated\.build_results") as err:
        lakehouse.replace_partition(TABLE, narrowed, "partition_date", DAYS[1])
    assert "only widen" in err.value.hint
    assert lakehouse.current_snapshot_id(TABLE) == snapshot
    assert rows_by_day(lakehouse) == {DAYS[0]: 2}
    assert (
        lakehouse.catalog.load_table(TABLE).schema().find_field("duration_s").field_type.__str__()
        == "double"
    )


def test_a_table_cannot_change_its_partitioning_silently(lakehouse):
    lakehouse.replace_partition(TABLE, builds(DAYS[0], 2), "partition_date", DAYS[0])
    with pytest.raises(SchemaEvolutionError, match="partitioned by \\['partition_date'\\]"):
        lakehouse.overwrite(TABLE, builds(DAYS[0], 1))


def test_unpartitioned_overwrite_and_append(lakehouse):
    table = "ml.model_registry_index"
    data = pa.table({"model": ["ttm"], "version": [1]})
    lakehouse.overwrite(table, data)
    lakehouse.overwrite(table, data)
    assert lakehouse.scan(table).num_rows == 1
    result = lakehouse.append(table, pa.table({"model": ["ttm"], "version": [2]}))
    assert lakehouse.scan(table).num_rows == 2
    assert result.snapshot_id == lakehouse.current_snapshot_id(table)
