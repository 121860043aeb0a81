"""Bugzilla: simulated REST answers against bugzilla REST recordings."""

import ast
import json

import pytest

from ai4ci_assets.sources.bugzilla.schema import (
    parse_bugs,
    parse_comments,
    parse_history,
    raise_for_error,
)
from ai4ci_assets.sources.records import RecordError
from tests.contract.conftest import fetch
from tests.contract.shape import differences

PERCEVAL = "bugzilla/perceval"


def recorded(real_data, name):
    return json.loads((real_data / PERCEVAL / name).read_text())


def each_bug(sim, world, path=""):
    return [
        fetch(f"{sim.base_url('bugzilla')}/rest/bug/{b.bug_id}{path}").json() for b in world.bugs
    ]


def test_bug_search_has_the_real_structure(sim, real_data):
    simulated = fetch(
        f"{sim.base_url('bugzilla')}/rest/bug?limit=500&order=changeddate&include_fields=_all"
    ).json()
    # cf_* fields are each Bugzilla instance's own (these recordings are Mozilla's); the Red
    # Hat ones are compared with the Red Hat sample below.
    mozilla = [
        recorded(real_data, "bugzilla_rest_bugs.json"),
        recorded(real_data, "bugzilla_rest_bugs_next.json"),
    ]
    assert differences(mozilla, [simulated], skip=lambda path: ".cf_" in path) == []


def test_red_hat_custom_fields_and_flags_match_the_red_hat_sample(sim, world, real_data):
    sample = ast.literal_eval(
        (real_data / "bugzilla/python-bugzilla/mockreturn_test_getbug_rhel.txt").read_text()
    )
    simulated = each_bug(sim, world)

    def red_hat_only(path: str) -> bool:
        return not (path.startswith("$[].bugs[].cf_") or path.startswith("$[].bugs[].flags"))

    assert differences([sample], simulated, skip=red_hat_only) == []


def test_comments_and_history_have_the_real_structure(sim, world, real_data):
    # Comments are keyed by bug id: compare the per-bug bodies.
    real_comments = list(recorded(real_data, "bugzilla_rest_bugs_comments.json")["bugs"].values())
    sim_comments = [body for c in each_bug(sim, world, "/comment") for body in c["bugs"].values()]
    assert differences(real_comments, sim_comments) == []
    assert (
        differences(
            [recorded(real_data, "bugzilla_rest_bugs_history.json")],
            each_bug(sim, world, "/history"),
        )
        == []
    )


def test_error_bodies_have_the_real_structure(sim, real_data):
    answer = fetch(f"{sim.base_url('bugzilla')}/rest/bug/12345")
    assert answer.status == 404
    assert differences([recorded(real_data, "bugzilla_rest_error.json")], [answer.json()]) == []
    with pytest.raises(RecordError, match="Bug #12345 does not exist"):
        raise_for_error(answer.json())


def test_real_and_simulated_bugs_decode_with_the_same_code(sim, world, real_data):
    assert [b.bug_id for b in parse_bugs(recorded(real_data, "bugzilla_rest_bugs.json"))] == [
        1273442,
        1273439,
    ]
    assert parse_bugs(recorded(real_data, "bugzilla_rest_bugs_empty.json")) == []
    assert parse_comments(recorded(real_data, "bugzilla_rest_bugs_comments.json"))
    assert parse_history(recorded(real_data, "bugzilla_rest_bugs_history.json"))
    assert len(parse_bugs(fetch(f"{sim.base_url('bugzilla')}/rest/bug").json())) == len(world.bugs)
    for payload in each_bug(sim, world, "/comment"):
        assert parse_comments(payload)
