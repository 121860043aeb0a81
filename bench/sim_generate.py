"""Simulated world generation speed: seconds and TestGrid cells per second, by size.

Also times rendering, the work the server does per request: every TestGrid table of the
world (decoded back by the same schema code ingestion uses) and a sample of build logs.
Prints JSON.

usage: uv run python bench/sim_generate.py [--sizes demo,large] [--seed 1]
"""

from __future__ import annotations

import argparse
import json
import time

import numpy as np

from ai4ci_assets.sim import render_testgrid as tg
from ai4ci_assets.sim.render_prow import build_log
from ai4ci_assets.sim.world import FAIL, generate_world


def measure(size: str, seed: int) -> dict:
    start = time.perf_counter()
    world = generate_world(size, seed)
    generate_s = time.perf_counter() - start
    cells = world.cells()
    failing_tests = {
        world.test_names[t]
        for j in world.jobs
        for t in j.test_ids[(j.statuses == FAIL).any(axis=1)]
    }

    start = time.perf_counter()
    table_bytes = 0
    for job in world.jobs:
        table_bytes += len(json.dumps(tg.table(world, job.dashboard, job.name)))
    tables_s = time.perf_counter() - start

    sample = [
        (j, b)
        for j in world.jobs[:: max(1, len(world.jobs) // 20)]
        for b in range(0, j.n_builds, 10)
    ]
    start = time.perf_counter()
    for job, build in sample:
        build_log(world, job, build)
    logs_s = time.perf_counter() - start
    return {
        "generate_s": round(generate_s, 2),
        "cells": cells,
        "cells_per_s": int(cells / generate_s),
        "jobs": len(world.jobs),
        "builds": int(sum(j.n_builds for j in world.jobs)),
        "distinct_failing_tests": len(failing_tests),
        "pull_requests": len(world.pulls),
        "bugs": len(world.bugs),
        "render_all_tables_s": round(tables_s, 2),
        "table_mb": round(table_bytes / 1e6, 1),
        "build_logs_per_s": int(len(sample) / logs_s),
        "build_pass_rate": round(float(np.mean([np.mean(j.cause == 0) for j in world.jobs])), 3),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="demo,large")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    report = {"benchmark": "sim_generate", "sizes": {}}
    for size in args.sizes.split(","):
        report["sizes"][size] = measure(size, args.seed)
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
