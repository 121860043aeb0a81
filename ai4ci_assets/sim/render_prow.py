"""Prow job artifacts as the GCS JSON API serves them.

Each build has `started.json`, `finished.json`, `prowjob.json`, `build-log.txt` and
`artifacts/junit_*.xml` under `logs/<job>/<build>/` (periodics) or
`pr-logs/pull/<org>_<repo>/<pr>/<job>/<build>/` (presubmits). Build logs are composed from
per-cause templates in the three formats seen in real ci-operator logs.
"""

from __future__ import annotations

import base64
import bisect
import datetime as dt
import hashlib
import json
from dataclasses import dataclass
from functools import cached_property
from xml.sax.saxutils import escape, quoteattr

import numpy as np

from ai4ci_assets.sim.render_testgrid import failure_message
from ai4ci_assets.sim.world import (
    CAUSES,
    FAIL,
    INFRA_INCIDENT,
    INSTALL_FAILURE,
    LEASE_FAILURE,
    NO_RESULT,
    PASSED,
    TEST_FAILURE,
    Job,
    World,
)

BUCKET = "test-platform-results"
ARTIFACTS = (
    "started.json",
    "finished.json",
    "prowjob.json",
    "build-log.txt",
    "artifacts/junit_operator.xml",
    "artifacts/junit_e2e.xml",
)

# The line each cause always leaves in build-log.txt (what log classification must find).
CAUSE_SIGNATURES = {
    TEST_FAILURE: 'failed: "{target}" test steps failed',
    INSTALL_FAILURE: "failed to wait for bootstrapping: Bootstrap failed to complete",
    LEASE_FAILURE: "Failed to acquire resource, current capacity: 0 free",
    INFRA_INCIDENT: "dial tcp 10.0.{a}.{b}:6443: i/o timeout",
}


@dataclass(frozen=True)
class BuildRef:
    job: Job
    build: int  # index into the job's builds


class ProwArtifacts:
    """The object namespace of one bucket, built once from the world; contents on demand."""

    def __init__(self, world: World) -> None:
        self.world = world

    @cached_property
    def _index(self) -> tuple[list[str], dict[str, BuildRef]]:
        prefixes = {}
        for job in self.world.jobs:
            for b in range(job.n_builds):
                prefixes[build_prefix(job, b)] = BuildRef(job, b)
        names = sorted(p + a for p in prefixes for a in ARTIFACTS)
        return names, prefixes

    def list_objects(self, prefix: str, delimiter: str, page_token: str, max_results: int) -> dict:
        names, _ = self._index
        start = bisect.bisect_left(names, prefix)
        if page_token:
            start = max(start, bisect.bisect_right(names, _decode_token(page_token)))
        items, prefixes, last = [], [], None
        i = start
        while i < len(names) and names[i].startswith(prefix):
            name = names[i]
            rest = name[len(prefix) :]
            if delimiter and delimiter in rest:
                sub = prefix + rest.split(delimiter, 1)[0] + delimiter
                if not prefixes or prefixes[-1] != sub:
                    prefixes.append(sub)
                # Skip everything under this sub-prefix in one step.
                i = bisect.bisect_left(names, sub + "\U0010ffff")
                last = sub
            else:
                items.append(self.object_resource(name))
                last = name
                i += 1
            if len(items) + len(prefixes) >= max_results:
                break
        out: dict = {"kind": "storage#objects"}
        if i < len(names) and names[i].startswith(prefix) and last is not None:
            out["nextPageToken"] = base64.urlsafe_b64encode(last.encode()).decode()
        if prefixes:
            out["prefixes"] = prefixes
        if items:
            out["items"] = items
        return out

    def object_resource(self, name: str) -> dict:
        body = self.content(name) or b""
        ref, _ = self._split(name)
        created = _iso(ref.job.start_ms[ref.build] / 1000 + ref.job.duration_s[ref.build])
        md5 = base64.b64encode(hashlib.md5(body).digest()).decode()  # noqa: S324 - GCS's own hash
        generation = str(int(ref.job.start_ms[ref.build]) * 1000)
        return {
            "kind": "storage#object",
            "id": f"{BUCKET}/{name}/{generation}",
            "selfLink": f"https://www.googleapis.com/storage/v1/b/{BUCKET}/o/{name}",
            "mediaLink": f"https://storage.googleapis.com/download/storage/v1/b/{BUCKET}/o/{name}?alt=media",
            "name": name,
            "bucket": BUCKET,
            "generation": generation,
            "metageneration": "1",
            "contentType": content_type(name),
            "storageClass": "STANDARD",
            "size": str(len(body)),
            "md5Hash": md5,
            "crc32c": base64.b64encode(hashlib.sha256(body).digest()[:4]).decode(),
            "etag": base64.b64encode(hashlib.sha256(body).digest()[:6]).decode(),
            "timeCreated": created,
            "updated": created,
            "timeStorageClassUpdated": created,
        }

    def _split(self, name: str) -> tuple[BuildRef | None, str]:
        _, prefixes = self._index
        for artifact in ARTIFACTS:
            if name.endswith("/" + artifact):
                return prefixes.get(name[: -len(artifact)]), artifact
        return None, ""

    def content(self, name: str) -> bytes | None:
        ref, artifact = self._split(name)
        if ref is None:
            return None
        return render_artifact(self.world, ref.job, ref.build, artifact)


def build_prefix(job: Job, build: int) -> str:
    build_id = job.build_ids[build]
    if job.kind == "presubmit":
        pr = job.pull_numbers[build]
        return f"pr-logs/pull/{job.org}_{job.repo}/{pr}/{job.name}/{build_id}/"
    return f"logs/{job.name}/{build_id}/"


def render_artifact(world: World, job: Job, build: int, artifact: str) -> bytes:
    if artifact == "started.json":
        return _json(started(job, build))
    if artifact == "finished.json":
        return _json(finished(job, build))
    if artifact == "prowjob.json":
        return _json(prowjob(job, build), indent="\t")
    if artifact == "build-log.txt":
        return build_log(world, job, build).encode()
    if artifact == "artifacts/junit_operator.xml":
        return junit_operator(job, build).encode()
    return junit_e2e(world, job, build).encode()


def _json(obj: dict, indent: str | None = None) -> bytes:
    return json.dumps(obj, indent=indent).encode()


def _iso(epoch_s: float) -> str:
    return dt.datetime.fromtimestamp(int(epoch_s), dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def content_type(name: str) -> str:
    if name.endswith(".json"):
        return "application/json"
    if name.endswith(".xml"):
        return "application/xml"
    return "text/plain; charset=utf-8"


def _sha(job: Job, build: int, salt: str = "") -> str:
    return hashlib.sha1(f"{job.name}/{job.build_ids[build]}/{salt}".encode()).hexdigest()  # noqa: S324


def started(job: Job, build: int) -> dict:
    out = {
        "timestamp": int(job.start_ms[build] // 1000),
        "repos": {f"{job.org}/{job.repo}": f"master:{_sha(job, build, 'base')}"},
        "repo-version": _sha(job, build, "base"),
        "metadata": {"pod": _pod_name(job, build)},
    }
    if job.kind == "presubmit":
        pr = int(job.pull_numbers[build])
        out["pull"] = str(pr)
        out["repos"][f"{job.org}/{job.repo}"] += f",{pr}:{_sha(job, build, 'head')}"
    return out


def finished(job: Job, build: int) -> dict:
    passed = bool(job.cause[build] == PASSED)
    return {
        "timestamp": int(job.start_ms[build] // 1000 + job.duration_s[build]),
        "passed": passed,
        "result": "SUCCESS" if passed else "FAILURE",
        "revision": _sha(job, build, "base"),
        "metadata": {"work-namespace": _namespace(job, build), "job-version": "4.x"},
    }


def _pod_name(job: Job, build: int) -> str:
    return str(uuid_like(_sha(job, build, "pod")))


def uuid_like(hex40: str) -> str:
    h = hex40[:32]
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:32]}"


def _namespace(job: Job, build: int) -> str:
    return "ci-op-" + _sha(job, build, "ns")[:8]


def prowjob(job: Job, build: int) -> dict:
    """A ProwJob custom resource shaped like the recorded one in ../shared/data/real/prow."""
    build_id = str(job.build_ids[build])
    created = _iso(job.start_ms[build] / 1000)
    completed = _iso(job.start_ms[build] / 1000 + job.duration_s[build])
    context = job.name.split("-master-")[-1]
    pr = int(job.pull_numbers[build])
    labels = {
        "ci-operator.openshift.io/cloud": job.cloud,
        "ci-operator.openshift.io/cloud-cluster-profile": f"{job.cloud}-2",
        "ci.openshift.io/generator": "prowgen",
        "created-by-prow": "true",
        "event-GUID": uuid_like(_sha(job, build, "event")),
        "pj-rehearse.openshift.io/can-be-rehearsed": "true",
        "prow.k8s.io/build-id": build_id,
        "prow.k8s.io/context": context,
        "prow.k8s.io/id": _pod_name(job, build),
        "prow.k8s.io/is-optional": "false",
        "prow.k8s.io/job": job.name[:63],
        "prow.k8s.io/refs.base_ref": "master",
        "prow.k8s.io/refs.org": job.org,
        "prow.k8s.io/refs.pull": str(pr),
        "prow.k8s.io/refs.repo": job.repo,
        "prow.k8s.io/type": job.kind,
    }
    field_set = {".": {}}
    resources = {"limits": {"memory": "1Gi"}, "requests": {"cpu": "100m", "memory": "20Mi"}}
    state = "success" if job.cause[build] == PASSED else "failure"
    return {
        "kind": "ProwJob",
        "apiVersion": "prow.k8s.io/v1",
        "metadata": {
            "name": _pod_name(job, build),
            "namespace": "ci",
            "uid": uuid_like(_sha(job, build, "uid")),
            "resourceVersion": str(2_000_000_000 + build),
            "generation": 7,
            "creationTimestamp": created,
            "labels": labels,
            "annotations": {"prow.k8s.io/context": context, "prow.k8s.io/job": job.name},
            "managedFields": [
                {
                    "manager": "prow-controller-manager",
                    "operation": "Update",
                    "apiVersion": "prow.k8s.io/v1",
                    "time": completed,
                    "fieldsType": "FieldsV1",
                    "fieldsV1": {
                        "f:metadata": {
                            "f:annotations": {
                                **field_set,
                                **{
                                    f"f:{k}": {} for k in ("prow.k8s.io/context", "prow.k8s.io/job")
                                },
                            },
                            "f:labels": {
                                **field_set,
                                **{f"f:{k}": {} for k in labels},
                            },
                        },
                        "f:spec": {
                            **field_set,
                            **{
                                f"f:{k}": {}
                                for k in (
                                    "agent",
                                    "cluster",
                                    "context",
                                    "job",
                                    "namespace",
                                    "report",
                                    "rerun_command",
                                    "type",
                                )
                            },
                            "f:decoration_config": _decoration_fields(),
                            "f:pod_spec": {
                                **field_set,
                                "f:containers": {},
                                "f:serviceAccountName": {},
                                "f:volumes": {},
                            },
                            "f:prowjob_defaults": {**field_set, "f:tenant_id": {}},
                            "f:refs": {
                                **field_set,
                                **{
                                    f"f:{k}": {}
                                    for k in (
                                        "base_link",
                                        "base_ref",
                                        "base_sha",
                                        "org",
                                        "pulls",
                                        "repo",
                                        "repo_link",
                                    )
                                },
                            },
                        },
                        "f:status": {
                            **field_set,
                            **{
                                f"f:{k}": {}
                                for k in (
                                    "build_id",
                                    "completionTime",
                                    "description",
                                    "pendingTime",
                                    "pod_name",
                                    "startTime",
                                    "state",
                                    "url",
                                )
                            },
                            "f:prev_report_states": {
                                **field_set,
                                **{
                                    f"f:{k}": {}
                                    for k in ("gcsk8sreporter", "gcsreporter", "github-reporter")
                                },
                            },
                        },
                    },
                }
            ],
        },
        "spec": {
            "type": job.kind,
            "agent": "kubernetes",
            "cluster": "build0" + str(1 + build % 5),
            "namespace": "ci",
            "job": job.name,
            "refs": _refs(job, build, pr),
            "report": True,
            "context": f"ci/prow/{context}",
            "rerun_command": f"/test {context}",
            "decoration_config": {
                "timeout": "4h0m0s",
                "grace_period": "15s",
                "utility_images": {
                    k: f"gcr.io/k8s-prow/{k}:v20221208"
                    for k in ("clonerefs", "initupload", "entrypoint", "sidecar")
                },
                "resources": {
                    k: resources for k in ("clonerefs", "initupload", "place_entrypoint", "sidecar")
                },
                "gcs_configuration": {
                    "bucket": BUCKET,
                    "path_strategy": "single",
                    "default_org": "openshift",
                    "default_repo": "origin",
                    "mediaTypes": {"log": "text/plain"},
                },
                "gcs_credentials_secret": "gce-sa-credentials-gcs-publisher",
                "censor_secrets": True,
            },
            "pod_spec": {
                "volumes": [
                    {
                        "name": "boskos",
                        "secret": {
                            "secretName": "boskos-credentials",
                            "items": [{"key": "credentials", "path": "credentials"}],
                        },
                    }
                ],
                "containers": [
                    {
                        "name": "",
                        "image": "ci-operator:latest",
                        "command": ["ci-operator"],
                        "args": [f"--target={context}"],
                        "resources": {"requests": {"cpu": "10m"}},
                        "volumeMounts": [
                            {"name": "boskos", "readOnly": True, "mountPath": "/etc/boskos"}
                        ],
                        "imagePullPolicy": "Always",
                    }
                ],
                "serviceAccountName": "ci-operator",
            },
            "prowjob_defaults": {"tenant_id": "GlobalDefaultID"},
        },
        "status": {
            "startTime": created,
            "pendingTime": created,
            "completionTime": completed,
            "state": state,
            "description": "Job succeeded." if state == "success" else "Job failed.",
            "url": f"https://prow.ci.openshift.org/view/gs/{BUCKET}/{build_prefix(job, build).rstrip('/')}",
            "pod_name": _pod_name(job, build),
            "build_id": build_id,
            "prev_report_states": {
                "gcsk8sreporter": state,
                "gcsreporter": state,
                "github-reporter": state,
            },
        },
    }


def _decoration_fields() -> dict:
    dot = {".": {}}
    limits = {
        **dot,
        "f:limits": {**dot, "f:memory": {}},
        "f:requests": {**dot, "f:cpu": {}, "f:memory": {}},
    }
    return {
        **dot,
        "f:censor_secrets": {},
        "f:gcs_configuration": {
            **dot,
            "f:bucket": {},
            "f:default_org": {},
            "f:default_repo": {},
            "f:mediaTypes": {**dot, "f:log": {}},
            "f:path_strategy": {},
        },
        "f:gcs_credentials_secret": {},
        "f:grace_period": {},
        "f:resources": {
            **dot,
            **{
                f"f:{k}": limits for k in ("clonerefs", "initupload", "place_entrypoint", "sidecar")
            },
        },
        "f:timeout": {},
        "f:utility_images": {
            **dot,
            **{f"f:{k}": {} for k in ("clonerefs", "entrypoint", "initupload", "sidecar")},
        },
    }


def _refs(job: Job, build: int, pr: int) -> dict:
    base = _sha(job, build, "base")
    refs = {
        "org": job.org,
        "repo": job.repo,
        "repo_link": f"https://github.com/{job.org}/{job.repo}",
        "base_ref": "master",
        "base_sha": base,
        "base_link": f"https://github.com/{job.org}/{job.repo}/commit/{base}",
    }
    if job.kind == "presubmit":
        head = _sha(job, build, "head")
        refs["pulls"] = [
            {
                "number": pr,
                "author": "sim-author",
                "sha": head,
                "title": f"Simulated PR {pr}",
                "link": f"https://github.com/{job.org}/{job.repo}/pull/{pr}",
                "commit_link": f"https://github.com/{job.org}/{job.repo}/pull/{pr}/commits/{head}",
                "author_link": "https://github.com/sim-author",
            }
        ]
    return refs


# ---- build logs -------------------------------------------------------------------------


def _log_style(job: Job) -> str:
    return ("logrus", "ansi", "classic")[job.index % 3]


def _line(style: str, epoch_s: float, level: str, message: str) -> str:
    t = dt.datetime.fromtimestamp(int(epoch_s), dt.UTC)
    if style == "logrus":
        quoted = message.replace("\\", "\\\\").replace('"', '\\"')
        return f'time="{t:%Y-%m-%dT%H:%M:%SZ}" level={level} msg="{quoted}"'
    if style == "ansi":
        colour = {"info": "36", "warning": "33", "error": "31"}[level]
        return f"\x1b[{colour}m{level.upper()[:4]}\x1b[0m[{t:%Y-%m-%dT%H:%M:%SZ}] {message}"
    return f"{t:%Y/%m/%d %H:%M:%S} {message}"


def cause_signature(job: Job, build: int) -> str:
    cause = int(job.cause[build])
    if cause == PASSED:
        return ""
    a, b = int(job.build_ids[build] % 250), int(job.build_ids[build] // 7 % 250)
    return CAUSE_SIGNATURES[cause].format(target=_target(job), a=a, b=b)


def _target(job: Job) -> str:
    # Prow censors secrets; the cloud name is one of them in the recorded logs.
    return f"e2e-{job.cloud}".replace("gcp", "***")


def build_log(world: World, job: Job, build: int) -> str:
    rng = np.random.default_rng([world.seed, job.index, build, 7])
    style = _log_style(job)
    t = job.start_ms[build] / 1000
    ns = _namespace(job, build)
    target = _target(job)
    lines = [
        _line(style, t, "info", "ci-operator version v20210402-7d9fcd2"),
        _line(
            style,
            t,
            "info",
            f"Loading configuration from https://config.ci.openshift.org for {job.org}/{job.repo}@master",
        ),
        _line(
            style,
            t + 1,
            "info",
            f"Using namespace https://console.build02.ci.openshift.org/k8s/cluster/projects/{ns}",
        ),
        _line(
            style,
            t + 2,
            "info",
            f"Running [input:origin-centos-8], [release:latest], [images], {target}",
        ),
    ]
    for step in range(int(rng.integers(3, 8))):
        t += float(rng.uniform(5, 120))
        lines.append(
            _line(
                style,
                t,
                "info",
                f'Executing pod "{target}-step-{step}" running image "pipeline:src-{rng.integers(1e6)}"',
            )
        )
    cause = int(job.cause[build])
    lines += _cause_lines(world, job, build, style, t + 60, cause, rng)
    end = job.start_ms[build] / 1000 + job.duration_s[build]
    minutes = int(job.duration_s[build] // 60)
    lines.append(
        _line(
            style,
            end,
            "info",
            f"Ran for {minutes // 60}h{minutes % 60}m{int(job.duration_s[build] % 60)}s",
        )
    )
    state = "succeeded" if cause == PASSED else "failed"
    lines.append(_line("logrus", end, "info", f"Reporting job state '{state}'"))
    return "\n".join(lines) + "\n"


def _cause_lines(world, job, build, style, t, cause, rng) -> list[str]:
    signature = cause_signature(job, build)
    target = _target(job)
    if cause == PASSED:
        return [
            _line(style, t, "info", f'Pod "{target}" succeeded after {int(rng.integers(40, 90))}m')
        ]
    if cause == LEASE_FAILURE:
        return [
            _line(style, t, "info", f'Acquiring 1 lease(s) for "{job.cloud}-quota-slice"'),
            _line(style, t + 7200, "error", f"error: {signature}, 70 leased"),
            "error: some steps failed:",
            f"  * could not run steps: step {target} failed: failed to acquire lease: resources not found",
        ]
    if cause == INSTALL_FAILURE:
        return [
            _line(
                style,
                t,
                "info",
                "Installing from release registry.ci.openshift.org/ocp/release:4.8",
            ),
            _line(style, t + 1800, "error", f'level=error msg="{signature}"'),
            "error: some steps failed:",
            f'  * could not run steps: step {target} failed: "{target}" pre steps failed: '
            f'"{target}" pod "{target}-ipi-install-install" failed',
        ]
    failing = [
        world.test_names[job.test_ids[r]] for r in np.flatnonzero(job.statuses[:, build] == FAIL)
    ]
    lines = [_line(style, t, "info", f"Running step {target}-openshift-e2e-test.")]
    if cause == INFRA_INCIDENT:
        lines.append(
            _line(
                style,
                t + 300,
                "error",
                f'error: Get "https://api.ci-op-cluster:6443/apis": {signature}',
            )
        )
    lines += ["Failing tests:", "", *failing[:50], ""]
    lines.append(
        _line(style, t + 3000, "error", f"Step {target}-openshift-e2e-test failed after 50m0s.")
    )
    lines += [
        "error: some steps failed:",
        f"  * could not run steps: step {target} {CAUSE_SIGNATURES[TEST_FAILURE].format(target=target)}",
    ]
    return lines


# ---- JUnit ------------------------------------------------------------------------------


def junit_operator(job: Job, build: int) -> str:
    cause = int(job.cause[build])
    steps = [
        ("Find the input image origin-centos-8 and tag it into the pipeline", True),
        ('Import the release payload "latest" from an external source', True),
    ]
    if cause == LEASE_FAILURE:
        steps.append((f"Acquire lease for {job.cloud}-quota-slice", False))
    else:
        steps.append(
            (
                f"Run multi-stage test {_target(job)} - {_target(job)}-ipi-install-install container test",
                cause != INSTALL_FAILURE,
            )
        )
        if cause != INSTALL_FAILURE:
            steps.append(
                (
                    f"Run multi-stage test {_target(job)} - {_target(job)}-openshift-e2e-test container test",
                    cause == PASSED,
                )
            )
    return _testsuite(
        "operator",
        [
            (name, 60.0 * (i + 1), None if ok else CAUSES[cause])
            for i, (name, ok) in enumerate(steps)
        ],
    )


def junit_e2e(world: World, job: Job, build: int) -> str:
    cases = []
    for row in range(1, len(job.test_ids)):
        status = job.statuses[row, build]
        if status == NO_RESULT:
            continue
        message = None
        if status == FAIL:
            message = failure_message(world, job, row)
        duration = float(job.duration_min[row, build]) * 60
        cases.append((world.test_names[job.test_ids[row]], duration, message))
    return _testsuite("openshift-tests", cases)


def _testsuite(name: str, cases: list[tuple[str, float, str | None]]) -> str:
    failures = sum(1 for _, _, m in cases if m is not None)
    total = sum(t for _, t, _ in cases)
    body = []
    for case, seconds, message in cases:
        attrs = f"name={quoteattr(case)} time={quoteattr(f'{seconds:.3f}')}"
        if message is None:
            body.append(f"    <testcase {attrs}></testcase>")
        else:
            body.append(
                f"    <testcase {attrs}>\n      <failure message={quoteattr(message)}>{escape(message)}</failure>\n    </testcase>"
            )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n<testsuites>\n'
        f'  <testsuite name="{name}" tests="{len(cases)}" skipped="0" failures="{failures}" time="{total:.3f}">\n'
        + "\n".join(body)
        + "\n  </testsuite>\n</testsuites>\n"
    )


def _decode_token(token: str) -> str:
    try:
        return base64.b64decode(token.encode(), altchars=b"-_", validate=True).decode()
    except (ValueError, UnicodeDecodeError):
        raise ValueError(f"invalid pageToken {token!r}") from None
