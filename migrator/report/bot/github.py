"""The GitHub REST subset the bot uses (works with GitHub Enterprise: pass its API URL)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any
from urllib.parse import quote

from migrator.records import dataclass
from migrator.report.bot.http import ApiError, Client, field

API_URL = "https://api.github.com"
HEADERS = {"Accept": "application/vnd.github+json", "X-GitHub-Api-Version": "2022-11-28"}
MAX_REVIEW_COMMENTS = 30  # per review request, like reviewdog: stay clear of abuse limits
ACTIONS_BOT = "github-actions[bot]"  # who writes the comments of a workflow's GITHUB_TOKEN


@dataclass(frozen=True)
class ChangedFile:
    path: str
    status: str  # added | modified | renamed | removed | copied | changed | unchanged
    previous_path: str | None = None
    patch: str | None = None  # the unified diff hunks, when the API includes them


@dataclass(frozen=True)
class ReviewComment:
    path: str
    line: int  # last line of the range, in the new file (side RIGHT)
    body: str
    start_line: int | None = None  # first line when the comment covers several lines

    def to_api(self) -> dict[str, Any]:
        data: dict[str, Any] = {"path": self.path, "line": self.line, "side": "RIGHT", "body": self.body}
        if self.start_line is not None and self.start_line < self.line:
            data["start_line"] = self.start_line
            data["start_side"] = "RIGHT"
        return data


def make_client(token: str, api_url: str = API_URL, **kwargs: Any) -> Client:
    return Client(api_url or API_URL, token, auth_scheme="Bearer", extra_headers=HEADERS, **kwargs)


class GitHub:
    def __init__(self, client: Client, repo: str, *, in_actions: bool = False) -> None:
        self.in_actions = in_actions  # a GitHub Actions job (GITHUB_ACTIONS=true)
        owner, sep, name = repo.partition("/")
        if not sep or not owner or not name or "/" in name:
            raise ValueError(f"repository must be OWNER/NAME, got {repo!r}")
        self.client = client
        self.repo = f"{quote(owner, safe='')}/{quote(name, safe='')}"

    # --- pull request -------------------------------------------------------------------------

    def pr_files(self, number: int) -> list[ChangedFile]:
        files = []
        path = f"repos/{self.repo}/pulls/{number}/files"
        for item in self.client.paginate(path):
            files.append(ChangedFile(
                path=field(item, "filename", str, f"GET /{path}"),
                status=str(item.get("status", "modified")),
                previous_path=item.get("previous_filename"),
                patch=item.get("patch"),
            ))
        return files

    def review_comments(self, number: int) -> Iterator[dict[str, Any]]:
        yield from self.client.paginate(f"repos/{self.repo}/pulls/{number}/comments")

    def create_reviews(self, number: int, commit_sha: str, comments: list[ReviewComment], body: str
                       ) -> list[int]:
        """One review per 30 comments; returns the review ids."""
        ids = []
        for start in range(0, len(comments), MAX_REVIEW_COMMENTS):
            chunk = comments[start:start + MAX_REVIEW_COMMENTS]
            payload: dict[str, Any] = {
                "event": "COMMENT",
                "body": body,
                "comments": [c.to_api() for c in chunk],
            }
            if commit_sha:
                payload["commit_id"] = commit_sha
            path = f"repos/{self.repo}/pulls/{number}/reviews"
            ids.append(field(self.client.request_json("POST", path, json=payload), "id", int, f"POST /{path}"))
        return ids

    # --- issue comments (the timeline of a pull request) --------------------------------------

    def thread(self, number: int, bot_user: str | None = None) -> IssueThread:
        return IssueThread(self, number, bot_user)

    def login(self) -> str:
        """The account the token writes as: a personal token's user (`GET /user`); for an installation
        token, which may not read /user (a workflow's GITHUB_TOKEN, a GitHub App's), GraphQL's viewer,
        which names the app's bot user (github-actions[bot], acme-migrator[bot]). A 401 is an error."""
        try:
            data = self.client.get_json("user")
        except ApiError as exc:
            if exc.status not in (403, 404):
                raise
            return self._viewer(exc)
        return str(field(data, "login", str, "GET /user"))

    def _viewer(self, refused: ApiError) -> str:
        try:
            answer = self.client.request_json("POST", self._graphql_url(), json={"query": "query { viewer { login } }"})
            viewer = answer.get("data") if isinstance(answer, dict) else None
            return str(field(viewer.get("viewer") if isinstance(viewer, dict) else None, "login", str,
                             "POST /graphql"))
        except ApiError as exc:
            if exc.status == 401:
                raise
            if self.in_actions and exc.status == 404:
                # GitHub Enterprise without GraphQL: the workflow's own token is the likely one. Any other
                # failure (a 502, a 403, an error answer) says nothing of who the token is: guessing
                # github-actions[bot] there edited another workflow's comment
                return ACTIONS_BOT
            from migrator.model import MigratorError

            raise MigratorError(f"cannot tell which account the token writes as ({refused}; {exc}): pass "
                                "--bot-user LOGIN (SLUG[bot] for a GitHub App's token)") from None

    def _graphql_url(self) -> str:
        """GitHub's GraphQL endpoint: /graphql next to api.github.com's REST, /api/graphql on Enterprise."""
        base = self.client.base_url
        return (base[: -len("/v3")] if base.endswith("/api/v3") else base) + "/graphql"


class IssueThread:
    """The timeline comments of one pull request, for ``sticky.upsert``."""

    def __init__(self, api: GitHub, number: int, bot_user: str | None = None) -> None:
        self.api = api
        self.number = number
        self._author = bot_user

    def author(self) -> str | None:
        if self._author is None:
            self._author = self.api.login()
        return self._author

    def comments(self) -> Iterable[tuple[int, str, str | None]]:
        for item in self.api.client.paginate(f"repos/{self.api.repo}/issues/{self.number}/comments"):
            user = item.get("user")
            login = user.get("login") if isinstance(user, dict) else None
            body = item.get("body")
            yield (field(item, "id", int, f"GET /repos/{self.api.repo}/issues/{self.number}/comments"),
                   body if isinstance(body, str) else "", login if isinstance(login, str) else None)

    def create(self, body: str) -> int:
        path = f"repos/{self.api.repo}/issues/{self.number}/comments"
        return int(field(self.api.client.request_json("POST", path, json={"body": body}), "id", int, f"POST /{path}"))

    def update(self, comment_id: int, body: str) -> None:
        self.api.client.request("PATCH", f"repos/{self.api.repo}/issues/comments/{comment_id}",
                                json={"body": body})

    def delete(self, comment_id: int) -> None:
        self.api.client.request("DELETE", f"repos/{self.api.repo}/issues/comments/{comment_id}",
                                ok=(404,))
