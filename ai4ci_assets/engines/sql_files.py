"""SQL files under `sql/`: loading by name, parsing as Trino SQL, and binding parameters.

Files are written in Trino's dialect, one statement each, with named parameters (`:day`).
Values are never pasted into SQL text: each engine hands them to its driver as bound
parameters (DuckDB `$name`, Trino `?` with `EXECUTE ... USING`).

Lake tables are always qualified by their layer namespace (`curated.testgrid_test_results`),
which is how an engine tells them from CTEs.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import sqlglot
from sqlglot import exp
from sqlglot.errors import ParseError
from sqlglot.tokens import TokenType

from ai4ci_assets.errors import SqlFileError

SQL_ROOT = Path(__file__).resolve().parents[2] / "sql"
_NAME = re.compile(r"^[a-z0-9_]+(/[a-z0-9_]+)*$")


@dataclass(frozen=True)
class SqlStatement:
    """One parsed Trino-dialect statement with its parameter names and lake tables."""

    name: str
    text: str
    expression: exp.Expression
    parameters: frozenset[str]
    tables: tuple[str, ...]


def load_sql(name: str, root: Path = SQL_ROOT) -> SqlStatement:
    """Load `sql/<name>.sql`, e.g. `load_sql("kpis/calendar_days")`."""
    if not _NAME.match(name):
        raise SqlFileError(f"SQL name {name!r} is not a path of lower-case words under sql/")
    path = root / f"{name}.sql"
    if not path.is_file():
        raise SqlFileError(f"no SQL file {path}", hint="names are relative to sql/, no suffix")
    return _parse_cached(name, path.read_text())


def parse_sql(text: str, name: str = "<inline>") -> SqlStatement:
    return _parse_cached(name, text)


def all_sql_names(root: Path = SQL_ROOT) -> list[str]:
    return sorted(str(p.relative_to(root).with_suffix("")) for p in root.rglob("*.sql"))


# Bounded: inline SQL passes through here too, and each text is its own entry.
@lru_cache(maxsize=256)
def _parse_cached(name: str, text: str) -> SqlStatement:
    try:
        statements = [s for s in sqlglot.parse(text, read="trino") if s is not None]
    except ParseError as exc:
        raise SqlFileError(f"{name}: not valid Trino SQL: {exc.errors[0]['description']}") from None
    if len(statements) != 1:
        raise SqlFileError(f"{name}: holds {len(statements)} statements; one per file")
    expression = statements[0]
    names = [p.this for p in expression.find_all(exp.Placeholder)]
    if any(not isinstance(n, str) or not n or n == "?" for n in names):
        raise SqlFileError(f"{name}: use named parameters (:name), not positional '?'")
    parameters = frozenset(names)
    tables = tuple(sorted({f"{t.db}.{t.name}" for t in expression.find_all(exp.Table) if t.db}))
    return SqlStatement(name, text, expression, parameters, tables)


def as_statement(sql: SqlStatement | str) -> SqlStatement:
    return sql if isinstance(sql, SqlStatement) else parse_sql(sql)


def check_parameters(statement: SqlStatement, params: Mapping[str, object] | None) -> dict:
    """The values to bind, after checking they are exactly the statement's parameters."""
    given = dict(params or {})
    missing = sorted(statement.parameters - given.keys())
    extra = sorted(given.keys() - statement.parameters)
    if missing or extra:
        parts = []
        if missing:
            parts.append(f"missing {', '.join(missing)}")
        if extra:
            parts.append(f"unknown {', '.join(extra)}")
        raise SqlFileError(
            f"{statement.name}: parameters do not match ({'; '.join(parts)})",
            hint=f"it takes: {', '.join(sorted(statement.parameters)) or 'none'}",
        )
    return given


def to_duckdb(statement: SqlStatement) -> str:
    """DuckDB SQL with `$name` parameters (sqlglot transpilation)."""
    return statement.expression.sql(dialect="duckdb")


def to_trino_positional(
    statement: SqlStatement, params: Mapping[str, object]
) -> tuple[str, list[object]]:
    """Trino SQL with `?` parameters and the values in textual order, for the trino client."""
    text = statement.expression.sql(dialect="trino")
    tokens = sqlglot.tokenize(text, read="trino")
    pieces, values, cursor = [], [], 0
    for before, token in itertools.pairwise(tokens):
        if before.token_type == TokenType.COLON and token.text in statement.parameters:
            pieces.append(text[cursor : before.start])
            pieces.append("?")
            values.append(params[token.text])
            cursor = token.end + 1
    pieces.append(text[cursor:])
    return "".join(pieces), values
