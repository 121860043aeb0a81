"""The simulated world as a child process on a free loopback port, stopped by its pid."""

from __future__ import annotations

import datetime as dt
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from ai4ci_assets.errors import Ai4ciError


@dataclass
class SimProcess:
    url: str
    pid: int
    process: subprocess.Popen

    def stop(self) -> None:
        if self.process.poll() is None:
            os.kill(self.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.kill(self.pid, signal.SIGKILL)
                self.process.wait()

    def __enter__(self) -> SimProcess:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def start_sim_process(
    size: str, seed: int, end: dt.date, faults: str = "", timeout_s: float = 120
) -> SimProcess:
    """Start `ai4ci sim serve` on a free port; returns once it answers."""
    ready = Path(tempfile.mkdtemp(prefix="ai4ci-sim-")) / "ready.json"
    command = [
        sys.executable,
        "-m",
        "ai4ci_assets.cli",
        "sim",
        "serve",
        "--size",
        size,
        "--seed",
        str(seed),
        "--end-date",
        end.isoformat(),
        "--port",
        "0",
        "--ready-file",
        str(ready),
    ]
    if faults:
        command += ["--faults", faults]
    process = subprocess.Popen(
        command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True
    )
    deadline = time.monotonic() + timeout_s
    while not ready.exists():
        if process.poll() is not None:
            raise Ai4ciError(
                f"the simulated world did not start: {process.stderr.read().strip()[-300:]}"
            )
        if time.monotonic() > deadline:
            process.kill()
            raise Ai4ciError(f"the simulated world did not answer within {timeout_s:.0f} s")
        time.sleep(0.05)
    info = json.loads(ready.read_text())
    return SimProcess(info["url"], process.pid, process)
