"""The simulator's server: faults on demand, GitHub's rate limit and ETags, bad input."""

import http.client
import json
import socket
import time
import urllib.request
from urllib.parse import quote

import pytest

from ai4ci_assets.sim.faults import FAULT_KINDS, FaultPlan, FaultRates, parse_faults
from ai4ci_assets.sim.server import SimServer
from ai4ci_assets.sim.world import generate_world
from ai4ci_assets.sources.github.schema import parse_link_header, parse_pull
from ai4ci_assets.sources.records import RecordError
from tests.contract.conftest import fetch

PULLS = "/github/repos/openshift/origin/pulls?state=all&per_page=7"


@pytest.fixture(scope="module")
def world():
    return generate_world("tiny", seed=21)


def faulty(world, kind: str, **plan) -> SimServer:
    return SimServer(world, FaultPlan({"github": FaultRates(**{kind: 1.0})}, **plan))


def raw_get(url: str, timeout: float = 5) -> tuple[int, dict[str, str], bytes]:
    """A GET that reports a short body instead of hiding it (http.client, no retries)."""
    host, port = url.split("//")[1].split("/")[0].split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=timeout)
    connection.request("GET", "/" + url.split("/", 3)[3])
    response = connection.getresponse()
    return response.status, dict(response.getheaders()), response.read()


def test_throttling_answers_429_with_retry_after(world):
    with faulty(world, "throttle") as server:
        answer = fetch(server.url + PULLS)
    assert answer.status == 429 and answer.headers["Retry-After"] == "1"
    assert server.requests["github fault:throttle"] == 1


def test_server_errors_are_5xx_in_the_source_shape(world):
    with faulty(world, "server_error") as server:
        answers = [fetch(server.url + PULLS) for _ in range(6)]
    assert {a.status for a in answers} <= {500, 502, 503}
    assert all("message" in a.json() for a in answers)


def test_a_dropped_connection_loses_the_rest_of_the_body(world):
    with faulty(world, "drop") as server, pytest.raises(http.client.IncompleteRead):
        raw_get(server.url + PULLS)


@pytest.mark.parametrize("kind", ["truncated", "malformed"])
def test_broken_json_does_not_parse(world, kind):
    with faulty(world, kind) as server:
        status, _, body = raw_get(server.url + PULLS)
    assert status == 200
    with pytest.raises(json.JSONDecodeError):
        json.loads(body)


def test_new_fields_are_tolerated_and_type_changes_are_caught(world):
    with faulty(world, "new_field") as server:
        pulls = fetch(server.url + PULLS).json()
    assert "sim_new_field" in pulls[0]
    assert parse_pull(pulls[0]).number == pulls[0]["number"]
    with faulty(world, "type_change") as server:
        changed = fetch(server.url + PULLS).json()
    with pytest.raises(RecordError, match="pull"):
        parse_pull(changed[0])


def test_empty_pages_and_slow_answers(world):
    with faulty(world, "empty_page") as server:
        assert fetch(server.url + PULLS).json() == []
    with faulty(world, "slow", slow_s=0.3) as server:
        start = time.perf_counter()
        assert fetch(server.url + PULLS).status == 200
        assert time.perf_counter() - start >= 0.3


def test_a_timeout_is_a_client_side_timeout(world):
    with (
        faulty(world, "timeout", timeout_s=2.0) as server,
        pytest.raises((TimeoutError, socket.timeout)),
    ):
        urllib.request.urlopen(server.url + PULLS, timeout=0.5)  # noqa: S310 - loopback


def test_fault_draws_are_seeded(world):
    def kinds(seed):
        plan = FaultPlan({"bugzilla": FaultRates(throttle=0.3, server_error=0.3)}, seed=seed)
        return [plan.draw("bugzilla") for _ in range(50)]

    assert kinds(1) == kinds(1) != kinds(2)
    assert set(kinds(1)) == {None, "throttle", "server_error"}


def test_fault_specs_parse_and_refuse_nonsense():
    rates = parse_faults("github:throttle=0.1,drop=0.05;all:server_error=0.2")
    assert rates["github"].throttle == 0.1 and rates["github"].server_error == 0.2
    assert rates["testgrid"].server_error == 0.2
    for bad, message in [
        ("gitlab:throttle=0.1", "unknown fault source"),
        ("github:explode=0.1", "unknown fault 'explode'"),
        ("github:throttle=lots", "not a number"),
        ("github:throttle=2", "not between 0 and 1"),
    ]:
        with pytest.raises(ValueError, match=message):
            parse_faults(bad)
    assert len(FAULT_KINDS) == 10


def test_nothing_is_lost_or_duplicated_when_a_client_retries_through_faults(world):
    plan = FaultPlan(
        {
            "github": FaultRates(
                throttle=0.15, server_error=0.15, truncated=0.1, malformed=0.1, drop=0.1
            )
        },
        seed=4,
    )
    with SimServer(world, plan) as server:
        url, collected, attempts = server.url + PULLS, [], 0
        while url:
            attempts += 1
            assert attempts < 200
            try:
                status, headers, body = raw_get(url)
                page = json.loads(body)
            except (http.client.IncompleteRead, json.JSONDecodeError):
                continue  # retry the same page
            if status != 200:
                continue
            collected += [p["number"] for p in page]
            nxt = parse_link_header(headers.get("Link")).get("next")
            url = server.url + "/github" + nxt.split("api.github.com", 1)[1] if nxt else None
        faults = sum(v for k, v in server.requests.items() if "fault:" in k)
    expected = sorted(p.number for p in world.pulls if p.repo_index == 0)
    assert sorted(collected) == expected and len(collected) == len(set(collected))
    assert faults > 0


def test_rate_limit_counts_down_and_then_refuses(world):
    with SimServer(world, github_rate_limit=3) as server:
        remaining = [fetch(server.url + PULLS).headers["X-RateLimit-Remaining"] for _ in range(3)]
        refused = fetch(server.url + PULLS)
        other_client = fetch(server.url + PULLS, {"Authorization": "token abc"})
    assert remaining == ["2", "1", "0"]
    assert refused.status == 403 and "rate limit exceeded" in refused.json()["message"]
    assert int(refused.headers["X-RateLimit-Reset"]) > time.time()
    assert other_client.status == 200, "each token has its own budget"


def test_etag_gives_304_without_spending_the_rate_limit(world):
    with SimServer(world, github_rate_limit=10) as server:
        first = fetch(server.url + PULLS)
        again = fetch(server.url + PULLS, {"If-None-Match": first.headers["ETag"]})
        after = fetch(server.url + "/github/rate_limit").json()["rate"]
    assert again.status == 304 and again.body == b""
    assert after["used"] == 2, "the 304 was free; /rate_limit itself counts"


@pytest.mark.parametrize(
    ("path", "status", "check"),
    [
        (
            "/github/repos/nobody/nothing/pulls",
            404,
            lambda b: json.loads(b)["message"] == "Not Found",
        ),
        (
            "/github/repos/openshift/origin/pulls?per_page=x",
            400,
            lambda b: "per_page" in json.loads(b)["message"],
        ),
        (
            "/github/repos/openshift/origin/pulls?direction=up",
            422,
            lambda b: json.loads(b)["message"] == "Validation Failed",
        ),
        ("/bugzilla/rest/bug?limit=abc", 400, lambda b: json.loads(b)["error"] is True),
        ("/bugzilla/rest/nothing", 404, lambda b: json.loads(b)["error"] is True),
        ("/bugzilla/rest/bug/notanumber", 400, lambda b: json.loads(b)["error"] is True),
        (
            "/prometheus/api/v1/query?query=" + quote("sum(rate(x[5m]))"),
            400,
            lambda b: json.loads(b)["status"] == "error",
        ),
        (
            "/prometheus/api/v1/query_range?query=up&start=0&end=10&step=0",
            400,
            lambda b: "step" in json.loads(b)["error"],
        ),
        (
            "/prometheus/api/v1/query_range?query=up&start=0&end=1e9&step=1",
            400,
            lambda b: "11,000" in json.loads(b)["error"],
        ),
        (
            "/prometheus/api/v1/query?query=" + quote('up{job=~"("}'),
            400,
            lambda b: "regular expression" in json.loads(b)["error"],
        ),
        ("/prometheus/api/v2/nothing", 404, lambda b: json.loads(b)["status"] == "error"),
        ("/testgrid/no-such-dashboard/summary", 404, lambda b: b.startswith(b"404 page not found")),
        ("/testgrid/x/table", 400, lambda b: "tab" in json.loads(b)["error"]),
        (
            "/gcs/storage/v1/b/test-platform-results/o?pageToken=%%%",
            400,
            lambda b: "pageToken" in json.loads(b)["error"]["message"],
        ),
        ("/gcs/storage/v1/b/other-bucket/o", 404, lambda b: json.loads(b)["error"]["code"] == 404),
        ("/nothing/here", 404, lambda b: "sources" in json.loads(b)),
    ],
)
def test_bad_requests_get_the_real_error_shapes(world, path, status, check):
    with SimServer(world) as server:
        answer = fetch(server.url + path)
        assert (answer.status, check(answer.body)) == (status, True)
        assert fetch(server.url + "/_sim/stats").status == 200, "the server is still serving"


def test_gcs_listing_pages_through_every_object_once(world):
    from ai4ci_assets.sim.render_prow import ARTIFACTS, BUCKET, build_prefix
    from ai4ci_assets.sources.prow.schema import parse_gcs_listing

    job = world.jobs[0]
    prefix = f"logs/{job.name}/"
    names, token, pages = [], "", 0
    with SimServer(world) as server:
        while True:
            url = f"{server.base_url('gcs')}/storage/v1/b/{BUCKET}/o?prefix={quote(prefix, safe='')}&maxResults=5"
            listing = parse_gcs_listing(
                fetch(url + (f"&pageToken={token}" if token else "")).json()
            )
            names += [name for name, _ in listing.objects]
            pages += 1
            if not listing.next_page_token:
                break
            token = listing.next_page_token
    expected = sorted(build_prefix(job, b) + a for b in range(job.n_builds) for a in ARTIFACTS)
    assert sorted(names) == expected and len(names) == len(set(names))
    assert pages == -(-len(expected) // 5)


def test_bugzilla_offset_paging_and_change_time_filter(world):
    from ai4ci_assets.sources.bugzilla.schema import parse_bugs

    with SimServer(world) as server:
        ids, offset = [], 0
        while True:
            page = parse_bugs(
                fetch(
                    f"{server.base_url('bugzilla')}/rest/bug?limit=3&offset={offset}&order=changeddate"
                ).json()
            )
            ids += [b.bug_id for b in page]
            if len(page) < 3:  # Bugzilla has no total: a short page is the last
                break
            offset += 3
        newest = max(b.last_change_s for b in world.bugs)
        from ai4ci_assets.sim.render_github import iso

        recent = parse_bugs(
            fetch(f"{server.base_url('bugzilla')}/rest/bug?last_change_time={iso(newest)}").json()
        )
    assert sorted(ids) == sorted(b.bug_id for b in world.bugs) and len(ids) == len(set(ids))
    assert [b.last_change_at.timestamp() for b in recent] == [float(newest)] * len(
        recent
    ) and recent


def test_served_records_are_counted_once_each_and_faults_not_at_all(world):
    plan = FaultPlan({"github": FaultRates(truncated=0.3)}, seed=1)
    received = []
    with SimServer(world, plan) as server:
        for page in range(1, 6):
            url = (
                f"{server.url}/github/repos/openshift/origin/pulls?state=all&per_page=7&page={page}"
            )
            try:
                pulls = json.loads(fetch(url).body)
            except json.JSONDecodeError:
                continue  # a cut answer delivered nothing, and is not counted as served
            received += [f"github:openshift/origin#{p['number']}" for p in pulls]
        served = dict(server.served)
        truncated = server.requests["github fault:truncated"]
    assert truncated > 0
    assert all(count == 1 for count in served.values())
    assert sorted(served) == sorted(received)
