"""`migrate comment` against a real HTTP server speaking the GitHub REST subset, with faults."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import pytest
from forge import TOKEN, Fault, Forge

from migrator.cli.comment_cmd import comment_main

MARKER = "<!-- migrator:report -->"
DOCKERFILE = "FROM python:3.11-slim\nRUN apt-get install -y curl\nCOPY . /app\nCMD python /app/app.py\n"


def _patch(text: str) -> str:
    lines = text.splitlines()
    return f"@@ -0,0 +1,{len(lines)} @@\n" + "".join(f"+{line}\n" for line in lines)


class Setup:
    def __init__(self, forge: Forge, workspace: Path, summary: Path, capsys: Any) -> None:
        self.forge = forge
        self.workspace = workspace
        self.summary = summary
        self.capsys = capsys
        self.out = ""
        self.err = ""

    def run(self, *extra: str) -> int:
        code = comment_main(["--max-wait", "3", "--retries", "2", "--timeout", "5", "--backoff", "0.05",
                             *extra])
        captured = self.capsys.readouterr()
        self.out, self.err = captured.out, captured.err
        for text in (self.out, self.err):
            assert TOKEN not in text
        for comment in self.forge.comments.values():
            assert TOKEN not in comment["body"]
        return code

    def bot(self) -> dict[str, Any]:
        comments = self.forge.bot_comments()
        assert len(comments) == 1, [c["body"][:80] for c in comments]
        return comments[0]


@pytest.fixture
def gh(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, serve: Any, capsys: Any, fake_pipeline: None,
       clean_env: None) -> Setup:
    forge = serve(Forge("github"))
    ws = tmp_path / "ws"
    (ws / "services/api").mkdir(parents=True)
    (ws / "services/api/Dockerfile").write_text(DOCKERFILE)
    (ws / "web").mkdir()
    (ws / "web/Dockerfile.prod").write_text("FROM node:20\nCMD node server.js\n")
    (ws / "README.md").write_text("hello\n")
    (ws / "docs").mkdir()
    (ws / "docs/Dockerfile-notes").write_text("FROM nothing\n")
    forge.files = [
        {"filename": "services/api/Dockerfile", "status": "added", "patch": _patch(DOCKERFILE)},
        {"filename": "web/Dockerfile.prod", "status": "modified",
         "patch": "@@ -1,2 +1,2 @@\n FROM node:20\n-CMD node a.js\n+CMD node server.js\n"},
        {"filename": "README.md", "status": "modified", "patch": "@@ -1 +1 @@\n-hi\n+hello\n"},
        {"filename": "docs/Dockerfile-notes", "status": "added"},
        {"filename": "old/Dockerfile", "status": "removed"},
    ]
    event = tmp_path / "event.json"
    event.write_text(json.dumps({"pull_request": {"number": 7, "head": {"sha": "0123456789abcdef"}}}))
    summary = tmp_path / "summary.md"
    monkeypatch.setenv("GITHUB_TOKEN", TOKEN)
    monkeypatch.setenv("GITHUB_API_URL", forge.base)
    monkeypatch.setenv("GITHUB_REPOSITORY", "acme/app")
    monkeypatch.setenv("GITHUB_EVENT_PATH", str(event))
    monkeypatch.setenv("GITHUB_WORKSPACE", str(ws))
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    return Setup(forge, ws, summary, capsys)


def test_two_runs_leave_one_comment_updated_in_place(gh: Setup) -> None:
    for i in range(120):
        gh.forge.add_comment(f"human comment {i}")
    assert gh.run() == 0
    first = gh.bot()
    body = first["body"]
    assert "services/api/Dockerfile" in body and "web/Dockerfile.prod" in body
    assert "FROM cgr.dev/chainguard/python:latest-dev AS builder" in body
    assert "FROM cgr.dev/chainguard/python:latest\n" in body
    assert "README.md" not in body and "Dockerfile-notes" not in body and "old/Dockerfile" not in body
    assert "python:3.11-slim" in body  # from -> to in the summary table
    assert gh.forge.count("POST") == 1

    (gh.workspace / "services/api/Dockerfile").write_text(DOCKERFILE.replace("python:3.11-slim", "ruby:3.3"))
    assert gh.run() == 0
    second = gh.bot()
    assert second["id"] == first["id"] and second["edits"] == 1
    assert "FROM cgr.dev/chainguard/ruby:latest" in second["body"]
    assert gh.forge.count("POST") == 1  # no second comment
    assert len(gh.forge.comments) == 121

    assert gh.run() == 0  # nothing changed: no write at all
    assert gh.bot()["edits"] == 1 and gh.forge.count("PATCH") == 1


def test_finds_own_comment_on_a_later_page(gh: Setup) -> None:
    for i in range(130):
        gh.forge.add_comment(f"human comment {i}")
    # a human quoting the marker in the middle of a comment does not make it ours
    gh.forge.add_comment(f"I saw this:\n> {MARKER}\n> old report")
    old = gh.forge.add_comment(f"{MARKER}\nold report", user="github-actions[bot]")
    for i in range(40):
        gh.forge.add_comment(f"later comment {i}")
    assert gh.run() == 0
    assert gh.bot()["id"] == old
    assert "services/api/Dockerfile" in gh.forge.comments[old]["body"]
    assert gh.forge.count("POST") == 0
    assert gh.forge.count("GET", r"/issues/7/comments") == 2  # 172 comments: two pages of 100


def test_502_after_the_comment_was_created_does_not_duplicate(gh: Setup) -> None:
    gh.forge.faults.append(Fault("POST", r"/issues/7/comments$", 502, act_first=True))
    assert gh.run() == 0
    gh.bot()
    assert gh.forge.count("POST") == 1
    assert gh.run() == 0
    gh.bot()
    assert gh.forge.count("POST") == 1


def test_502_before_anything_was_created_posts_again(gh: Setup) -> None:
    gh.forge.faults.append(Fault("POST", r"/issues/7/comments$", 502, act_first=False))
    assert gh.run() == 0
    gh.bot()
    assert gh.forge.count("POST") == 2


def test_timeout_after_create_does_not_duplicate(gh: Setup) -> None:
    # The server stores the comment 0.8 s after the request; the client gives up after 0.5 s, then
    # waits as long again before looking: it finds the comment and does not post again.
    gh.forge.faults.append(Fault("POST", r"/issues/7/comments$", status=0, delay=0.8))
    assert gh.run("--timeout", "0.5") == 0
    time.sleep(0.5)
    gh.bot()
    assert gh.forge.count("POST") == 1


def test_a_very_late_twin_is_removed_by_the_next_run(gh: Setup) -> None:
    # Stored 1.5 s late, after the bot looked again and posted again: the twin appears after the
    # run ended; the next run keeps the oldest comment and removes the other.
    gh.forge.faults.append(Fault("POST", r"/issues/7/comments$", status=0, delay=1.5))
    assert gh.run("--timeout", "0.5") == 0
    time.sleep(1.3)
    assert len(gh.forge.bot_comments()) == 2
    assert gh.run() == 0
    gh.bot()


def test_5xx_on_reads_are_retried(gh: Setup) -> None:
    gh.forge.faults.append(Fault("GET", r"/pulls/7/files", 502, times=2))
    assert gh.run() == 0
    gh.bot()
    assert gh.forge.count("GET", r"/pulls/7/files") == 3


def test_429_retry_after_is_honoured(gh: Setup) -> None:
    gh.forge.faults.append(Fault("GET", r"/issues/7/comments", 429, headers={"Retry-After": "1"}))
    start = time.monotonic()
    assert gh.run() == 0
    assert time.monotonic() - start >= 1.0
    gh.bot()
    assert "rate limited" in gh.err


def test_403_with_ratelimit_reset_is_waited_out(gh: Setup) -> None:
    reset = str(int(time.time()) + 1)
    gh.forge.faults.append(Fault("POST", r"/issues/7/comments$", 403,
                                 headers={"x-ratelimit-remaining": "0", "x-ratelimit-reset": reset}))
    assert gh.run() == 0
    gh.bot()
    assert gh.forge.count("POST") == 2


def test_retry_after_beyond_the_cap_fails_fast(gh: Setup) -> None:
    gh.forge.faults.append(Fault("GET", r"/pulls/7/files", 429, headers={"Retry-After": "3600"}))
    start = time.monotonic()
    assert gh.run() == 2  # an API failure is an error like any other (exit 3 is validate's only)
    assert time.monotonic() - start < 2
    assert "3600" in gh.err and "::error" in gh.err
    assert not gh.forge.comments


def test_read_only_token_writes_the_step_summary(gh: Setup) -> None:
    gh.forge.read_only = True
    assert gh.run() == 0
    assert not gh.forge.comments
    summary = gh.summary.read_text()
    assert MARKER in summary and "services/api/Dockerfile" in summary
    assert TOKEN not in summary
    assert "::warning title=migrator::the token cannot write comments (403)" in gh.err
    assert "::warning file=services/api/Dockerfile,line=1,title=MIG201::" in gh.out
    assert gh.run("--fail-on", "warning") == 1  # the exit code still follows --fail-on


def test_bad_token_fails_without_printing_it(gh: Setup, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GITHUB_TOKEN", "ghs_wrongTokenWrongToken")
    assert gh.run() == 2  # an API failure is an error like any other (exit 3 is validate's only)
    assert "401" in gh.err and "ghs_wrongTokenWrongToken" not in gh.err + gh.out


def test_fail_on(gh: Setup) -> None:
    assert gh.run("--fail-on", "error") == 0
    assert gh.run("--fail-on", "warning") == 1
    assert gh.run("--fail-on", "never") == 0
    gh.bot()


def test_nothing_to_say_updates_then_deletes(gh: Setup) -> None:
    assert gh.run() == 0
    cid = gh.bot()["id"]
    gh.forge.files = [f for f in gh.forge.files if f["filename"] == "README.md"]
    assert gh.run() == 0
    assert gh.bot()["id"] == cid and "No Dockerfile in this pull request needs migrating" in gh.bot()["body"]
    assert gh.run("--delete-when-clean") == 0
    assert gh.forge.bot_comments() == []
    assert gh.run() == 0  # clean and no earlier comment: nothing is posted
    assert gh.forge.bot_comments() == [] and gh.forge.count("POST") == 1


def test_duplicates_from_the_past_are_removed(gh: Setup) -> None:
    a = gh.forge.add_comment(f"{MARKER}\none", user="github-actions[bot]")
    gh.forge.add_comment(f"{MARKER}\ntwo", user="github-actions[bot]")
    assert gh.run() == 0
    assert gh.bot()["id"] == a


def test_a_comment_someone_else_opened_with_the_marker_is_not_ours(gh: Setup) -> None:
    """Second adversarial round, B2: the marker alone made mallory's comment 'ours': the bot deleted its own
    report and wrote the report into hers."""
    theirs = gh.forge.add_comment(f"{MARKER}\nmallory's own text", user="mallory")
    ours = gh.forge.add_comment(f"{MARKER}\nold report", user="github-actions[bot]")
    assert gh.run() == 0
    assert gh.forge.comments[theirs]["body"] == f"{MARKER}\nmallory's own text"
    assert ours in gh.forge.comments and gh.forge.comments[ours]["body"] != f"{MARKER}\nold report"
    assert gh.forge.count("DELETE") == 0 and gh.forge.count("PATCH", rf"/comments/{theirs}") == 0


def test_a_token_of_a_user_finds_that_user_s_comments(gh: Setup) -> None:
    gh.forge.login = "release-bot"
    gh.forge.add_comment(f"{MARKER}\nby the workflow token", user="github-actions[bot]")
    ours = gh.forge.add_comment(f"{MARKER}\nold report", user="release-bot")
    assert gh.run() == 0
    assert gh.forge.count("PATCH", rf"/comments/{ours}$") == 1 and gh.forge.count("POST") == 0


def test_bot_user_names_the_author_when_the_api_cannot(gh: Setup) -> None:
    ours = gh.forge.add_comment(f"{MARKER}\nold report", user="my-app[bot]")
    assert gh.run("--bot-user", "my-app[bot]") == 0
    assert gh.forge.count("PATCH", rf"/comments/{ours}$") == 1 and gh.forge.count("GET", "/user$") == 0


def test_paths_filter_and_dry_run(gh: Setup) -> None:
    assert gh.run("--dry-run", "--paths", "services/**") == 0
    assert gh.out.startswith(MARKER) and "services/api/Dockerfile" in gh.out
    assert "web/Dockerfile.prod" not in gh.out.split("</details>")[0].split("| File |")[1]
    assert "not matching --paths" in gh.out
    assert not gh.forge.comments and gh.forge.count("POST") == 0


def test_github_enterprise_api_prefix(tmp_path: Path, serve: Any, monkeypatch: pytest.MonkeyPatch,
                                      capsys: Any, fake_pipeline: None, clean_env: None) -> None:
    forge = serve(Forge("github", prefix="/api/v3"))
    (tmp_path / "Dockerfile").write_text(DOCKERFILE)
    forge.files = [{"filename": "Dockerfile", "status": "renamed", "previous_filename": "Dockerfile.old"}]
    forge.files += [{"filename": f"src/f{i}.py", "status": "added"} for i in range(150)]
    monkeypatch.setenv("MY_TOKEN", TOKEN)
    code = comment_main(["--token-env", "MY_TOKEN", "--api-url", forge.base + "/api/v3", "--repo", "acme/app",
                         "--pr", "3", "--workspace", str(tmp_path)])
    out, err = capsys.readouterr()
    assert code == 0, err
    assert TOKEN not in out + err
    assert len(forge.bot_comments()) == 1
    assert forge.count("GET", "/pulls/3/files") == 2


def test_token_in_file_content_is_scrubbed(gh: Setup) -> None:
    (gh.workspace / "services/api/Dockerfile").write_text(f"FROM python:3.11\nENV T={TOKEN}\n")
    assert gh.run() == 0  # run() asserts the token is in no comment and no output
    assert "ENV T=***" in gh.bot()["body"]


def test_symlink_out_of_the_workspace_is_not_read(gh: Setup, tmp_path: Path) -> None:
    secret = tmp_path / "secret"
    secret.write_text("FROM python:3.11\nENV SECRET=hunter2hunter2\n")
    target = gh.workspace / "services/api/Dockerfile"
    target.unlink()
    target.symlink_to(secret)
    assert gh.run() == 0
    body = gh.bot()["body"]
    assert "hunter2" not in body and "outside the workspace" in body


def test_validation_results_in_the_table(gh: Setup, monkeypatch: pytest.MonkeyPatch) -> None:
    import migrator.cli.comment_cmd as cmd

    calls = []

    def fake_validate(path: Path, settings: Any) -> list[dict[str, Any]]:
        calls.append(path)
        return [{"platform": "linux/amd64", "status": "ok"}, {"platform": "linux/arm64", "status": "failed"}]

    monkeypatch.setattr(cmd, "run_validate", fake_validate)
    assert gh.run("--validate", "--fail-on", "error") == 1  # a failed platform counts as an error
    body = gh.bot()["body"]
    assert "| Validation |" in body and "linux/amd64 ✅ · linux/arm64 ❌" in body
    assert len(calls) == 2


def test_validation_builds_the_migrated_file_beside_the_original(gh: Setup, monkeypatch: pytest.MonkeyPatch) -> None:
    """It built the original Dockerfile (still in the workspace) and reported that as the migration's result."""
    import migrator.cli.comment_cmd as cmd

    seen: list[tuple[Path, str, bool]] = []

    def fake_validate(path: Path, settings: Any) -> list[dict[str, Any]]:
        ignore = path.with_name(path.name + ".dockerignore")
        seen.append((path, path.read_text(), ignore.is_file() and ignore.read_text() == "secrets/\n"))
        return [{"platform": "linux/amd64", "status": "ok"}]

    (gh.workspace / "services/api/Dockerfile.dockerignore").write_text("secrets/\n")
    monkeypatch.setattr(cmd, "run_validate", fake_validate)
    assert gh.run("--validate") == 0
    api = next(entry for entry in seen if entry[0].parent == gh.workspace / "services/api")
    assert "FROM cgr.dev/chainguard/python:latest-dev AS builder" in api[1]  # the migrated text
    assert "FROM python:3.11-slim" not in api[1]
    assert api[2]  # the Dockerfile's own .dockerignore goes with it
    assert (gh.workspace / "services/api/Dockerfile").read_text() == DOCKERFILE
    assert sorted(p.name for p in (gh.workspace / "services/api").iterdir()) == ["Dockerfile",
                                                                                  "Dockerfile.dockerignore"]


def test_suggestions_are_posted_once(gh: Setup) -> None:
    assert gh.run("--suggestions") == 0
    assert len(gh.forge.reviews) == 1
    review = gh.forge.reviews[0]
    assert review["commit_id"] == "0123456789abcdef" and review["event"] == "COMMENT"
    paths = {c["path"] for c in review["comments"]}
    # web/Dockerfile.prod line 1 is context in the patch: its suggestion can be placed
    assert paths == {"services/api/Dockerfile", "web/Dockerfile.prod"}
    first = review["comments"][0]
    assert "```suggestion\n" in first["body"] and first["side"] == "RIGHT"
    assert gh.run("--suggestions") == 0
    assert len(gh.forge.reviews) == 1  # already there: not posted again
    assert "already there" in gh.err


def test_no_suggestion_for_a_migration_whose_final_stage_cannot_start(gh: Setup,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    import migrator.api
    from migrator.model import Finding, RuntimeStatus, Severity

    stand_in = migrator.api.migrate_path  # (the fixture's fake pipeline)

    def cannot_start_in_web(path: Path, options: Any = None) -> Any:
        result = stand_in(path, options)
        if path.name == "Dockerfile.prod":
            reason = "`node` is not on the PATH of static:latest and no COPY puts it there"
            result.runtime = RuntimeStatus("cgr.dev/chainguard/static:latest", ("node",), "broken", reason)
            result.findings.append(Finding("MIG540", Severity.ERROR, 2, reason))
        return result

    monkeypatch.setattr(migrator.api, "migrate_path", cannot_start_in_web)
    gh.run("--suggestions")
    [review] = gh.forge.reviews
    assert {c["path"] for c in review["comments"]} == {"services/api/Dockerfile"}
    assert "suggestions: none for 1 file whose migrated final stage cannot start" in gh.err
