"""Shared fixtures: settings for a temporary lake on each backend, and the real Ceph.

The Ceph cluster is started once per test session by deploy/local/ceph-up.sh (the same
script `ai4ci stack up` runs) and stopped by the pids it recorded.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from ai4ci_assets.lake.store import ObjectStore
from ai4ci_assets.settings import Settings
from ai4ci_assets.stack import ceph_down, ceph_up

REPO_ROOT = Path(__file__).resolve().parents[1]
REAL_DATA = REPO_ROOT.parent / "shared" / "data" / "real"
BACKENDS = ["local", "ceph"]


@pytest.fixture(scope="session")
def real_data() -> Path:
    if not REAL_DATA.is_dir():
        message = f"real recorded payloads not found at {REAL_DATA} (../shared is absent)"
        if os.environ.get("CI"):
            pytest.fail(message + "; CI must run the contract tests")
        pytest.skip(message)
    return REAL_DATA


@pytest.fixture(scope="session")
def ceph_state_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("ceph")


@pytest.fixture(scope="session")
def ceph_s3(ceph_state_dir: Path) -> Iterator[dict[str, str]]:
    """A real one-node Ceph RGW for this session; its S3 settings as AI4CI_* variables."""
    if shutil.which("radosgw") is None:
        message = "Ceph is not installed (make system-deps installs it)"
        if os.environ.get("CI"):
            pytest.fail(message + "; CI must run the Ceph tests")
        pytest.skip(message)
    try:
        yield ceph_up(ceph_state_dir)
    finally:
        ceph_down(ceph_state_dir)


def prod_env(home: Path, **extra: str) -> dict[str, str]:
    """The smallest complete `prod` environment (no server behind it)."""
    return {
        "AI4CI_HOME": str(home),
        "AI4CI_PROFILE": "prod",
        "AI4CI_S3_ENDPOINT": "https://s3.example",
        "AI4CI_S3_ACCESS_KEY": "a",
        "AI4CI_S3_SECRET_KEY": "b",
        **extra,
    }


def settings_for(backend: str, home: Path, ceph_env: dict[str, str] | None) -> Settings:
    """Settings for an empty lake of its own: a temp directory, or a fresh Ceph bucket."""
    if backend == "local":
        return Settings.from_env({"AI4CI_HOME": str(home)})
    env = {**ceph_env, "AI4CI_HOME": str(home), "AI4CI_PROFILE": "stack"}
    env["AI4CI_S3_BUCKET"] = f"test-{uuid.uuid4().hex[:12]}"
    settings = Settings.from_env(env)
    ObjectStore.from_settings(settings).check()  # creates the bucket
    return settings


@pytest.fixture(params=BACKENDS)
def backend_settings(request: pytest.FixtureRequest, tmp_path: Path) -> Settings:
    ceph_env = request.getfixturevalue("ceph_s3") if request.param == "ceph" else None
    return settings_for(request.param, tmp_path, ceph_env)
