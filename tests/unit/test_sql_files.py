import datetime as dt

import pytest
import sqlglot

from ai4ci_assets.engines import DuckDBEngine
from ai4ci_assets.engines.sql_files import (
    SQL_ROOT,
    all_sql_names,
    check_parameters,
    load_sql,
    parse_sql,
    to_duckdb,
    to_trino_positional,
)
from ai4ci_assets.errors import SqlFileError
from ai4ci_assets.lake.tables import Lakehouse
from ai4ci_assets.settings import Settings


@pytest.fixture
def duckdb_engine(tmp_path):
    return DuckDBEngine(Lakehouse.from_settings(Settings.from_env({"AI4CI_HOME": str(tmp_path)})))


def test_there_are_sql_files_and_each_parses_as_one_trino_statement():
    names = all_sql_names()
    assert names, f"no SQL files under {SQL_ROOT}"
    for name in names:
        statement = load_sql(name)
        parsed = sqlglot.parse((SQL_ROOT / f"{name}.sql").read_text(), read="trino")
        assert len([p for p in parsed if p is not None]) == 1, name
        assert statement.expression.sql(dialect="trino")


@pytest.mark.parametrize("name", ["../secrets", "kpis/../../x", "KPIS/Upper", "kpis/x.sql", ""])
def test_sql_names_cannot_leave_sql_dir(name):
    with pytest.raises(SqlFileError):
        load_sql(name)


def test_missing_sql_file_is_named():
    with pytest.raises(SqlFileError, match=r"no SQL file .*kpis/nope\.sql"):
        load_sql("kpis/nope")


def test_one_statement_per_file_and_named_parameters_only():
    with pytest.raises(SqlFileError, match="2 statements"):
        parse_sql("SELECT 1; SELECT 2", "two")
    with pytest.raises(SqlFileError, match="named parameters"):
        parse_sql("SELECT * FROM kpi.x WHERE a = ?", "positional")
    with pytest.raises(SqlFileError, match="not valid Trino SQL"):
        parse_sql("SELEC 1 FROM", "broken")


def test_parameters_must_match_exactly():
    statement = parse_sql("SELECT :a AS a, :b AS b", "ab")
    assert statement.parameters == {"a", "b"}
    with pytest.raises(SqlFileError) as err:
        check_parameters(statement, {"a": 1, "c": 3})
    assert "missing b" in str(err.value) and "unknown c" in str(err.value)
    assert check_parameters(statement, {"a": 1, "b": 2}) == {"a": 1, "b": 2}


def test_lake_tables_are_the_qualified_names_not_ctes():
    statement = parse_sql(
        "WITH recent AS (SELECT * FROM curated.builds) "
        "SELECT * FROM recent JOIN kpi.calendar_days c ON true"
    )
    assert statement.tables == ("curated.builds", "kpi.calendar_days")


def test_trino_gets_positional_parameters_in_text_order():
    statement = parse_sql("SELECT :b AS x, ':a' AS literal, :a AS y, :b AS z")
    sql, values = to_trino_positional(statement, {"a": 1, "b": "two"})
    assert values == ["two", 1, "two"]
    assert sql.count("?") == 3
    assert "':a'" in sql


def test_duckdb_gets_named_parameters():
    assert "$day" in to_duckdb(parse_sql("SELECT CAST(:day AS DATE) AS d"))


def test_values_are_bound_never_pasted(duckdb_engine):
    hostile = "x'); DROP TABLE t; --"
    result = duckdb_engine.query("SELECT :v AS v, length(:v) AS n", {"v": hostile})
    assert result.to_pylist() == [{"v": hostile, "n": len(hostile)}]


def test_duckdb_divides_integers_as_trino_does(duckdb_engine):
    # sqlglot leaves `/` alone; Trino gives 3 where DuckDB would give 3.5.
    assert duckdb_engine.query("SELECT 7 / 2 AS q, 7.0 / 2 AS r").to_pylist() == [
        {"q": 3, "r": 3.5}
    ]


def test_reading_a_table_not_yet_in_the_lake_says_so(duckdb_engine):
    with pytest.raises(SqlFileError, match=r"reads curated\.nothing, which is not in the lake"):
        duckdb_engine.query("SELECT * FROM curated.nothing")


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        # A Sunday: ISO weekday 7, week starts on Monday the 16th.
        (
            "2026-11-22",
            {
                "iso_week": 47,
                "iso_day_of_week": 7,
                "is_weekend": True,
                "week_start_date": "2026-11-16",
            },
        ),
        # New Year's Day 2021 belongs to ISO week 53 of 2020.
        (
            "2021-01-01",
            {
                "iso_week": 53,
                "iso_day_of_week": 5,
                "is_weekend": False,
                "week_start_date": "2020-12-28",
            },
        ),
    ],
)
def test_calendar_days_sql_follows_trino_semantics(duckdb_engine, day, expected):
    [row] = duckdb_engine.query(load_sql("kpis/calendar_days"), {"day": day}).to_pylist()
    assert row["partition_date"] == dt.date.fromisoformat(day)
    assert row["year"] == int(day[:4])
    for column, value in expected.items():
        want = dt.date.fromisoformat(value) if column.endswith("_date") else value
        assert row[column] == want, column
