"""GitHub: simulated pulls, files, reviews and headers against recorded api.github.com answers."""

import ast
import json
import re
from itertools import chain

from ai4ci_assets.sources.github.schema import (
    parse_file,
    parse_link_header,
    parse_pull,
    parse_review,
)
from tests.contract.conftest import fetch
from tests.contract.shape import differences, signature

BODIES = "github/pygithub_replaydata/extracted_bodies"
MODERN_PULL = "CompletableGithubObjectWithPaginatedProperty.testPullCommitsFiles__05__repos_PyGithub_PyGithub_pulls_3370.json"


def real(real_data, name):
    return json.loads((real_data / BODIES / name).read_text())


def sim_pulls(sim, world, path=""):
    out = []
    for number in range(1, 16):
        answer = fetch(f"{sim.base_url('github')}/repos/openshift/origin/pulls/{number}{path}")
        assert answer.status == 200
        out.append(answer.json())
    return out


def test_single_pull_has_the_real_structure(sim, world, real_data):
    recorded = real(
        real_data,
        "CompletableGithubObjectWithPaginatedProperty.testPullCommitsFiles__05__repos_PyGithub_PyGithub_pulls_3370.json",
    )
    assert differences([recorded], sim_pulls(sim, world)) == []


def test_pull_list_has_the_real_structure(sim, real_data):
    # The only recorded list is from 2013. A field the 2026 recording of a pull request no
    # longer has (say `master_branch`) was retired by GitHub, so it is not asked for.
    recorded = real(
        real_data,
        "Issue131.testGetPullsWithOrgHeadUser__01__repos_openmicroscopy_ome-documentation_pulls__state-closed.json",
    )
    modern = signature([real(real_data, MODERN_PULL)])
    simulated = fetch(
        f"{sim.base_url('github')}/repos/openshift/origin/pulls?state=all&per_page=100"
    ).json()
    assert differences(recorded, simulated, skip=lambda path: path not in modern) == []


def test_files_and_reviews_have_the_real_structure(sim, world, real_data):
    files = real(
        real_data, "PullRequest.testGetFiles__01__repos_PyGithub_PyGithub_pulls_31_files.json"
    )
    reviews = real(
        real_data,
        "PullRequestReview.testAttributes__01__repos_PyGithub_PyGithub_pulls_538_reviews.json",
    )
    assert differences(files, list(chain.from_iterable(sim_pulls(sim, world, "/files")))) == []
    assert differences(reviews, list(chain.from_iterable(sim_pulls(sim, world, "/reviews")))) == []


def test_real_and_simulated_pulls_decode_with_the_same_code(sim, world, real_data):
    for path in (real_data / BODIES).glob("*.json"):
        if not re.search(r"_pulls_\d+\.json$", path.name):
            continue
        assert parse_pull(json.loads(path.read_text())).number > 0
    for payload in sim_pulls(sim, world):
        record = parse_pull(payload)
        assert record.repo == "openshift/origin" and record.additions is not None
    for f in real(
        real_data, "PullRequest.testGetFiles__01__repos_PyGithub_PyGithub_pulls_31_files.json"
    ):
        parse_file(f)
    for r in real(
        real_data,
        "PullRequestReview.testAttributes__01__repos_PyGithub_PyGithub_pulls_538_reviews.json",
    ):
        parse_review(r)


def recorded_headers(real_data, replay: str) -> list[dict[str, str]]:
    """Response headers of each exchange in a PyGithub replay file (a Python literal line)."""
    lines = (real_data / "github/pygithub_replaydata" / replay).read_text().splitlines()
    return [
        {k.lower(): v for k, v in ast.literal_eval(line)} for line in lines if line.startswith("[(")
    ]


def test_link_and_rate_limit_headers_match_the_recordings(sim, real_data):
    [recorded] = recorded_headers(real_data, "Issue131.testGetPullsWithOrgHeadUser.txt")
    real_links = parse_link_header(recorded["link"])
    answer = fetch(
        f"{sim.base_url('github')}/repos/openshift/origin/pulls?state=all&per_page=5&page=2"
    )
    links = parse_link_header(answer.headers["Link"])
    assert {"next", "last"} <= set(real_links) and {"next", "last", "prev", "first"} == set(links)
    assert "/repositories/" in links["next"], "next pages use the /repositories/{id} form"
    modern = recorded_headers(
        real_data, "CompletableGithubObjectWithPaginatedProperty.testPullCommitsFiles.txt"
    )[0]
    rate = {k for k in modern if k.startswith("x-ratelimit-")}
    assert rate <= {k.lower() for k in answer.headers}
    assert "etag" in {k.lower() for k in answer.headers}
