"""GitHub REST v3 pull-request payloads (`/repos/{o}/{r}/pulls...`), as api.github.com sends them."""

from __future__ import annotations

import datetime as dt
import hashlib

from ai4ci_assets.sim.world import PullRequest, World

API = "https://api.github.com"


def iso(epoch_s: int | None) -> str | None:
    if epoch_s is None:
        return None
    return dt.datetime.fromtimestamp(epoch_s, dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _user(login: str) -> dict:
    uid = int(hashlib.sha1(login.encode()).hexdigest()[:7], 16)  # noqa: S324 - stable ids
    base = f"{API}/users/{login}"
    return {
        "login": login,
        "id": uid,
        "node_id": f"MDQ6VXNlcj{uid}",
        "avatar_url": f"https://avatars.githubusercontent.com/u/{uid}?v=4",
        "gravatar_id": "",
        "url": base,
        "html_url": f"https://github.com/{login}",
        "followers_url": f"{base}/followers",
        "following_url": f"{base}/following{{/other_user}}",
        "gists_url": f"{base}/gists{{/gist_id}}",
        "starred_url": f"{base}/starred{{/owner}}{{/repo}}",
        "subscriptions_url": f"{base}/subscriptions",
        "organizations_url": f"{base}/orgs",
        "repos_url": f"{base}/repos",
        "events_url": f"{base}/events{{/privacy}}",
        "received_events_url": f"{base}/received_events",
        "type": "User",
        "user_view_type": "public",
        "site_admin": False,
    }


_REPO_URLS = {
    "forks_url": "/forks",
    "keys_url": "/keys{/key_id}",
    "collaborators_url": "/collaborators{/collaborator}",
    "teams_url": "/teams",
    "hooks_url": "/hooks",
    "issue_events_url": "/issues/events{/number}",
    "events_url": "/events",
    "assignees_url": "/assignees{/user}",
    "branches_url": "/branches{/branch}",
    "tags_url": "/tags",
    "blobs_url": "/git/blobs{/sha}",
    "git_tags_url": "/git/tags{/sha}",
    "git_refs_url": "/git/refs{/sha}",
    "trees_url": "/git/trees{/sha}",
    "statuses_url": "/statuses/{sha}",
    "languages_url": "/languages",
    "stargazers_url": "/stargazers",
    "contributors_url": "/contributors",
    "subscribers_url": "/subscribers",
    "subscription_url": "/subscription",
    "commits_url": "/commits{/sha}",
    "git_commits_url": "/git/commits{/sha}",
    "comments_url": "/comments{/number}",
    "issue_comment_url": "/issues/comments{/number}",
    "contents_url": "/contents/{+path}",
    "compare_url": "/compare/{base}...{head}",
    "merges_url": "/merges",
    "archive_url": "/{archive_format}{/ref}",
    "downloads_url": "/downloads",
    "issues_url": "/issues{/number}",
    "pulls_url": "/pulls{/number}",
    "milestones_url": "/milestones{/number}",
    "notifications_url": "/notifications{?since,all,participating}",
    "labels_url": "/labels{/name}",
    "releases_url": "/releases{/id}",
    "deployments_url": "/deployments",
}


def _repo(world: World, repo_index: int) -> dict:
    repo_id, org, name = world.repos[repo_index]
    base = f"{API}/repos/{org}/{name}"
    counts = {"forks": 4600 + repo_index, "open_issues": 150, "watchers": 8500}
    return {
        "id": repo_id,
        "node_id": f"MDEwOlJlcG9zaXRvcnk{repo_id}",
        "name": name,
        "full_name": f"{org}/{name}",
        "private": False,
        "owner": _user(org),
        "html_url": f"https://github.com/{org}/{name}",
        "description": f"OpenShift {name}",
        "fork": False,
        "url": base,
        **{key: base + suffix for key, suffix in _REPO_URLS.items()},
        "created_at": "2014-07-29T20:03:42Z",
        "updated_at": "2026-11-01T00:00:00Z",
        "pushed_at": "2026-11-01T00:00:00Z",
        "git_url": f"git://github.com/{org}/{name}.git",
        "ssh_url": f"git@github.com:{org}/{name}.git",
        "clone_url": f"https://github.com/{org}/{name}.git",
        "svn_url": f"https://github.com/{org}/{name}",
        "homepage": "https://www.okd.io",
        "size": 250_000 + repo_index,
        "stargazers_count": counts["watchers"],
        "watchers_count": counts["watchers"],
        "language": "Go",
        "has_issues": False,
        "has_projects": True,
        "has_downloads": True,
        "has_wiki": False,
        "has_pages": False,
        "has_discussions": False,
        "forks_count": counts["forks"],
        "mirror_url": None,
        "archived": False,
        "disabled": False,
        "open_issues_count": counts["open_issues"],
        "license": {
            "key": "apache-2.0",
            "name": "Apache License 2.0",
            "spdx_id": "Apache-2.0",
            "url": f"{API}/licenses/apache-2.0",
            "node_id": "MDc6TGljZW5zZTI=",
        },
        "allow_forking": True,
        "is_template": False,
        "web_commit_signoff_required": False,
        "topics": ["openshift", "kubernetes"],
        "visibility": "public",
        **counts,
        "default_branch": "master",
    }


_LABEL_COLOURS = ("0366d6", "e11d21", "207de5", "ededed", "000000")


def _sha(pr: PullRequest, salt: str) -> str:
    return hashlib.sha1(f"{pr.repo_index}/{pr.number}/{salt}".encode()).hexdigest()  # noqa: S324


def _state(pr: PullRequest) -> str:
    return "closed" if pr.closed_s is not None else "open"


def pull_simple(world: World, pr: PullRequest) -> dict:
    """The list form (`GET /pulls`): no merge state, counts or stats."""
    _, org, name = world.repos[pr.repo_index]
    base = f"{API}/repos/{org}/{name}"
    url = f"{base}/pulls/{pr.number}"
    pr_id = 1_000_000_000 + pr.repo_index * 100_000 + pr.number
    branch = f"sim-branch-{pr.number}"
    labels = [
        {
            "id": 2_000_000_000 + sum(map(ord, label)),
            "node_id": f"LA_kwDO{len(label)}",
            "url": f"{base}/labels/{label}",
            "name": label,
            "color": _LABEL_COLOURS[len(label) % len(_LABEL_COLOURS)],
            "default": False,
            "description": f"Label {label} as set by the merge robot",
        }
        for label in pr.labels
    ]
    return {
        "url": url,
        "id": pr_id,
        "node_id": f"PR_kwDO{pr_id}",
        "html_url": f"https://github.com/{org}/{name}/pull/{pr.number}",
        "diff_url": f"https://github.com/{org}/{name}/pull/{pr.number}.diff",
        "patch_url": f"https://github.com/{org}/{name}/pull/{pr.number}.patch",
        "issue_url": f"{base}/issues/{pr.number}",
        "number": pr.number,
        "state": _state(pr),
        "locked": False,
        "title": pr.title,
        "user": _user(pr.author),
        "body": ("x" * pr.body_length) if pr.body_length else None,
        "created_at": iso(pr.created_s),
        "updated_at": iso(pr.updated_s),
        "closed_at": iso(pr.closed_s),
        "merged_at": iso(pr.merged_s),
        "merge_commit_sha": _sha(pr, "merge"),
        "assignee": _user(pr.reviewers[0]) if pr.reviewers else None,
        "assignees": [_user(r) for r in pr.reviewers[:1]],
        "requested_reviewers": [_user(r) for r in pr.reviewers],
        "requested_teams": [],
        "labels": labels,
        "milestone": None,
        "draft": False,
        "commits_url": f"{url}/commits",
        "review_comments_url": f"{url}/comments",
        "review_comment_url": f"{base}/pulls/comments{{/number}}",
        "comments_url": f"{base}/issues/{pr.number}/comments",
        "statuses_url": f"{base}/statuses/{_sha(pr, 'head')}",
        "head": {
            "label": f"{pr.author}:{branch}",
            "ref": branch,
            "sha": _sha(pr, "head"),
            "user": _user(pr.author),
            "repo": _repo(world, pr.repo_index),
        },
        "base": {
            "label": f"{org}:master",
            "ref": "master",
            "sha": _sha(pr, "base"),
            "user": _user(org),
            "repo": _repo(world, pr.repo_index),
        },
        "_links": {
            k: {"href": v}
            for k, v in (
                ("self", url),
                ("html", f"https://github.com/{org}/{name}/pull/{pr.number}"),
                ("issue", f"{base}/issues/{pr.number}"),
                ("comments", f"{base}/issues/{pr.number}/comments"),
                ("review_comments", f"{url}/comments"),
                ("review_comment", f"{base}/pulls/comments{{/number}}"),
                ("commits", f"{url}/commits"),
                ("statuses", f"{base}/statuses/{_sha(pr, 'head')}"),
            )
        },
        "author_association": "MEMBER" if pr.author_merged_before > 5 else "CONTRIBUTOR",
        "auto_merge": None,
        "active_lock_reason": None,
    }


def pull_full(world: World, pr: PullRequest) -> dict:
    """The single form (`GET /pulls/{n}`): merge state, counts and diff stats added."""
    out = pull_simple(world, pr)
    merged = pr.merged_s is not None
    out.update(
        {
            "merged": merged,
            "mergeable": None if merged else True,
            "rebaseable": None if merged else True,
            "mergeable_state": "unknown" if merged else "clean",
            "merged_by": _user("openshift-merge-robot") if merged else None,
            "comments": len(pr.reviews) + 2,
            "review_comments": len(pr.reviews),
            "maintainer_can_modify": False,
            "commits": pr.commits,
            "additions": sum(a for _, a, _ in pr.files),
            "deletions": sum(d for _, _, d in pr.files),
            "changed_files": len(pr.files),
        }
    )
    return out


def files(world: World, pr: PullRequest) -> list[dict]:
    _, org, name = world.repos[pr.repo_index]
    head = _sha(pr, "head")
    out = []
    for path, additions, deletions in pr.files:
        sha = hashlib.sha1(f"{pr.number}/{path}".encode()).hexdigest()  # noqa: S324
        out.append(
            {
                "sha": sha,
                "filename": path,
                "status": "modified" if deletions else "added",
                "additions": additions,
                "deletions": deletions,
                "changes": additions + deletions,
                "blob_url": f"https://github.com/{org}/{name}/blob/{head}/{path}",
                "raw_url": f"https://github.com/{org}/{name}/raw/{head}/{path}",
                "contents_url": f"{API}/repos/{org}/{name}/contents/{path}?ref={head}",
                "patch": f"@@ -1,{deletions} +1,{additions} @@\n" + "+line\n" * min(additions, 3),
            }
        )
    return out


def reviews(world: World, pr: PullRequest) -> list[dict]:
    _, org, name = world.repos[pr.repo_index]
    url = f"https://github.com/{org}/{name}/pull/{pr.number}"
    out = []
    for i, (reviewer, state, when) in enumerate(pr.reviews):
        review_id = 500_000_000 + pr.number * 10 + i
        out.append(
            {
                "id": review_id,
                "node_id": f"PRR_{review_id}",
                "user": _user(reviewer),
                "body": "" if state == "APPROVED" else "Please have a look at the comments.",
                "state": state,
                "html_url": f"{url}#pullrequestreview-{review_id}",
                "pull_request_url": f"{API}/repos/{org}/{name}/pulls/{pr.number}",
                "author_association": "MEMBER",
                "_links": {
                    "html": {"href": f"{url}#pullrequestreview-{review_id}"},
                    "pull_request": {"href": f"{API}/repos/{org}/{name}/pulls/{pr.number}"},
                },
                "submitted_at": iso(when),
                "commit_id": _sha(pr, "head"),
            }
        )
    return out
