"""The GitLab REST (v4) subset the bot uses: merge-request diffs and notes."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any
from urllib.parse import quote

from migrator.report.bot.github import ChangedFile
from migrator.report.bot.http import ApiError, Client, field, unexpected

API_URL = "https://gitlab.com/api/v4"


def make_client(token: str, api_url: str = API_URL, **kwargs: Any) -> Client:
    return Client(api_url or API_URL, token, auth_header="PRIVATE-TOKEN", auth_scheme=None, **kwargs)


class GitLab:
    def __init__(self, client: Client, project: str) -> None:
        if not project:
            raise ValueError("a GitLab project id or path is needed")
        self.client = client
        # numeric ids stay as they are; "group/project" paths are URL-encoded
        self.project = quote(str(project), safe="")

    def mr_files(self, iid: int) -> list[ChangedFile]:
        base = f"projects/{self.project}/merge_requests/{iid}"
        try:
            items = list(self.client.paginate(f"{base}/diffs"))
        except ApiError as exc:
            if exc.status != 404:  # /diffs is GitLab 15.7+; older servers only have /changes
                raise
            answer = self.client.get_json(f"{base}/changes")
            changes = answer.get("changes") if isinstance(answer, dict) else None
            if not isinstance(changes, list) or not all(isinstance(item, dict) for item in changes):
                raise unexpected(f"GET /{base}/changes", "no list of changes") from None
            items = changes
        files = []
        for item in items:
            if item.get("deleted_file"):
                status = "removed"
            elif item.get("new_file"):
                status = "added"
            elif item.get("renamed_file"):
                status = "renamed"
            else:
                status = "modified"
            files.append(ChangedFile(
                path=field(item, "new_path", str, f"GET /{base}/diffs"),
                status=status,
                previous_path=item.get("old_path") if item.get("renamed_file") else None,
                patch=item.get("diff"),
            ))
        return files

    def thread(self, iid: int, bot_user: str | None = None) -> NoteThread:
        return NoteThread(self, iid, bot_user)

    def login(self) -> str | None:
        """The username the token writes notes as (a project or group token's bot user), if GitLab says."""
        try:
            data = self.client.get_json("user")
        except ApiError as exc:
            if exc.status in (403, 404):  # (a 401 is a bad token: an error)
                return None
            raise
        name = data.get("username") if isinstance(data, dict) else None
        return name if isinstance(name, str) and name else None


class NoteThread:
    """The notes of one merge request, for ``sticky.upsert``."""

    def __init__(self, api: GitLab, iid: int, bot_user: str | None = None) -> None:
        self.api = api
        self.base = f"projects/{api.project}/merge_requests/{iid}/notes"
        self._author, self._asked = bot_user, bot_user is not None

    def author(self) -> str | None:
        if not self._asked:
            self._author, self._asked = self.api.login(), True
        return self._author

    def comments(self) -> Iterable[tuple[int, str, str | None]]:
        params = {"sort": "asc", "order_by": "created_at"}
        for item in self.api.client.paginate(self.base, params):
            if item.get("system"):
                continue
            author = item.get("author")
            name = author.get("username") if isinstance(author, dict) else None
            body = item.get("body")
            yield (field(item, "id", int, f"GET /{self.base}"), body if isinstance(body, str) else "",
                   name if isinstance(name, str) else None)

    def create(self, body: str) -> int:
        return int(field(self.api.client.request_json("POST", self.base, json={"body": body}), "id", int,
                         f"POST /{self.base}"))

    def update(self, comment_id: int, body: str) -> None:
        self.api.client.request("PUT", f"{self.base}/{comment_id}", json={"body": body})

    def delete(self, comment_id: int) -> None:
        self.api.client.request("DELETE", f"{self.base}/{comment_id}", ok=(404,))
