"""`ai4ci demo` end to end: it starts the simulated world, runs the main job, stops the world."""

import os
import re
import subprocess
import sys


def test_demo_runs_the_main_job_on_the_simulated_world(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("AI4CI_")}
    env.update(AI4CI_HOME=str(tmp_path), AI4CI_SIM_SIZE="tiny", AI4CI_DEMO_DAYS="2", COLUMNS="200")
    done = subprocess.run(
        [sys.executable, "-m", "ai4ci_assets.cli", "demo"],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    out = done.stdout
    assert re.search(r"raw\.testgrid_summaries\s*│\s*4\s", out), out  # 2 dashboards x 2 days
    assert re.search(r"kpi\.calendar_days\s*│\s*2\s", out), out
    assert "Open the Dagster UI" in out
    pid = int(re.search(r"simulated world at http://127\.0\.0\.1:\d+ \(pid (\d+)\)", out).group(1))
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        pass
    else:
        raise AssertionError(f"the simulated world (pid {pid}) is still running")
