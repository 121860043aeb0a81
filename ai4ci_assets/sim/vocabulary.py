"""Names that make the simulated world read like OpenShift CI."""

from __future__ import annotations

import uuid

import numpy as np

INSTALL_STEP = "operator.Run multi-stage test e2e - e2e-ipi-install-install container test"
CLOUDS = ("aws", "gcp", "azure", "vsphere", "metal")
REPOS = (
    "origin",
    "installer",
    "machine-config-operator",
    "cluster-network-operator",
    "kubernetes",
    "console",
    "cluster-version-operator",
    "oc",
)
AUTHORS = (
    "dgoodwin",
    "stbenjam",
    "deads2k",
    "smarterclayton",
    "wking",
    "sdodson",
    "jupierce",
    "bparees",
    "soltysh",
    "sttts",
    "vrutkovs",
    "petr-muller",
    "hongkailiu",
    "xueqzhan",
)
LABELS = (
    "lgtm",
    "approved",
    "do-not-merge/hold",
    "needs-rebase",
    "kind/bug",
    "kind/feature",
    "bugzilla/valid-bug",
    "jira/valid-reference",
    "size/S",
    "size/L",
)
BUG_FLOW = ("NEW", "ASSIGNED", "POST", "MODIFIED", "ON_QA", "VERIFIED", "CLOSED")
COMMENTS = (
    "Looking into it; the failure started with the last payload.",
    "This looks like an infrastructure problem, moving to Test Infrastructure.",
    "PR is up, waiting for review.",
    "Verified in the latest nightly.",
    "Still seeing this in periodic jobs.",
)

_SIGS = (
    "sig-network",
    "sig-storage",
    "sig-node",
    "sig-apps",
    "sig-auth",
    "sig-cli",
    "sig-instrumentation",
    "sig-api-machinery",
    "sig-scheduling",
    "sig-arch",
    "sig-builds",
    "sig-imageregistry",
    "sig-etcd",
    "sig-operator",
    "sig-cluster-lifecycle",
)
_COMPONENTS = {
    "sig-network": "Networking",
    "sig-storage": "Storage",
    "sig-node": "Node",
    "sig-apps": "Workloads",
    "sig-auth": "apiserver-auth",
    "sig-cli": "oc",
    "sig-instrumentation": "Monitoring",
    "sig-api-machinery": "kube-apiserver",
    "sig-scheduling": "kube-scheduler",
    "sig-arch": "Test Infrastructure",
    "sig-builds": "Build",
    "sig-imageregistry": "Image Registry",
    "sig-etcd": "Etcd",
    "sig-operator": "OLM",
    "sig-cluster-lifecycle": "Installer",
}
_SUBJECTS = (
    "Services",
    "Networking",
    "Pods",
    "Deployments",
    "DNS",
    "PersistentVolumes",
    "CSI",
    "Secrets",
    "ConfigMap",
    "StatefulSet",
    "DaemonSet",
    "Ingress",
    "Routes",
    "ImageStreams",
    "Builds",
    "OLM",
    "Prometheus",
    "Alerts",
    "etcd",
    "kube-apiserver",
    "NetworkPolicy",
    "Probing container",
    "Container Runtime",
    "Garbage collector",
    "ResourceQuota",
    "Kubectl client",
    "ServiceAccounts",
    "Events",
    "Job",
    "CronJob",
)
_PHRASES = (
    "should serve a basic endpoint from pods",
    "should provide DNS for services",
    "should function for intra-pod communication: http",
    "should be able to mount volume",
    "should support rolling updates",
    "should be restarted with a liveness probe",
    "should not have pods in CrashLoopBackOff",
    "should report ready nodes",
    "should create and stop a replication controller",
    "should adopt matching orphans",
    "should allow ingress access on one named port",
    "should block egress to other namespaces",
    "should update annotations on modification",
    "should delete pods created by rc",
    "should have no alerts firing",
    "should scale up and down",
    "should expose metrics",
    "should recover after a restart",
    "should reject invalid requests",
    "should retain data across restarts",
    "should enforce resource limits",
    "should propagate labels",
    "should list and watch resources",
    "should be idempotent",
    "should handle node reboots",
    "should survive an upgrade",
    "should complete a rollout",
    "should keep endpoints in sync",
    "should resolve wildcard routes",
    "should rotate certificates",
    "should clean up finished jobs",
    "should honor pod disruption budgets",
    "should mirror images",
    "should verify signatures",
    "should pull from a private registry",
    "should schedule pods on tainted nodes",
    "should evict pods under memory pressure",
    "should serve the OpenAPI spec",
    "should keep quorum",
    "should install an operator",
)
_VARIANTS = ("", " [Conformance]", " [Serial]", " [Slow]", " [Disruptive]", " [Early]")
_SUITES = (
    "[Suite:openshift/conformance/parallel]",
    "[Suite:openshift/conformance/serial]",
    "[Suite:k8s]",
)
_TITLE_WORDS = (
    "Bug",
    "fix",
    "add",
    "update",
    "bump",
    "remove",
    "refactor",
    "e2e",
    "test",
    "operator",
    "network",
    "storage",
    "upgrade",
    "flake",
    "metrics",
    "docs",
    "vendor",
    "rebase",
    "retry",
)
_FILE_DIRS = ("pkg/", "cmd/", "test/extended/", "docs/", "manifests/", "vendor/", "hack/")
_FILE_EXTS = (".go", ".go", ".go", ".yaml", ".md", ".sh", ".py", ".json")


def test_names(rng: np.random.Generator, count: int) -> list[str]:
    """The install step first, then `count - 1` distinct openshift-tests style names."""
    combos = len(_SIGS) * len(_SUBJECTS) * len(_PHRASES) * len(_VARIANTS)
    picks = rng.choice(combos, size=count - 1, replace=False)
    names = [INSTALL_STEP]
    for pick in picks:
        pick, variant = divmod(int(pick), len(_VARIANTS))
        pick, phrase = divmod(pick, len(_PHRASES))
        sig, subject = divmod(pick, len(_SUBJECTS))
        suite = _SUITES[(sig + subject + phrase) % len(_SUITES)]
        names.append(
            f"[{_SIGS[sig]}] {_SUBJECTS[subject]} {_PHRASES[phrase]}{_VARIANTS[variant]} {suite}"
        )
    return names


def dashboards(count: int) -> list[str]:
    out = []
    for i in range(count):
        kind = "informing" if i % 2 == 0 else "blocking"
        out.append(f"redhat-openshift-ocp-release-4.{6 + i // 2}-{kind}")
    return out


def dashboard_group(dashboard: str) -> str:
    return "redhat-openshift-" + dashboard.rsplit("-", 1)[1]


def job_name(dashboard: str, index: int, cloud: str, presubmit: bool, repo: str) -> str:
    version = dashboard.split("release-")[1].rsplit("-", 1)[0]
    variant = ("", "-serial", "-upgrade", "-ovn", "-csi", "-fips")[index % 6]
    if presubmit:
        return f"pull-ci-openshift-{repo}-master-e2e-{cloud}{variant}-{index}"
    stream = ("ci", "nightly")[index % 2]
    return f"periodic-ci-openshift-release-master-{stream}-{version}-e2e-{cloud}{variant}-{index}"


def component_for(sig: str) -> str:
    return _COMPONENTS.get(sig, "Test Infrastructure")


def pr_title(rng: np.random.Generator) -> str:
    words = rng.choice(_TITLE_WORDS, size=int(rng.integers(3, 9)))
    return " ".join(str(w) for w in words).capitalize()


def file_path(rng: np.random.Generator) -> str:
    directory = _FILE_DIRS[int(rng.integers(len(_FILE_DIRS)))]
    ext = _FILE_EXTS[int(rng.integers(len(_FILE_EXTS)))]
    return f"{directory}{'abcdefghij'[int(rng.integers(10))]}/file_{int(rng.integers(1000))}{ext}"


def uuid_from(words: np.ndarray) -> str:
    return str(uuid.UUID(int=(int(words[0]) << 64 | int(words[1])) & (2**128 - 1), version=4))
