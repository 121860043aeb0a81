"""Trino (prod): the same SQL files, sent as prepared statements to a Trino coordinator."""

from __future__ import annotations

from collections.abc import Mapping
from contextlib import closing
from dataclasses import dataclass

import pyarrow as pa
import trino

from ai4ci_assets.engines.sql_files import (
    SqlStatement,
    as_statement,
    check_parameters,
    to_trino_positional,
)
from ai4ci_assets.settings import Secret, Settings


@dataclass(frozen=True)
class TrinoEngine:
    """Connection settings for a Trino coordinator whose Iceberg catalog holds the lake."""

    host: str
    port: int
    user: str
    catalog: str
    http_scheme: str = "http"
    password: Secret | None = None
    request_timeout_s: float = 300.0
    name: str = "trino"

    @classmethod
    def from_settings(cls, settings: Settings) -> TrinoEngine:
        return cls(
            host=settings.trino_host,
            port=settings.trino_port,
            user=settings.trino_user,
            catalog=settings.trino_catalog,
            http_scheme=settings.trino_http_scheme,
            password=settings.trino_password,
        )

    def connect(self) -> trino.dbapi.Connection:
        auth = None
        if self.password is not None:
            auth = trino.auth.BasicAuthentication(self.user, self.password.reveal())
        return trino.dbapi.connect(
            host=self.host,
            port=self.port,
            user=self.user,
            catalog=self.catalog,
            http_scheme=self.http_scheme,
            auth=auth,
            request_timeout=self.request_timeout_s,
            source="ai4ci",
            # Parameters go as EXECUTE IMMEDIATE ... USING (Trino 418+), one request each.
            legacy_prepared_statements=False,
        )

    def query(
        self, statement: SqlStatement | str, params: Mapping[str, object] | None = None
    ) -> pa.Table:
        statement = as_statement(statement)
        sql, values = to_trino_positional(statement, check_parameters(statement, params))
        with closing(self.connect()) as conn:
            cursor = conn.cursor()
            cursor.execute(sql, values or None)
            rows = cursor.fetchall()
            names = [column[0] for column in cursor.description]
        return pa.table({name: [row[i] for row in rows] for i, name in enumerate(names)})
