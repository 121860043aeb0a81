"""A tiny simulated world served on 127.0.0.1 for the contract tests, and an HTTP helper."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from dataclasses import dataclass

import pytest

from ai4ci_assets.sim.server import SimServer
from ai4ci_assets.sim.world import generate_world


@dataclass
class Answer:
    status: int
    headers: dict[str, str]
    body: bytes

    def json(self) -> object:
        return json.loads(self.body)


def fetch(url: str, headers: dict[str, str] | None = None, timeout: float = 10) -> Answer:
    request = urllib.request.Request(url, headers=headers or {})  # noqa: S310 - loopback only
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
            return Answer(response.status, dict(response.headers), response.read())
    except urllib.error.HTTPError as err:
        return Answer(err.code, dict(err.headers), err.read())


@pytest.fixture(scope="session")
def world():
    return generate_world("tiny", seed=11)


@pytest.fixture(scope="session")
def sim(world):
    with SimServer(world) as server:
        yield server
