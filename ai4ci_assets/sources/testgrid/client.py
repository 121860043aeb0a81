"""TestGrid over HTTP: dashboard groups, dashboard summaries, tab tables."""

from __future__ import annotations

from urllib.parse import quote

import requests

from ai4ci_assets.sources.http import Fetched, get_json, session


class TestGridClient:
    __test__ = False  # not a pytest class, whatever its name says

    def __init__(self, base_url: str, http: requests.Session | None = None) -> None:
        self.base_url = base_url.rstrip("/")
        self.http = http or session()

    def dashboards(self, group: str) -> list[str]:
        fetched = get_json(self.http, f"{self.base_url}/api/v1/dashboard-groups/{quote(group)}")
        return [d["name"] for d in fetched.payload.get("dashboards", [])]

    def summary(self, dashboard: str) -> Fetched:
        return get_json(self.http, f"{self.base_url}/{quote(dashboard)}/summary")

    def table(self, dashboard: str, tab: str, width: int | None = None) -> Fetched:
        params = {"tab": tab, **({"width": width} if width else {})}
        return get_json(self.http, f"{self.base_url}/{quote(dashboard)}/table", params)
