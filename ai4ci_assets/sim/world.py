"""A seeded, reproducible CI world with planted truth.

The world is plain data: jobs with their builds and a (tests x builds) status matrix, CI
incidents, pull requests and bugs. Payload renderers (`sim/render_*.py`) turn it into the real
APIs' wire formats; `truth.py` turns the planted truth into tables that evaluation reads and
ingestion never sees. Everything random comes from `numpy` generators seeded by
`(seed, component)`, so the same seed and end date give byte-identical payloads.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np

from ai4ci_assets.sim import vocabulary as vocab
from ai4ci_assets.sim.sizes import WorldSize, world_size

# TestGrid's status enum (the values seen in the real data are 0, 1 and 12).
NO_RESULT, PASS, FAIL, FLAKY = 0, 1, 12, 13

# What each test was planted to do, per job (the truth evaluation checks against).
STABLE, FLAKY_TEST, REGRESSION, INFRA_SENSITIVE, INSTALL_STEP = range(5)
BEHAVIOURS = ("stable", "flaky", "regression", "infra_sensitive", "install_step")

# Why a build failed (build-log truth).
CAUSES = ("passed", "test_failure", "install_failure", "lease_failure", "infra_incident")
PASSED, TEST_FAILURE, INSTALL_FAILURE, LEASE_FAILURE, INFRA_INCIDENT = range(5)

DEFAULT_END = dt.date(2026, 11, 25)
# In an infra incident every test of an affected build may fail: a "failure waterfall".
WATERFALL_FAIL_P = 0.01
STABLE_FAIL_P = 0.0013  # a stable test still fails now and then
_SNOWFLAKE_EPOCH_MS = 1288834974657  # Prow's build ids are Twitter snowflakes


def snowflake_id(epoch_ms: np.ndarray, sequence: np.ndarray) -> np.ndarray:
    return ((epoch_ms - _SNOWFLAKE_EPOCH_MS) << 22) | (sequence & 0x3FFFFF)


@dataclass
class Incident:
    incident_id: int
    start_ms: int
    end_ms: int
    kind: str
    jobs: frozenset[int]


@dataclass
class Job:
    index: int
    dashboard: str
    name: str
    kind: str  # "periodic" | "presubmit"
    org: str
    repo: str
    cloud: str
    test_ids: np.ndarray  # rows: indices into World.test_names; row 0 is the install step
    behaviour: np.ndarray  # per row: STABLE, FLAKY_TEST, ...
    flake_p: np.ndarray  # per row
    regression_start: np.ndarray  # per row: build index where a regression starts, or -1
    regression_end: np.ndarray  # per row: build index where it was fixed, or n_builds
    start_ms: np.ndarray  # per build, chronological
    build_ids: np.ndarray
    duration_s: np.ndarray
    statuses: np.ndarray  # int8 (rows, builds)
    duration_min: np.ndarray  # float32 (rows, builds); NaN where not run
    cause: np.ndarray  # per build: index into CAUSES
    incident: np.ndarray  # per build: incident id or -1
    pull_numbers: np.ndarray  # per build: PR number for presubmits, else 0
    cluster_ids: list[str] = field(default_factory=list)  # per build: "" when no cluster

    @property
    def n_builds(self) -> int:
        return len(self.build_ids)


@dataclass
class PullRequest:
    repo_index: int
    number: int
    author: str
    author_merged_before: int
    title: str
    body_length: int
    labels: list[str]
    files: list[tuple[str, int, int]]  # (path, additions, deletions)
    commits: int
    reviewers: list[str]
    reviews: list[tuple[str, str, int]]  # (reviewer, state, epoch seconds)
    created_s: int
    merged_s: int | None
    closed_s: int | None
    updated_s: int
    expected_log_hours: float  # the generating function's value, before noise


@dataclass
class Bug:
    bug_id: int
    job_index: int
    test_row: int
    component: str
    severity: str
    priority: str
    created_s: int
    history: list[tuple[int, str, str, str]]  # (epoch s, who, field, added) in order
    comments: list[tuple[int, str, str]]  # (epoch s, author, text)

    @property
    def status(self) -> str:
        statuses = [added for _, _, field_name, added in self.history if field_name == "status"]
        return statuses[-1] if statuses else "NEW"

    @property
    def last_change_s(self) -> int:
        return max([self.created_s] + [h[0] for h in self.history] + [c[0] for c in self.comments])


@dataclass
class World:
    seed: int
    size: WorldSize
    start: dt.date
    end: dt.date  # exclusive
    dashboards: list[str]
    test_names: list[str]
    jobs: list[Job]
    incidents: list[Incident]
    repos: list[tuple[int, str, str]]  # (repository id, org, name)
    pulls: list[PullRequest]
    bugs: list[Bug]

    @property
    def end_ms(self) -> int:
        return _epoch_ms(self.end)

    def job(self, name: str) -> Job | None:
        return self._jobs_by_name.get(name)

    @cached_property
    def _jobs_by_name(self) -> dict[str, Job]:
        return {j.name: j for j in self.jobs}

    def cells(self) -> int:
        return sum(j.statuses.size for j in self.jobs)


def generate_world(
    size: str | WorldSize = "tiny", seed: int = 1, end: dt.date = DEFAULT_END
) -> World:
    size = world_size(size) if isinstance(size, str) else size
    start = end - dt.timedelta(days=size.days)
    rng = _rng(seed, "names")
    test_names = vocab.test_names(rng, size.test_pool)
    dashboards = vocab.dashboards(size.dashboards)
    repos = [
        (40_000_000 + i * 7919, "openshift", r) for i, r in enumerate(vocab.REPOS[: size.repos])
    ]
    incidents = _incidents(_rng(seed, "incidents"), size, start, end)
    traits = _test_traits(_rng(seed, "traits"), size.test_pool)
    jobs = []
    for d, dashboard in enumerate(dashboards):
        for k in range(size.jobs_per_dashboard):
            index = d * size.jobs_per_dashboard + k
            jobs.append(
                _job(
                    _rng(seed, "job", index),
                    index,
                    dashboard,
                    size,
                    start,
                    end,
                    incidents,
                    repos,
                    traits,
                )
            )
    pulls = _pulls(_rng(seed, "pulls"), size, repos, end)
    bugs = _bugs(_rng(seed, "bugs"), size, jobs, test_names, end)
    return World(
        seed, size, start, end, dashboards, test_names, jobs, incidents, repos, pulls, bugs
    )


def _rng(seed: int, component: str, index: int = 0) -> np.random.Generator:
    return np.random.default_rng(
        [seed, sum(ord(c) * 31**i for i, c in enumerate(component)) % 2**31, index]
    )


def _epoch_ms(day: dt.date) -> int:
    return int(dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC).timestamp() * 1000)


def _incidents(
    rng: np.random.Generator, size: WorldSize, start: dt.date, end: dt.date
) -> list[Incident]:
    jobs_total = size.dashboards * size.jobs_per_dashboard
    count = max(1, size.days // 5)
    span_ms = _epoch_ms(end) - _epoch_ms(start)
    incidents = []
    for i in range(count):
        begin = _epoch_ms(start) + int(rng.uniform(0.05, 0.95) * span_ms)
        length = int(rng.uniform(12, 30) * 3_600_000)
        affected = rng.choice(
            jobs_total, size=max(1, int(jobs_total * rng.uniform(0.3, 0.7))), replace=False
        )
        kind = str(rng.choice(["cloud_api_outage", "registry_outage", "build_cluster_overload"]))
        incidents.append(
            Incident(i, begin, begin + length, kind, frozenset(int(j) for j in affected))
        )
    return incidents


def _test_traits(rng: np.random.Generator, pool: int) -> tuple[np.ndarray, np.ndarray]:
    """Flakiness and infra sensitivity belong to a test, whichever job runs it."""
    behaviour = rng.choice([STABLE, FLAKY_TEST, INFRA_SENSITIVE], size=pool, p=[0.905, 0.04, 0.055])
    flake_p = np.where(behaviour == FLAKY_TEST, rng.uniform(0.005, 0.05, pool), STABLE_FAIL_P)
    return behaviour.astype(np.int8), flake_p


def _job(rng, index, dashboard, size, start, end, incidents, repos, traits) -> Job:
    presubmit = index % 3 == 2
    org, repo = (
        ("openshift", repos[index % len(repos)][2]) if presubmit else ("openshift", "release")
    )
    cloud = vocab.CLOUDS[index % len(vocab.CLOUDS)]
    name = vocab.job_name(dashboard, index, cloud, presubmit, repo)
    n_rows = size.tests_per_job
    test_ids = np.concatenate(
        [[0], 1 + rng.choice(size.test_pool - 1, size=n_rows - 1, replace=False)]
    ).astype(np.int32)

    # Builds: a few a day at random times, chronological.
    days = (end - start).days
    n_builds = days * size.builds_per_job_per_day
    day_ms = np.repeat(np.arange(days), size.builds_per_job_per_day) * 86_400_000
    start_ms = np.sort(_epoch_ms(start) + day_ms + rng.integers(0, 86_400_000, n_builds))
    build_ids = snowflake_id(start_ms, rng.integers(0, 4096, n_builds))

    behaviour = traits[0][test_ids].copy()
    behaviour[rng.random(n_rows) < 0.001] = REGRESSION  # regressions are a job's own
    behaviour[0] = INSTALL_STEP
    if index % 4 == 0 and not (behaviour == REGRESSION).any():
        behaviour[1 + int(rng.integers(n_rows - 1))] = REGRESSION  # a regression in every 4th job
    flake_p = np.where(behaviour == FLAKY_TEST, traits[1][test_ids], STABLE_FAIL_P)
    regression_start = np.where(
        behaviour == REGRESSION,
        rng.integers(n_builds // 4, max(n_builds // 4 + 1, n_builds - 2), n_rows),
        -1,
    )
    fixed = (rng.random(n_rows) < 0.5) & (index % 8 != 0)  # every 8th job keeps its own
    regression_end = np.where(
        (behaviour == REGRESSION) & fixed,
        np.minimum(n_builds, regression_start + rng.integers(3, max(4, n_builds // 3), n_rows)),
        n_builds,
    )

    incident = np.full(n_builds, -1, np.int32)
    for inc in incidents:
        if index in inc.jobs:
            incident[(start_ms >= inc.start_ms) & (start_ms < inc.end_ms)] = inc.incident_id
    in_incident = incident >= 0

    # Whole columns not run: an install that failed, or no cloud lease at all.
    not_run_p = np.where(in_incident, 0.3, 0.04)
    not_run = rng.random(n_builds) < not_run_p
    lease = not_run & (rng.random(n_builds) < 0.4)
    install_failed = not_run & ~lease

    u = rng.random((n_rows, n_builds))
    fail_p = np.broadcast_to(flake_p[:, None], (n_rows, n_builds)).copy()
    build_index = np.arange(n_builds)[None, :]
    regressed = (
        (behaviour == REGRESSION)[:, None]
        & (build_index >= regression_start[:, None])
        & (build_index < regression_end[:, None])
    )
    fail_p[regressed] = 0.9
    fail_p[:, in_incident] = np.maximum(fail_p[:, in_incident], WATERFALL_FAIL_P)
    sensitive = behaviour == INFRA_SENSITIVE
    fail_p[np.ix_(sensitive, in_incident)] = 0.8
    statuses = np.where(u < fail_p, FAIL, PASS).astype(np.int8)
    statuses[(u >= fail_p) & (u < fail_p + 0.004) & (behaviour[:, None] == FLAKY_TEST)] = FLAKY
    statuses[rng.random((n_rows, n_builds)) < 0.02] = NO_RESULT  # skipped in that run
    statuses[0, :] = PASS
    statuses[:, not_run] = NO_RESULT
    statuses[0, install_failed] = FAIL

    mu = rng.normal(0.0, 0.8, n_rows)[:, None]
    passing = rng.lognormal(mu, 0.25, (n_rows, n_builds))
    failing = np.minimum(rng.lognormal(mu + 0.7, 0.6, (n_rows, n_builds)), 15.0)
    duration_min = np.where(statuses == FAIL, failing, passing).astype(np.float32)
    duration_min[0, :] = rng.uniform(30, 45, n_builds)
    duration_min[statuses == NO_RESULT] = np.nan

    any_failed = (statuses == FAIL).any(axis=0)
    cause = np.full(n_builds, PASSED, np.int8)
    cause[any_failed] = TEST_FAILURE
    cause[any_failed & in_incident] = INFRA_INCIDENT
    cause[install_failed] = INSTALL_FAILURE
    cause[lease] = LEASE_FAILURE
    duration_s = np.where(
        lease, rng.uniform(1800, 7300, n_builds), np.nansum(duration_min, axis=0) * 60 / 6 + 1500
    )

    pull_numbers = (
        rng.integers(1, size.prs_per_repo + 1, n_builds)
        if presubmit
        else np.zeros(n_builds, np.int64)
    )
    cluster_ids = [
        "" if lease[b] else vocab.uuid_from(rng.integers(0, 2**63, 2)) for b in range(n_builds)
    ]
    return Job(
        index,
        dashboard,
        name,
        "presubmit" if presubmit else "periodic",
        org,
        repo,
        cloud,
        test_ids,
        behaviour,
        flake_p,
        regression_start,
        regression_end,
        start_ms,
        build_ids,
        duration_s.round().astype(np.int64),
        statuses,
        duration_min,
        cause,
        incident,
        pull_numbers.astype(np.int64),
        cluster_ids,
    )


def pr_expected_log_hours(
    changed_lines: int, files: int, author_merged_before: int, commits: int, labels: list[str]
) -> float:
    """The planted time-to-merge function (log hours, before noise): the model's target."""
    value = (
        1.5
        + 0.35 * np.log1p(changed_lines / 50)
        + 0.25 * np.log1p(files)
        - 0.30 * np.log1p(author_merged_before)
        + 0.10 * commits
        + (0.8 if "do-not-merge/hold" in labels else 0.0)
        - (0.3 if "lgtm" in labels else 0.0)
    )
    return float(value)


def _pulls(rng, size, repos, end) -> list[PullRequest]:
    authors = [
        f"{vocab.AUTHORS[i % len(vocab.AUTHORS)]}{i // len(vocab.AUTHORS) or ''}" for i in range(80)
    ]
    merged_before = {a: int(rng.pareto(1.2) * 5) for a in authors}
    end_s = _epoch_ms(end) // 1000
    window_s = (size.days + 60) * 86_400
    pulls = []
    for repo_index in range(len(repos)):
        for number in range(1, size.prs_per_repo + 1):
            author = authors[int(rng.zipf(1.6) - 1) % len(authors)]
            n_files = int(min(rng.geometric(0.25), 60))
            files = [
                (vocab.file_path(rng), int(rng.geometric(0.02)), int(rng.geometric(0.05)))
                for _ in range(n_files)
            ]
            commits = int(min(rng.geometric(0.4), 15))
            labels = [
                str(x)
                for x in rng.choice(vocab.LABELS, size=int(rng.integers(0, 4)), replace=False)
            ]
            changed = sum(a + d for _, a, d in files)
            expected = pr_expected_log_hours(
                changed, n_files, merged_before[author], commits, labels
            )
            hours = float(np.exp(expected + rng.normal(0, 0.5)))
            created = (
                end_s
                - window_s
                + int(number / size.prs_per_repo * window_s * 0.95)
                + int(rng.integers(0, 3600))
            )
            never = rng.random() < 0.08 + 0.1 * ("do-not-merge/hold" in labels)
            merged = (
                None if never or created + hours * 3600 >= end_s else int(created + hours * 3600)
            )
            closed = merged
            if never and rng.random() < 0.5:
                closed = int(min(end_s - 1, created + rng.uniform(1, 30) * 86_400))
            reviewers = [
                str(r)
                for r in rng.choice(authors, size=int(rng.integers(1, 4)), replace=False)
                if r != author
            ]
            last = merged or closed or end_s - int(rng.integers(1, 86_400))
            reviews = [
                (
                    r,
                    str(
                        rng.choice(
                            ["APPROVED", "COMMENTED", "CHANGES_REQUESTED"], p=[0.6, 0.3, 0.1]
                        )
                    ),
                    int(created + rng.uniform(0.1, 0.95) * max(60, last - created)),
                )
                for r in reviewers
            ]
            pulls.append(
                PullRequest(
                    repo_index,
                    number,
                    author,
                    merged_before[author],
                    vocab.pr_title(rng),
                    int(rng.integers(0, 3000)),
                    labels,
                    files,
                    commits,
                    reviewers,
                    sorted(reviews, key=lambda r: r[2]),
                    created,
                    merged,
                    closed,
                    max([created, last] + [r[2] for r in reviews]),
                    expected,
                )
            )
    return pulls


def _bugs(rng, size, jobs, test_names, end) -> list[Bug]:
    candidates = [
        (j.index, row)
        for j in jobs
        for row in np.flatnonzero(np.isin(j.behaviour, (REGRESSION, FLAKY_TEST, INFRA_SENSITIVE)))
    ]
    if not candidates:
        return []
    picks = rng.choice(len(candidates), size=min(size.bugs, len(candidates)), replace=False)
    end_s = _epoch_ms(end) // 1000
    bugs = []
    for n, pick in enumerate(sorted(picks)):
        job_index, row = candidates[pick]
        job = jobs[job_index]
        created = int(job.start_ms[len(job.start_ms) // 3] // 1000 + rng.integers(0, 86_400))
        who = f"{vocab.AUTHORS[int(rng.integers(len(vocab.AUTHORS)))]}@redhat.com"
        history, t = [], created
        steps = len(vocab.BUG_FLOW) if n % 3 == 0 else int(rng.integers(0, len(vocab.BUG_FLOW)))
        for status in vocab.BUG_FLOW[1 : 1 + steps]:
            t = min(end_s - 1, t + int(rng.uniform(0.2, 6) * 86_400))
            history.append((t, who, "status", status))
        comments = [
            (created, who, f"test: {test_names[job.test_ids[row]]} is failing in {job.name}"),
            *[
                (
                    min(end_s - 1, created + int(rng.uniform(1, 20) * 3600 * k)),
                    who,
                    str(rng.choice(vocab.COMMENTS)),
                )
                for k in range(1, int(rng.integers(1, 5)))
            ],
        ]
        sig = test_names[job.test_ids[row]].split("]")[0].strip("[")
        bugs.append(
            Bug(
                1_900_000 + n * 37,
                job_index,
                int(row),
                vocab.component_for(sig),
                str(rng.choice(["urgent", "high", "medium", "low"])),
                str(rng.choice(["urgent", "high", "medium", "low", "unspecified"])),
                created,
                history,
                sorted(comments),
            )
        )
    return bugs
