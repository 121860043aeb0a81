"""The `stack` profile's local services, started by the scripts in deploy/local/.

The scripts record the pids of what they start; stopping uses only those pids.
"""

from __future__ import annotations

import os
import subprocess
from dataclasses import dataclass
from pathlib import Path

from ai4ci_assets.errors import StackError
from ai4ci_assets.settings import read_env_file

DEPLOY_LOCAL = Path(__file__).resolve().parents[1] / "deploy" / "local"
CEPH_DAEMONS = ("mon.a", "osd.0", "client.rgw.local")


@dataclass(frozen=True)
class CephStatus:
    state_dir: Path
    running: dict[str, int]  # daemon name -> pid, for those alive
    endpoint: str | None

    @property
    def up(self) -> bool:
        return len(self.running) == len(CEPH_DAEMONS)


def ceph_up(state_dir: Path) -> dict[str, str]:
    """Start Ceph (mon, memstore osd, radosgw on 127.0.0.1); returns the S3 settings."""
    _run_script("ceph-up.sh", state_dir)
    return read_env_file(state_dir / "s3.env")


def ceph_down(state_dir: Path) -> None:
    _run_script("ceph-down.sh", state_dir)


def ceph_status(state_dir: Path) -> CephStatus:
    running = {}
    for daemon in CEPH_DAEMONS:
        pid_file = state_dir / "run" / f"{daemon}.pid"
        if pid_file.exists():
            pid = int(pid_file.read_text().strip())
            if _alive(pid):
                running[daemon] = pid
    env_file = state_dir / "s3.env"
    endpoint = read_env_file(env_file).get("AI4CI_S3_ENDPOINT") if env_file.exists() else None
    return CephStatus(state_dir, running, endpoint)


def _run_script(name: str, state_dir: Path) -> None:
    script = DEPLOY_LOCAL / name
    state_dir.mkdir(parents=True, exist_ok=True)
    done = subprocess.run(
        ["bash", str(script), str(state_dir)], capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        tail = (done.stderr or done.stdout).strip().splitlines()[-3:]
        hint = (
            "install Ceph with `make system-deps`"
            if done.returncode == 3
            else (f"logs in {state_dir / 'log'}")
        )
        raise StackError(f"{name} failed (exit {done.returncode}): {' / '.join(tail)}", hint=hint)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
