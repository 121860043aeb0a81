"""The planted truth of a world, as Arrow tables that evaluation reads and ingestion never sees.

The server never serves these; `ai4ci sim truth --out DIR` writes them as Parquet files.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from ai4ci_assets.sim.render_prow import cause_signature
from ai4ci_assets.sim.world import BEHAVIOURS, CAUSES, REGRESSION, World


def _ts(ms: np.ndarray | list) -> pa.Array:
    return pa.array(np.asarray(ms, dtype="datetime64[ms]")).cast(pa.timestamp("ms", tz="UTC"))


def test_behaviour(world: World) -> pa.Table:
    rows = {
        "dashboard": [],
        "job": [],
        "test_name": [],
        "behaviour": [],
        "flake_probability": [],
        "regression_start_build_id": [],
        "regression_fixed_build_id": [],
    }
    for job in world.jobs:
        for row, test in enumerate(job.test_ids):
            regression = job.behaviour[row] == REGRESSION
            start, end = int(job.regression_start[row]), int(job.regression_end[row])
            rows["dashboard"].append(job.dashboard)
            rows["job"].append(job.name)
            rows["test_name"].append(world.test_names[test])
            rows["behaviour"].append(BEHAVIOURS[job.behaviour[row]])
            rows["flake_probability"].append(float(job.flake_p[row]))
            rows["regression_start_build_id"].append(
                str(job.build_ids[start]) if regression else None
            )
            fixed = regression and end < job.n_builds
            rows["regression_fixed_build_id"].append(str(job.build_ids[end]) if fixed else None)
    return pa.table(rows)


def builds(world: World) -> pa.Table:
    rows = {
        "job": [],
        "build_id": [],
        "started_at": [],
        "duration_s": [],
        "cause": [],
        "cause_signature": [],
        "incident_id": [],
        "cluster_id": [],
    }
    for job in world.jobs:
        rows["job"] += [job.name] * job.n_builds
        rows["build_id"] += [str(b) for b in job.build_ids]
        rows["started_at"] += job.start_ms.tolist()
        rows["duration_s"] += job.duration_s.tolist()
        rows["cause"] += [CAUSES[c] for c in job.cause]
        rows["cause_signature"] += [cause_signature(job, b) for b in range(job.n_builds)]
        rows["incident_id"] += [int(i) if i >= 0 else None for i in job.incident]
        rows["cluster_id"] += [c or None for c in job.cluster_ids]
    rows["started_at"] = _ts(rows["started_at"])
    return pa.table(rows)


def incidents(world: World) -> pa.Table:
    return pa.table(
        {
            "incident_id": [i.incident_id for i in world.incidents],
            "kind": [i.kind for i in world.incidents],
            "started_at": _ts([i.start_ms for i in world.incidents]),
            "ended_at": _ts([i.end_ms for i in world.incidents]),
            "jobs": [sorted(world.jobs[j].name for j in i.jobs) for i in world.incidents],
        }
    )


def pull_requests(world: World) -> pa.Table:
    pulls = world.pulls
    merged = [p.merged_s for p in pulls]
    return pa.table(
        {
            "repo": [
                f"{world.repos[p.repo_index][1]}/{world.repos[p.repo_index][2]}" for p in pulls
            ],
            "number": [p.number for p in pulls],
            "expected_log_hours": [p.expected_log_hours for p in pulls],
            "time_to_merge_hours": [
                (m - p.created_s) / 3600 if m else None for p, m in zip(pulls, merged, strict=True)
            ],
            "merged": [m is not None for m in merged],
        }
    )


def bug_links(world: World) -> pa.Table:
    return pa.table(
        {
            "bug_id": [b.bug_id for b in world.bugs],
            "job": [world.jobs[b.job_index].name for b in world.bugs],
            "test_name": [
                world.test_names[world.jobs[b.job_index].test_ids[b.test_row]] for b in world.bugs
            ],
        }
    )


TRUTH_TABLES = {
    "test_behaviour": test_behaviour,
    "builds": builds,
    "incidents": incidents,
    "pull_requests": pull_requests,
    "bug_links": bug_links,
}


def write_truth(world: World, out_dir: Path) -> dict[str, int]:
    """Write every truth table as `<out_dir>/<name>.parquet`; returns row counts."""
    out_dir.mkdir(parents=True, exist_ok=True)
    counts = {}
    for name, build in TRUTH_TABLES.items():
        table = build(world).replace_schema_metadata(
            {
                "world_seed": str(world.seed),
                "world_size": world.size.name,
                "world_end": world.end.isoformat(),
                "written_at": dt.datetime.now(dt.UTC).isoformat(),
            }
        )
        pq.write_table(table, out_dir / f"{name}.parquet")
        counts[name] = table.num_rows
    return counts
