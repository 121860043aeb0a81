"""The Trino engine against a stand-in coordinator on 127.0.0.1.

No Trino server can be installed here, so this checks what the real `trino` client sends for
our settings and SQL (path, headers, the statement with bound values) and how the answer is
turned into Arrow.
"""

import base64
import datetime as dt
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import ClassVar

import pytest
import requests

from ai4ci_assets.engines import TrinoEngine, build_engine
from ai4ci_assets.engines.sql_files import load_sql
from ai4ci_assets.settings import Settings
from tests.conftest import prod_env


class FakeCoordinator(BaseHTTPRequestHandler):
    requests: ClassVar[list[dict]] = []

    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"])).decode()
        self.requests.append({"path": self.path, "headers": dict(self.headers), "sql": body})
        answer = {
            "id": "q1",
            "infoUri": "http://127.0.0.1/ui/q1",
            "columns": [
                {
                    "name": "partition_date",
                    "type": "date",
                    "typeSignature": {"rawType": "date", "arguments": []},
                },
                {
                    "name": "iso_week",
                    "type": "integer",
                    "typeSignature": {"rawType": "integer", "arguments": []},
                },
            ],
            "data": [["2026-11-22", 47]],
            "stats": {"state": "FINISHED"},
        }
        payload = json.dumps(answer).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, *args):
        pass


@pytest.fixture
def coordinator():
    FakeCoordinator.requests = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), FakeCoordinator)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def prod_settings(tmp_path, port, **extra):
    return Settings.from_env(
        prod_env(
            tmp_path,
            AI4CI_CATALOG_URI="postgresql://u:pw@db/iceberg",
            AI4CI_TRINO_PORT=str(port),
            AI4CI_TRINO_USER="ci-analyst",
            AI4CI_TRINO_CATALOG="lakehouse",
            **extra,
        )
    )


def test_prod_builds_a_trino_engine_from_settings(tmp_path, coordinator):
    settings = prod_settings(tmp_path, coordinator.server_port)
    engine = build_engine(settings, lakehouse=None)
    assert isinstance(engine, TrinoEngine)
    assert (engine.host, engine.port, engine.user, engine.catalog) == (
        "127.0.0.1",
        coordinator.server_port,
        "ci-analyst",
        "lakehouse",
    )


def test_query_sends_bound_parameters_and_returns_arrow(tmp_path, coordinator):
    engine = TrinoEngine.from_settings(prod_settings(tmp_path, coordinator.server_port))
    result = engine.query(load_sql("kpis/calendar_days"), {"day": "2026-11-22'; DROP"})
    assert result.to_pylist() == [{"partition_date": dt.date(2026, 11, 22), "iso_week": 47}]

    [request] = FakeCoordinator.requests
    assert request["path"] == "/v1/statement"
    headers = {k.lower(): v for k, v in request["headers"].items()}
    assert headers["x-trino-user"] == "ci-analyst"
    assert headers["x-trino-catalog"] == "lakehouse"
    assert headers["x-trino-source"] == "ai4ci"
    sql = request["sql"]
    assert sql.startswith("EXECUTE IMMEDIATE '")
    # The value travels as a quoted literal in USING, its quote doubled by the client.
    uses_of_day = sql.count("?")
    assert uses_of_day == 7
    assert sql.rstrip().endswith("USING " + ",".join(["'2026-11-22''; DROP'"] * uses_of_day))
    assert "DAY_OF_WEEK(CAST(? AS DATE))" in sql


def test_password_goes_as_basic_auth_and_not_in_the_engine_repr(tmp_path, coordinator):
    # The trino client refuses basic auth over plain http, as it should.
    settings = prod_settings(
        tmp_path,
        coordinator.server_port,
        AI4CI_TRINO_PASSWORD="pw-123",
        AI4CI_TRINO_HTTP_SCHEME="https",
    )
    engine = TrinoEngine.from_settings(settings)
    assert "pw-123" not in repr(engine)
    conn = engine.connect()
    assert conn.http_scheme == "https"
    session = requests.Session()
    conn.auth.set_http_session(session)
    prepared = session.prepare_request(
        requests.Request("POST", "https://trino.example/v1/statement")
    )
    expected = base64.b64encode(b"ci-analyst:pw-123").decode()
    assert prepared.headers["Authorization"] == f"Basic {expected}"
