"""Bugzilla REST payloads (`/rest/bug...`), shaped like bugzilla.redhat.com's."""

from __future__ import annotations

from ai4ci_assets.sim.render_github import iso
from ai4ci_assets.sim.world import Bug, World

DOCUMENTATION = "https://bugzilla.redhat.com/docs/en/html/api/index.html"


def _person(email: str, uid: int) -> dict:
    return {"email": email, "id": uid, "name": email, "real_name": email.split("@")[0].title()}


def bug(world: World, b: Bug) -> dict:
    job = world.jobs[b.job_index]
    test = world.test_names[job.test_ids[b.test_row]]
    status = b.status
    closed = status in ("VERIFIED", "CLOSED")
    assignee = b.history[0][1] if b.history else "nobody@redhat.com"
    return {
        "alias": None,
        "assigned_to": assignee,
        "assigned_to_detail": _person(assignee, 400_000 + b.bug_id % 1000),
        "blocks": [b.bug_id - 37] if b.bug_id % 3 == 0 else [],
        "cc": [assignee],
        "cc_detail": [_person(assignee, 400_000 + b.bug_id % 1000)],
        # Red Hat Bugzilla's custom fields (each Bugzilla instance has its own cf_* set).
        "cf_build_id": "",
        "cf_conditional_nak": [],
        "cf_cust_facing": "---",
        "cf_devel_whiteboard": "",
        "cf_doc_type": "If docs needed, set a value",
        "cf_environment": f"test: {test}",
        "cf_fixed_in": "",
        "cf_internal_whiteboard": "buildcop",
        "cf_last_closed": iso(b.last_change_s).rstrip("Z") if closed else None,
        "cf_partner": [],
        "cf_pgm_internal": "",
        "cf_pm_score": "0",
        "cf_qa_whiteboard": "",
        "cf_qe_conditional_nak": [],
        "cf_release_notes": "",
        "cf_target_upstream_version": "",
        "cf_verified": [],
        "classification": "Red Hat",
        "component": b.component,
        "creation_time": iso(b.created_s),
        "creator": "buildcop@redhat.com",
        "creator_detail": _person("buildcop@redhat.com", 300_000),
        "depends_on": [],
        "dupe_of": None,
        "flags": _flags(b, assignee),
        "groups": [],
        "id": b.bug_id,
        "is_cc_accessible": True,
        "is_confirmed": True,
        "is_creator_accessible": True,
        "is_open": not closed,
        "keywords": ["TestBlocker"] if b.severity == "urgent" else [],
        "last_change_time": iso(b.last_change_s),
        "mentors": [],
        "mentors_detail": [],
        "op_sys": "Unspecified",
        "platform": "Unspecified",
        "priority": b.priority,
        "product": "OpenShift Container Platform",
        "qa_contact": "",
        "resolution": "CURRENTRELEASE" if closed else "",
        "see_also": [
            f"https://prow.ci.openshift.org/job-history/gs/test-platform-results/logs/{job.name}"
        ],
        "severity": b.severity,
        "status": status,
        "summary": f"{test} failing in {job.name}",
        "target_milestone": "---",
        "url": "",
        "version": "4." + job.dashboard.split("4.")[1].split("-")[0],
        "votes": 0,
        "whiteboard": "",
    }


def _flags(b: Bug, assignee: str) -> list[dict]:
    when = iso(b.created_s)
    flags = [
        {
            "creation_date": when,
            "id": b.bug_id * 3,
            "is_active": 1,
            "modification_date": when,
            "name": "blocker",
            "setter": assignee,
            "status": "?",
            "type_id": 1197,
        }
    ]
    if b.status not in ("VERIFIED", "CLOSED"):
        flags.append(
            {
                "creation_date": when,
                "id": b.bug_id * 3 + 1,
                "is_active": 1,
                "modification_date": iso(b.last_change_s),
                "name": "needinfo",
                "setter": assignee,
                "requestee": "buildcop@redhat.com",
                "status": "?",
                "type_id": 1164,
            }
        )
    return flags


def comments(b: Bug) -> dict:
    out = []
    for count, (when, author, text) in enumerate(b.comments):
        out.append(
            {
                "attachment_id": None,
                "author": author,
                "bug_id": b.bug_id,
                "count": count,
                "creation_time": iso(when),
                "creator": author,
                "id": b.bug_id * 10 + count,
                "is_private": False,
                "raw_text": text,
                "tags": [],
                "text": text,
                "time": iso(when),
            }
        )
    return {"bugs": {str(b.bug_id): {"comments": out}}, "comments": {}}


def history(b: Bug) -> dict:
    entries, previous = [], "NEW"
    for when, who, field, added in b.history:
        entries.append(
            {
                "when": iso(when),
                "who": who,
                "changes": [{"added": added, "field_name": field, "removed": previous}],
            }
        )
        previous = added
    return {"bugs": [{"alias": None, "history": entries, "id": b.bug_id}]}


def error(code: int, message: str) -> dict:
    return {"code": code, "documentation": DOCUMENTATION, "error": True, "message": message}
