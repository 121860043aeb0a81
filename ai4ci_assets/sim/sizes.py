"""How big a simulated CI world is."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class WorldSize:
    name: str
    dashboards: int
    jobs_per_dashboard: int
    tests_per_job: int
    test_pool: int  # distinct test names the jobs draw from
    days: int
    builds_per_job_per_day: int
    repos: int
    prs_per_repo: int
    bugs: int


SIZES = {
    # Seconds: for unit and contract tests.
    "tiny": WorldSize("tiny", 2, 2, 25, 40, 4, 2, 2, 30, 8),
    # The demo: 5 dashboards x 20 jobs x 300 tests over 30 days, 2,000 PRs.
    "demo": WorldSize("demo", 5, 20, 300, 1500, 30, 2, 4, 500, 300),
    # AI4CI scale: ~20,000 builds, ~7,300 distinct tests that fail at least once.
    "large": WorldSize("large", 10, 25, 420, 9000, 40, 2, 8, 1000, 2000),
}


def world_size(name: str) -> WorldSize:
    try:
        return SIZES[name]
    except KeyError:
        raise ValueError(f"unknown world size {name!r}; one of {', '.join(SIZES)}") from None
