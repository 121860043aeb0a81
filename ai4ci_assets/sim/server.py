"""The simulated world over HTTP, at the five real APIs' paths.

One loopback port; each source has a base path, after which paths and parameters are the real
service's: `<url>/testgrid/<dashboard>/table?tab=...`, `<url>/gcs/storage/v1/b/<bucket>/o`,
`<url>/github/repos/<o>/<r>/pulls`, `<url>/bugzilla/rest/bug`, `<url>/prometheus/api/v1/query`.
A client only needs its base URL changed. The server counts what it served.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import threading
import time
from collections import Counter
from dataclasses import dataclass, replace
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, unquote, urlencode, urlsplit

from ai4ci_assets.sim import render_bugzilla as bz
from ai4ci_assets.sim import render_github as gh
from ai4ci_assets.sim import render_testgrid as tg
from ai4ci_assets.sim.faults import FaultPlan, mutate
from ai4ci_assets.sim.render_prometheus import PromQLError, Telemetry
from ai4ci_assets.sim.render_prow import BUCKET, ProwArtifacts, content_type
from ai4ci_assets.sim.world import World

GITHUB_DOCS = "https://docs.github.com/rest"


@dataclass
class Reply:
    status: int
    body: object  # JSON-able, or bytes for raw content
    headers: dict[str, str]
    content_type: str = "application/json; charset=utf-8"
    served: tuple[str, ...] = ()  # ids of the records in this reply, for the counters
    paginated: bool = False


class ParamError(ValueError):
    """A request parameter is invalid; answered in the source's error shape."""

    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.status = status


class SimServer:
    """Serve `world` on 127.0.0.1; `start()` returns the base URL, `stop()` ends it."""

    def __init__(
        self,
        world: World,
        faults: FaultPlan | None = None,
        github_rate_limit: int = 5000,
        host: str = "127.0.0.1",
        port: int = 0,
    ) -> None:
        self.world = world
        self.faults = faults or FaultPlan()
        self.github_rate_limit = github_rate_limit
        self.prow = ProwArtifacts(world)
        self.telemetry = Telemetry(world)
        self.requests: Counter[str] = Counter()  # "<source> <status>" and "<source> fault:<kind>"
        self.served: Counter[str] = Counter()  # record ids in clean 200 replies
        self._rate_used: Counter[str] = Counter()
        self._rate_reset = int(time.time()) + 3600
        self._lock = threading.Lock()
        self._httpd = ThreadingHTTPServer((host, port), _handler_for(self))
        self._httpd.daemon_threads = True
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        host, port = self._httpd.server_address[:2]
        return f"http://{host}:{port}"

    def base_url(self, source: str) -> str:
        return f"{self.url}/{source}"

    def start(self) -> str:
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)
        self._thread.start()
        return self.url

    def serve_forever(self) -> None:
        self._httpd.serve_forever()

    def stop(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()

    def __enter__(self) -> SimServer:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def count(self, key: str, served: tuple[str, ...] = ()) -> None:
        with self._lock:
            self.requests[key] += 1
            self.served.update(served)

    def stats(self) -> dict:
        with self._lock:
            return {
                "requests": dict(self.requests),
                "served_records": sum(self.served.values()),
                "distinct_records": len(self.served),
            }

    # ---- routing ----------------------------------------------------------------------------

    def route(self, path: str, query: dict[str, list[str]], headers) -> tuple[str, Reply]:
        source, _, rest = path.lstrip("/").partition("/")
        rest = "/" + rest
        handlers = {
            "testgrid": self._testgrid,
            "gcs": self._gcs,
            "github": self._github,
            "bugzilla": self._bugzilla,
            "prometheus": self._prometheus,
        }
        if source == "_sim" and rest == "/stats":
            return "_sim", Reply(200, self.stats(), {})
        if source not in handlers:
            return "_sim", Reply(
                404, {"error": f"no simulated source {source!r}", "sources": sorted(handlers)}, {}
            )
        try:
            return source, handlers[source](rest, query, headers)
        except ParamError as exc:
            return source, _param_error(source, str(exc), exc.status)

    def _testgrid(self, path, query, headers) -> Reply:
        parts = [unquote(p) for p in path.strip("/").split("/")]
        if len(parts) == 4 and parts[:3] == ["api", "v1", "dashboard-groups"]:
            payload = tg.dashboard_group(self.world, parts[3])
            return _testgrid_found(payload, f"dashboard group {parts[3]!r}")
        if len(parts) == 2 and parts[1] == "summary":
            return _testgrid_found(tg.summary(self.world, parts[0]), f"dashboard {parts[0]!r}")
        if len(parts) == 2 and parts[1] == "table":
            tab = _one(query, "tab", required=True)
            width = _int(query, "width", default=0, minimum=0)
            payload = tg.table(
                self.world,
                parts[0],
                tab,
                width or None,
                query.get("exclude-filter-by-regex", []),
                self._bugs_by_row(tab),
            )
            if payload is None:
                return _testgrid_not_found(f"tab {tab!r} of dashboard {parts[0]!r}")
            cells = [
                f"testgrid:{tab}/{c}/{t['name']}"
                for t in payload["tests"]
                for c in payload["changelists"]
            ]
            return Reply(200, payload, {}, served=tuple(cells))
        return _testgrid_not_found(path)

    def _bugs_by_row(self, tab: str) -> dict[int, list[str]]:
        job = self.world.job(tab)
        out: dict[int, list[str]] = {}
        for b in self.world.bugs:
            if job is not None and b.job_index == job.index:
                out.setdefault(b.test_row, []).append(str(b.bug_id))
        return out

    def _gcs(self, path, query, headers) -> Reply:
        api = path.removeprefix("/download")
        if not api.startswith("/storage/v1/b/"):
            bucket, _, name = path.lstrip("/").partition("/")  # storage.googleapis.com/<b>/<o>
            return self._gcs_media(bucket, unquote(name))
        bucket, _, after = api[len("/storage/v1/b/") :].partition("/")
        if bucket != BUCKET:
            return _gcs_error(404, f"The specified bucket does not exist: {bucket}")
        if after in ("o", "o/"):
            return self._gcs_list(query)
        if not after.startswith("o/"):
            return _gcs_error(404, f"Not Found: {path}")
        name = unquote(after[2:])
        if _one(query, "alt") == "media":
            return self._gcs_media(bucket, name)
        if self.prow.content(name) is None:
            return _gcs_error(404, f"No such object: {bucket}/{name}")
        return Reply(200, self.prow.object_resource(name), {}, served=(f"gcs:{name}",))

    def _gcs_list(self, query) -> Reply:
        max_results = min(5000, _int(query, "maxResults", default=1000, minimum=1))
        try:
            listing = self.prow.list_objects(
                _one(query, "prefix") or "",
                _one(query, "delimiter") or "",
                _one(query, "pageToken") or "",
                max_results,
            )
        except ValueError as exc:
            raise ParamError(str(exc)) from None
        names = [i["name"] for i in listing.get("items", [])] + listing.get("prefixes", [])
        return Reply(200, listing, {}, served=tuple(f"gcs:{n}" for n in names), paginated=True)

    def _gcs_media(self, bucket: str, name: str) -> Reply:
        body = self.prow.content(name) if bucket == BUCKET else None
        if body is None:
            return _gcs_error(404, f"No such object: {bucket}/{name}")
        return Reply(200, body, {}, content_type=content_type(name), served=(f"gcs:{name}",))

    def _github(self, path, query, headers) -> Reply:
        exhausted = self._take_rate_limit(headers)
        parts = path.strip("/").split("/")
        if parts == ["rate_limit"]:
            return self._with_rate_headers(Reply(200, self._rate_limit_body(headers), {}), headers)
        if exhausted:
            reply = Reply(
                403,
                {
                    "message": "API rate limit exceeded for 127.0.0.1. (But here's the good news: "
                    "Authenticated requests get a higher rate limit.)",
                    "documentation_url": f"{GITHUB_DOCS}/overview/resources-in-the-rest-api#rate-limiting",
                },
                {},
            )
            return self._with_rate_headers(reply, headers)
        repo_index = self._github_repo(parts)
        if repo_index is None:
            return self._with_rate_headers(_github_not_found(), headers)
        tail = parts[3:] if parts[0] == "repos" else parts[2:]
        if tail == ["pulls"]:
            reply = self._github_pull_list(repo_index, query)
        elif len(tail) >= 2 and tail[0] == "pulls" and tail[1].isdigit():
            reply = self._github_pull(repo_index, int(tail[1]), tail[2:], query)
        else:
            reply = _github_not_found()
        return self._with_rate_headers(reply, headers)

    def _github_repo(self, parts) -> int | None:
        for index, (repo_id, org, name) in enumerate(self.world.repos):
            if parts[:3] == ["repos", org, name] or parts[:2] == ["repositories", str(repo_id)]:
                return index
        return None

    def _github_pull_list(self, repo_index, query) -> Reply:
        state = _one(query, "state") or "open"
        sort = _one(query, "sort") or "created"
        direction = _one(query, "direction") or "desc"
        if state not in ("open", "closed", "all"):
            raise ParamError(f"state: {state!r} is not one of open, closed, all", 422)
        if sort not in ("created", "updated"):
            raise ParamError(f"sort: {sort!r} is not one of created, updated", 422)
        if direction not in ("asc", "desc"):
            raise ParamError(f"direction: {direction!r} is not one of asc, desc", 422)
        per_page = min(100, _int(query, "per_page", default=30, minimum=1))
        page = _int(query, "page", default=1, minimum=1)
        pulls = [p for p in self.world.pulls if p.repo_index == repo_index]
        if state != "all":
            pulls = [p for p in pulls if (p.closed_s is None) == (state == "open")]
        key = (
            (lambda p: (p.updated_s, p.number))
            if sort == "updated"
            else (lambda p: (p.created_s, p.number))
        )
        pulls.sort(key=key, reverse=direction == "desc")
        chunk = pulls[(page - 1) * per_page : page * per_page]
        last = max(1, -(-len(pulls) // per_page))
        repo_id, org, name = self.world.repos[repo_index]
        params = {"state": state, "sort": sort, "direction": direction, "per_page": per_page}
        links = _link_header(f"/repositories/{repo_id}/pulls", params, page, last)
        ids = tuple(f"github:{org}/{name}#{p.number}" for p in chunk)
        return Reply(
            200,
            [gh.pull_simple(self.world, p) for p in chunk],
            {"Link": links} if links else {},
            served=ids,
            paginated=True,
        )

    def _github_pull(self, repo_index, number, tail, query) -> Reply:
        pr = next(
            (p for p in self.world.pulls if p.repo_index == repo_index and p.number == number), None
        )
        if pr is None:
            return _github_not_found()
        _, org, name = self.world.repos[repo_index]
        ident = f"github:{org}/{name}#{number}"
        if not tail:
            return Reply(200, gh.pull_full(self.world, pr), {}, served=(ident,))
        if tail in (["files"], ["reviews"]):
            items = gh.files(self.world, pr) if tail == ["files"] else gh.reviews(self.world, pr)
            per_page = min(100, _int(query, "per_page", default=30, minimum=1))
            page = _int(query, "page", default=1, minimum=1)
            last = max(1, -(-len(items) // per_page))
            links = _link_header(
                f"/repos/{org}/{name}/pulls/{number}/{tail[0]}", {"per_page": per_page}, page, last
            )
            chunk = items[(page - 1) * per_page : page * per_page]
            served = tuple(
                f"{ident}/{tail[0]}/{i}"
                for i in range((page - 1) * per_page, (page - 1) * per_page + len(chunk))
            )
            return Reply(
                200, chunk, {"Link": links} if links else {}, served=served, paginated=True
            )
        return _github_not_found()

    def _rate_key(self, headers) -> str:
        auth = headers.get("Authorization") or ""
        return "token:" + hashlib.sha256(auth.encode()).hexdigest()[:12] if auth else "anonymous"

    def _take_rate_limit(self, headers) -> bool:
        """Count this request against its client; True when the client had none left."""
        if headers.get("If-None-Match"):
            return False  # conditional requests are counted after the ETag check
        key = self._rate_key(headers)
        with self._lock:
            if self._rate_used[key] >= self.github_rate_limit:
                return True
            self._rate_used[key] += 1
            return False

    def _rate_limit_body(self, headers) -> dict:
        used = self._rate_used[self._rate_key(headers)]
        core = {
            "limit": self.github_rate_limit,
            "used": used,
            "remaining": max(0, self.github_rate_limit - used),
            "reset": self._rate_reset,
        }
        return {"resources": {"core": core}, "rate": core}

    def _with_rate_headers(self, reply: Reply, headers) -> Reply:
        used = self._rate_used[self._rate_key(headers)]
        reply.headers.update(
            {
                "X-RateLimit-Limit": str(self.github_rate_limit),
                "X-RateLimit-Remaining": str(max(0, self.github_rate_limit - used)),
                "X-RateLimit-Reset": str(self._rate_reset),
                "X-RateLimit-Used": str(used),
                "X-RateLimit-Resource": "core",
                "x-github-api-version-selected": "2022-11-28",
            }
        )
        if reply.status == 403:
            reply.headers["Retry-After"] = str(max(1, self._rate_reset - int(time.time())))
        return reply

    def _bugzilla(self, path, query, headers) -> Reply:
        parts = path.strip("/").split("/")
        if parts[:2] != ["rest", "bug"]:
            return Reply(
                404, bz.error(32614, f"A REST API resource was not found for 'GET {path}'."), {}
            )
        if len(parts) == 2:
            return self._bugzilla_search(query)
        if not parts[2].isdigit():
            return Reply(400, bz.error(54, f"Invalid Bug ID: {parts[2]!r} is not a number."), {})
        bug = next((b for b in self.world.bugs if b.bug_id == int(parts[2])), None)
        if bug is None:
            return Reply(404, bz.error(101, f"Bug #{parts[2]} does not exist."), {})
        ident = f"bugzilla:{bug.bug_id}"
        if len(parts) == 3:
            return Reply(
                200, {"bugs": [bz.bug(self.world, bug)], "faults": []}, {}, served=(ident,)
            )
        if parts[3:] == ["comment"]:
            return Reply(200, bz.comments(bug), {}, served=(ident + "/comments",))
        if parts[3:] == ["history"]:
            return Reply(200, bz.history(bug), {}, served=(ident + "/history",))
        return Reply(
            404, bz.error(32614, f"A REST API resource was not found for 'GET {path}'."), {}
        )

    def _bugzilla_search(self, query) -> Reply:
        limit = _int(query, "limit", default=500, minimum=0) or len(self.world.bugs)
        offset = _int(query, "offset", default=0, minimum=0)
        bugs = list(self.world.bugs)
        if since := _one(query, "last_change_time"):
            threshold = _parse_time(since, "last_change_time")
            bugs = [b for b in bugs if b.last_change_s >= threshold]
        if ids := query.get("id", []) + query.get("ids", []):
            wanted = {int(i) for v in ids for i in v.split(",") if i.strip().isdigit()}
            bugs = [b for b in bugs if b.bug_id in wanted]
        bugs.sort(key=lambda b: (b.last_change_s, b.bug_id))
        page = bugs[offset : offset + limit]
        return Reply(
            200,
            {"bugs": [bz.bug(self.world, b) for b in page]},
            {},
            served=tuple(f"bugzilla:{b.bug_id}" for b in page),
            paginated=True,
        )

    def _prometheus(self, path, query, headers) -> Reply:
        try:
            if path == "/api/v1/query":
                t = (
                    _parse_time(_one(query, "time"), "time")
                    if _one(query, "time")
                    else self.world.end_ms / 1000
                )
                payload = self.telemetry.instant(_one(query, "query", required=True), t)
            elif path == "/api/v1/query_range":
                payload = self.telemetry.range(
                    _one(query, "query", required=True),
                    _parse_time(_one(query, "start", required=True), "start"),
                    _parse_time(_one(query, "end", required=True), "end"),
                    _parse_duration(_one(query, "step", required=True)),
                )
            else:
                return Reply(
                    404,
                    {
                        "status": "error",
                        "errorType": "not_found",
                        "error": f"unknown API path {path}",
                    },
                    {},
                )
        except PromQLError as exc:
            raise ParamError(str(exc)) from None
        ids = tuple(
            f"prometheus:{json.dumps(r['metric'], sort_keys=True)}"
            for r in payload["data"]["result"]
        )
        return Reply(200, payload, {}, served=ids)


# ---- helpers --------------------------------------------------------------------------------


def _one(query, name, required=False) -> str | None:
    values = query.get(name)
    if not values:
        if required:
            raise ParamError(f"missing required parameter {name!r}")
        return None
    return values[-1]


def _int(query, name, default: int, minimum: int) -> int:
    raw = _one(query, name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ParamError(f"parameter {name}={raw!r} is not an integer") from None
    if value < minimum:
        raise ParamError(f"parameter {name}={value} is below {minimum}")
    return value


def _parse_time(raw: str, name: str) -> float:
    try:
        return float(raw)
    except ValueError:
        pass
    try:
        return dt.datetime.fromisoformat(raw.replace("Z", "+00:00")).timestamp()
    except ValueError:
        raise ParamError(
            f"invalid parameter {name!r}: cannot parse {raw!r} to a valid timestamp"
        ) from None


def _parse_duration(raw: str) -> float:
    units = {"s": 1, "m": 60, "h": 3600, "d": 86400}
    try:
        if raw and raw[-1] in units:
            return float(raw[:-1]) * units[raw[-1]]
        return float(raw)
    except ValueError:
        raise ParamError(
            f"invalid parameter 'step': cannot parse {raw!r} to a valid duration"
        ) from None


def _link_header(path: str, params: dict, page: int, last: int) -> str:
    def link(n: int, rel: str) -> str:
        return f'<{gh.API}{path}?{urlencode({**params, "page": n})}>; rel="{rel}"'

    rels = []
    if page < last:
        rels += [link(page + 1, "next"), link(last, "last")]
    if page > 1:
        rels += [link(1, "first"), link(page - 1, "prev")]
    return ", ".join(rels)


def _testgrid_found(payload, what: str) -> Reply:
    if payload is None:
        return _testgrid_not_found(what)
    return Reply(200, payload, {})


def _testgrid_not_found(what: str) -> Reply:
    # testgrid.k8s.io answers unknown paths like any Go server: plain text.
    return Reply(404, f"404 page not found: {what}\n".encode(), {}, "text/plain; charset=utf-8")


def _github_not_found() -> Reply:
    return Reply(
        404, {"message": "Not Found", "documentation_url": GITHUB_DOCS, "status": "404"}, {}
    )


def _gcs_error(code: int, message: str) -> Reply:
    reason = {404: "notFound", 400: "invalid", 429: "rateLimitExceeded"}.get(code, "backendError")
    return Reply(
        code,
        {
            "error": {
                "code": code,
                "message": message,
                "errors": [{"message": message, "domain": "global", "reason": reason}],
            }
        },
        {},
    )


def _param_error(source: str, message: str, status: int) -> Reply:
    if source == "github" and status == 422:
        errors = [{"resource": "PullRequest", "code": "invalid", "message": message}]
        return Reply(
            422,
            {
                "message": "Validation Failed",
                "errors": errors,
                "documentation_url": GITHUB_DOCS,
                "status": "422",
            },
            {},
        )
    if source == "github":
        return Reply(
            400, {"message": message, "documentation_url": GITHUB_DOCS, "status": "400"}, {}
        )
    if source == "bugzilla":
        return Reply(400, bz.error(32000, message), {})
    if source == "prometheus":
        return Reply(400, {"status": "error", "errorType": "bad_data", "error": message}, {})
    if source == "gcs":
        return _gcs_error(400, message)
    return Reply(400, {"error": message}, {})


def _error_for_fault(source: str, status: int) -> object:
    text = HTTPStatus(status).phrase
    if source == "github":
        return {"message": text, "documentation_url": GITHUB_DOCS, "status": str(status)}
    if source == "bugzilla":
        return bz.error(32610 if status == 429 else 32000, text)
    if source == "prometheus":
        return {
            "status": "error",
            "errorType": "unavailable" if status != 429 else "too_many_requests",
            "error": text,
        }
    if source == "gcs":
        return _gcs_error(status, text).body
    return {"error": text}


_PAYLOAD_FAULTS = ("new_field", "type_change", "empty_page")
# A client still gets these records whole (an unknown field is harmless to it).
_RECORDS_STILL_DELIVERED = (None, "slow", "new_field")


def _apply_fault(
    plan: FaultPlan, source: str, fault: str | None, reply: Reply
) -> tuple[str | None, Reply]:
    """The reply with an answer-level fault applied; the fault is None when it cannot apply."""
    if fault in _PAYLOAD_FAULTS:
        json_records = reply.status == 200 and not isinstance(reply.body, bytes)
        if not json_records or (fault == "empty_page" and not reply.paginated):
            return None, reply
        return fault, replace(reply, body=mutate(reply.body, fault))
    if fault == "throttle":
        return fault, Reply(429, _error_for_fault(source, 429), {"Retry-After": "1"})
    if fault == "server_error":
        status = plan.choice(source, [500, 502, 503])
        return fault, Reply(status, _error_for_fault(source, status), {})
    return fault, reply


def _damaged(fault: str | None, body: bytes) -> bytes:
    """Body-level faults: a complete HTTP answer whose JSON is cut short or is not JSON."""
    if fault == "truncated":
        return body[: max(1, len(body) // 2)]
    if fault == "malformed":
        return (
            b"<html><body>upstream proxy error</body></html>"
            if len(body) % 2
            else body[:-1] + b",}"
        )
    return body


def _handler_for(server: SimServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        server_version = "ai4ci-sim/1"

        def do_GET(self) -> None:
            split = urlsplit(self.path)
            query = parse_qs(split.query, keep_blank_values=True)
            try:
                source, reply = server.route(split.path, query, self.headers)
            except Exception as exc:  # a bug in the simulator: answer 500, never crash
                source, reply = (
                    "_sim",
                    Reply(500, {"error": f"simulator error: {type(exc).__name__}: {exc}"}, {}),
                )
            self._answer(source, reply)

        def _answer(self, source: str, reply: Reply) -> None:
            drawn = server.faults.draw(source) if source != "_sim" else None
            fault, reply = _apply_fault(server.faults, source, drawn, reply)
            if fault == "timeout":
                server.count(f"{source} fault:timeout")
                time.sleep(server.faults.timeout_s)
                self.close_connection = True
                return
            if fault == "slow":
                time.sleep(server.faults.slow_s)
            body = reply.body if isinstance(reply.body, bytes) else json.dumps(reply.body).encode()
            headers = dict(reply.headers)
            if source == "github" and reply.status == 200:
                headers["ETag"] = 'W/"' + hashlib.sha256(body).hexdigest() + '"'
                if self.headers.get("If-None-Match") == headers["ETag"]:
                    server.count(f"{source} 304")
                    self._send(304, b"", headers, reply.content_type)
                    return
            delivered = reply.status == 200 and fault in _RECORDS_STILL_DELIVERED
            key = f"{source} {reply.status}" if fault is None else f"{source} fault:{fault}"
            server.count(key, reply.served if delivered else ())
            if fault == "drop":
                half = body[: len(body) // 2]
                self._send(reply.status, half, headers, reply.content_type, length=len(body))
                self.close_connection = True
                return
            self._send(reply.status, _damaged(fault, body), headers, reply.content_type)

        def _send(self, status, body, headers, content_type, length=None) -> None:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body) if length is None else length))
            for name, value in headers.items():
                self.send_header(name, value)
            self.end_headers()
            with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                self.wfile.write(body)

        def log_message(self, *args) -> None:
            pass

    return Handler
