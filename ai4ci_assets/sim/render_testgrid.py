"""TestGrid wire formats: dashboard group, `/<dashboard>/summary`, `/<dashboard>/table`.

Matches the recorded testgrid.k8s.io responses (see ../shared/data/real/testgrid): newest
column first, `column_ids` prefixed with U+E000, epoch-millisecond `timestamps`, run-length
encoded `statuses`, and `messages`/`short_texts` with one entry per cell that has a result.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np

from ai4ci_assets.sim import vocabulary as vocab
from ai4ci_assets.sim.world import FAIL, FLAKY, NO_RESULT, Job, World

OVERALL = "Overall"
_OVERALL_STATUS = {"PASSING": 1, "FLAKY": 3, "FAILING": 4}


def dashboard_group(world: World, group: str) -> dict | None:
    names = [d for d in world.dashboards if vocab.dashboard_group(d) == group]
    if not names:
        return None
    return {"dashboards": [{"name": d, "link": f"/{d}"} for d in names]}


def summary(world: World, dashboard: str) -> dict | None:
    jobs = [j for j in world.jobs if j.dashboard == dashboard]
    if not jobs:
        return None
    return {job.name: _tab_summary(world, job) for job in jobs}


def _tab_summary(world: World, job: Job) -> dict:
    recent = slice(max(0, job.n_builds - 10), job.n_builds)
    overall = _overall_row(job)
    passed_columns = int((overall[recent] == 1).sum())
    columns = overall[recent].size
    cells = job.statuses[:, recent]
    ran = int((cells != NO_RESULT).sum())
    passed_cells = int(((cells == 1) | (cells == FLAKY)).sum())
    status = "PASSING" if passed_columns == columns else "FLAKY" if passed_columns else "FAILING"
    green = np.flatnonzero(overall == 1)
    failing_rows = np.flatnonzero(job.statuses[:, -1] == FAIL)
    tests = [_summary_test(world, job, row) for row in failing_rows[:20]]
    if overall[-1] == FAIL:
        tests.insert(0, _summary_overall(job, overall))
    pct = 100 * passed_columns / columns if columns else 0.0
    return {
        "alert": "",
        "last_run_timestamp": int(job.start_ms[-1]),
        "last_update_timestamp": int(job.start_ms[-1] // 1000 + job.duration_s[-1]),
        "latest_green": str(job.build_ids[green[-1]]) if green.size else "",
        "overall_status": status,
        "overall_status_icon": {"PASSING": "done", "FLAKY": "remove_circle_outline"}.get(
            status, "warning"
        ),
        "status": f"{passed_columns} of {columns} ({pct:.1f}%) recent columns passed "
        f"({passed_cells} of {ran} or {100 * passed_cells / max(ran, 1):.1f}% cells)",
        "tests": tests,
        "dashboard_name": job.dashboard,
    }


def _summary_overall(job: Job, overall: np.ndarray) -> dict:
    fails = np.flatnonzero(overall == FAIL)
    passes = np.flatnonzero(overall == 1)
    return _summary_entry(OVERALL, len(fails), job, fails, passes, "")


def _summary_test(world: World, job: Job, row: int) -> dict:
    fails = np.flatnonzero(job.statuses[row] == FAIL)
    passes = np.flatnonzero(job.statuses[row] == 1)
    name = world.test_names[job.test_ids[row]]
    return _summary_entry(name, len(fails), job, fails, passes, failure_message(world, job, row))


def _summary_entry(name, fail_count, job, fails, passes, message) -> dict:
    return {
        "display_name": name,
        "test_name": name,
        "fail_count": int(fail_count),
        "fail_timestamp": int(job.start_ms[fails[-1]] // 1000) if fails.size else 0,
        "pass_timestamp": int(job.start_ms[passes[-1]] // 1000) if passes.size else 0,
        "build_link": "",
        "build_url_text": "",
        "build_link_text": "",
        "failure_message": message,
        "linked_bugs": [],
        "fail_test_link": "",
    }


def failure_message(world: World, job: Job, row: int) -> str:
    if row == 0:
        return "failed to install the cluster: bootstrap failed to complete"
    return (
        f"fail [github.com/openshift/origin/test/extended/util/client.go:{100 + row}]: "
        f"Unexpected error: timed out waiting for the condition ({job.cloud})"
    )


def table(
    world: World,
    dashboard: str,
    tab: str,
    width: int | None = None,
    exclude_regexes: Sequence[str] = (),
    bugs_by_row: dict[int, list[str]] | None = None,
) -> dict | None:
    job = world.job(tab)
    if job is None or job.dashboard != dashboard:
        return None
    order = np.arange(job.n_builds)[::-1]  # newest first
    if width:
        order = order[:width]
    excluded = [re.compile(r) for r in exclude_regexes]
    rows = [(-1, OVERALL)] + [(row, world.test_names[t]) for row, t in enumerate(job.test_ids)]
    rows = [(row, name) for row, name in rows if not any(r.search(name) for r in excluded)]
    overall = _overall_row(job)
    tests = []
    for row, name in rows:
        if row < 0:
            cells, durations = overall[order], (job.duration_s / 60)[order]
        else:
            cells, durations = job.statuses[row][order], job.duration_min[row][order]
        linked = (bugs_by_row or {}).get(row, [])
        tests.append(_row(world, job, row, name, cells, durations, order, linked))
    build_ids = [str(b) for b in job.build_ids[order]]
    failing = sum(1 for t in tests if t["alert"])
    return {
        "test-group-name": re.sub(r"[^a-z0-9]", "", tab.lower()),
        "query": f"test-platform-results/logs/{tab}",
        "status": "Served from cache in 0.01 seconds",
        "phase-timer": {
            "phases": [
                "config load",
                "cache read + validate (gcs stat)",
                "table deserialize (gob+snappy)",
                "table querying",
            ],
            "delta": [0.00003, 0.0071, 0.0052, 0.0018],
            "total": 0.01423,
        },
        "cached": True,
        "summary": "",
        "bugs": {},
        "changelists": build_ids,
        "column_ids": ["\ue000" + b for b in build_ids],
        "custom-columns": [["1"] * len(order), [job.cloud] * len(order)],
        "column-header-names": ["Date", "Time", "Commit", "Commit", "Infra-Commit"],
        "groups": [""] * len(order),
        "metrics": ["test-duration-minutes"],
        "tests": tests,
        "row_ids": [t["name"] for t in tests],
        "timestamps": [int(ms) for ms in job.start_ms[order]],
        "clusters": _clusters(world, job, order),
        "test_id_map": None,
        "test-metadata": {},
        "stale-test-threshold": 10,
        "num-stale-tests": 0,
        "add-tabular-names-option": False,
        "show-tabular-names": False,
        "description": "",
        "bug-component": 0,
        "code-search-path": "https://github.com/openshift/origin/search",
        "open-test-template": {
            "url": "https://prow.ci.openshift.org/view/gs/<gcs_prefix>/<changelist>",
            "options": {},
        },
        "file-bug-template": {
            "url": "https://bugzilla.redhat.com/enter_bug.cgi",
            "options": {
                "cf_environment": "test: <test-name>",
                "cf_internal_whiteboard": "buildcop",
                "classification": "Red Hat",
                "comment": "test: <test-name> failed, see job: <link>",
                "product": "OpenShift Container Platform",
                "short_desc": "test: <test-name>",
            },
        },
        "attach-bug-template": {"url": "", "options": {}},
        "results-url-template": {
            "url": "https://prow.ci.openshift.org/job-history/<gcs_prefix>",
            "options": {},
        },
        "code-search-url-template": {
            "url": "https://github.com/openshift/origin/compare/<start-custom-0>...<end-custom-0>",
            "options": {},
        },
        "about-dashboard-url": "",
        "open-bug-template": {"url": "https://github.com/openshift/origin/issues/", "options": {}},
        "results-text": "See these results on Prow",
        "latest-green": next(
            (b for b, s in zip(build_ids, overall[order], strict=True) if s == 1), ""
        ),
        "triage-enabled": False,
        "notifications": None,
        "overall-status": _OVERALL_STATUS["FAILING" if failing else "PASSING"],
    }


def _overall_row(job: Job) -> np.ndarray:
    failed = (job.statuses == FAIL).any(axis=0)
    return np.where(failed, FAIL, 1).astype(np.int8)


def run_length(cells: np.ndarray) -> list[dict[str, int]]:
    out: list[dict[str, int]] = []
    for value in cells.tolist():
        if out and out[-1]["value"] == value:
            out[-1]["count"] += 1
        else:
            out.append({"count": 1, "value": value})
    return out


def _row(world, job, row, name, cells, durations, order, linked) -> dict:
    has_result = cells != NO_RESULT
    message = "" if row < 0 else failure_message(world, job, row)
    messages = [message if c == FAIL else "" for c in cells[has_result].tolist()]
    short = ["F" if c == FAIL else "" for c in cells[has_result].tolist()]
    values = [round(float(d), 3) for d in durations[has_result]]
    return {
        "name": name,
        "original-name": name,
        "alert": _alert(job, name, cells, order),
        "linked_bugs": linked,
        "messages": messages,
        "short_texts": short,
        "statuses": run_length(cells),
        "target": name,
        "graphs": [{"metric": ["test-duration-minutes"], "values": [values]}],
    }


def _alert(job: Job, name: str, cells: np.ndarray, order: np.ndarray) -> dict | None:
    ran = np.flatnonzero(cells != NO_RESULT)
    streak = 0
    for i in ran:
        if cells[i] != FAIL:
            break
        streak += 1
    if streak < 3:
        return None
    first_fail = ran[streak - 1]
    last_pass = ran[streak] if streak < len(ran) else None
    return {
        "fail-cl": str(job.build_ids[order[first_fail]]),
        "fail-count": streak,
        "fail-time": int(job.start_ms[order[first_fail]]),
        "text": f"Alert: {streak} failures",
        "message": "",
        "link-text": "",
        "link": "",
        "url-text": "",
        "test-id": "",
        "pass-cl": str(job.build_ids[order[last_pass]]) if last_pass is not None else "",
        "pass-count": 0,
        "pass-time": int(job.start_ms[order[last_pass]]) if last_pass is not None else 0,
        "code-search-path": "github.com/openshift/origin/search",
        "test-name": name,
    }


def _clusters(world: World, job: Job, order: np.ndarray) -> list[dict]:
    """Failure clusters. TestGrid groups failures by similar text; every simulated failure
    message is one family ("timed out waiting for the condition"), so there is one cluster,
    holding `Overall` too, as in the recorded table."""
    overall = _overall_row(job)[order]
    results = {}
    if (overall == FAIL).any():
        results[OVERALL] = [int(c) for c in np.flatnonzero(overall == FAIL)]
    for row in range(len(job.test_ids)):
        failed = np.flatnonzero(job.statuses[row, order] == FAIL)
        if failed.size:
            results[world.test_names[job.test_ids[row]]] = [int(c) for c in failed]
    if not results:
        return []
    area = sum(map(len, results.values()))
    return [{"test_status": FAIL, "message": "", "area": area, "test_results": results}]
