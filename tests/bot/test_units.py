"""Unit tests for the bot's pieces (httpx mocked with respx where a server is overkill)."""

from __future__ import annotations

import subprocess
import sys

import httpx
import pytest
import respx

from migrator.cli.comment_cmd import is_dockerfile, workflow_annotations
from migrator.model import Finding, Result, Severity, StageInfo
from migrator.report.bot import MARKER
from migrator.report.bot.comment import MAX_CHARS, FileReport, Renderer, Report, fence_for, md_cell, md_code
from migrator.report.bot.http import ApiError, Client, parse_next_link
from migrator.report.bot.suggest import commentable_lines, suggestions

SECRET = "ghp_unitTestSecretValue123456"
API = "https://ghe.example.com/api/v3"


def client(**kw: object) -> Client:
    return Client(API, SECRET, sleep=lambda s: None, **kw)  # type: ignore[arg-type]


@respx.mock
def test_token_is_scrubbed_from_errors() -> None:
    respx.get(f"{API}/x").mock(return_value=httpx.Response(422, json={"message": f"bad token {SECRET}"}))
    with pytest.raises(ApiError) as info:
        client().request("GET", "/x")
    assert SECRET not in str(info.value) and "***" in str(info.value)
    assert info.value.__cause__ is None and info.value.status == 422


@respx.mock
def test_a_token_quoted_past_the_cut_is_scrubbed_before_it() -> None:
    """Second adversarial round, B3: cut at 300 characters first, the token was no longer whole and its
    first 20 characters were printed."""
    for padding in (262, 280, 295, 299):
        respx.get(f"{API}/x").mock(return_value=httpx.Response(
            422, json={"message": "x" * padding + f" bad credentials: {SECRET}"}))
        with pytest.raises(ApiError) as info:
            client().request("GET", "/x")
        assert SECRET[:6] not in str(info.value), padding
    respx.get(f"{API}/y").mock(return_value=httpx.Response(422, text=f"bad credentials: {SECRET[:14]}"))
    with pytest.raises(ApiError) as info:  # a server that cut it itself
        client().request("GET", "/y")
    assert SECRET[:6] not in str(info.value) and "***" in str(info.value)


@respx.mock
@pytest.mark.parametrize("headers", [{"Retry-After": "nan"}, {"Retry-After": "inf"},
                                     {"x-ratelimit-remaining": "0", "x-ratelimit-reset": "nan"}])
def test_a_wait_that_is_not_a_number_is_not_waited(headers: dict[str, str]) -> None:
    """Second adversarial round, C6: 'waiting nans', then an internal error."""
    respx.get(f"{API}/r").mock(return_value=httpx.Response(429, headers=headers))
    waits: list[float] = []
    with pytest.raises(ApiError, match="still rate limited"):
        Client(API, SECRET, sleep=waits.append, max_retries=2, backoff=0.5).request("GET", "/r")
    assert waits == [0.5, 0.5]


@respx.mock
def test_network_error_text_is_scrubbed_and_post_is_not_retried() -> None:
    route = respx.post(f"{API}/c").mock(side_effect=httpx.ConnectError(f"boom {SECRET}"))
    with pytest.raises(ApiError) as info:
        client().request("POST", "/c", json={})
    assert route.call_count == 1 and info.value.transient and SECRET not in str(info.value)


@respx.mock
def test_get_retries_5xx_then_gives_up() -> None:
    route = respx.get(f"{API}/c").mock(return_value=httpx.Response(503))
    waits: list[float] = []
    with pytest.raises(ApiError):
        Client(API, SECRET, sleep=waits.append, max_retries=3, backoff=0.5).request("GET", "/c")
    assert route.call_count == 4 and waits == [0.5, 1.0, 2.0]


@respx.mock
def test_auth_header_and_enterprise_path() -> None:
    route = respx.get(f"{API}/repos/a/b").mock(return_value=httpx.Response(200, json={}))
    client().request("GET", "/repos/a/b")
    assert route.calls.last.request.headers["Authorization"] == f"Bearer {SECRET}"


@respx.mock
def test_pagination_refuses_other_hosts() -> None:
    respx.get(f"{API}/items").mock(return_value=httpx.Response(
        200, json=[{"id": 1}], headers={"Link": '<https://evil.example.com/items?page=2>; rel="next"'}))
    with pytest.raises(ApiError, match="another host"):
        list(client().paginate("/items"))


@respx.mock
def test_retry_after_http_date_and_cap() -> None:
    later = {"Retry-After": "Wed, 21 Oct 2099 07:28:00 GMT"}
    respx.get(f"{API}/r").mock(return_value=httpx.Response(429, headers=later))
    with pytest.raises(ApiError, match="more than the 5s allowed"):
        client(max_wait=5).request("GET", "/r")


def test_parse_next_link() -> None:
    header = '<https://a/x?page=3>; rel="last", <https://a/x?page=2>; rel="next"'
    assert parse_next_link(header) == "https://a/x?page=2"
    assert parse_next_link('<https://a/x?page=1>; rel="prev"') is None


def test_dockerfile_names() -> None:
    for name in ("Dockerfile", "a/Containerfile", "x/app.Dockerfile", "Dockerfile.prod", "Containerfile.dev"):
        assert is_dockerfile(name)
    for name in ("Dockerfile-prod", "docs/dockerfile.md", "README.md", "Dockerfile/readme"):
        assert not is_dockerfile(name)


def test_markdown_helpers() -> None:
    assert md_cell("a|b <script>\nc") == "a\\|b &lt;script&gt; c"
    assert md_code("x`y") == "``x`y``"
    assert fence_for("```\n````\n") == "`````"


def _result(path: str, lines: int) -> Result:
    original = "FROM python:3.11\n" + "".join(f"RUN echo {i} ```\n" for i in range(lines))
    migrated = "FROM cgr.dev/chainguard/python:latest\n" + "".join(
        f"RUN echo {i} changed\n" for i in range(lines))
    return Result(path, original, migrated,
                  [StageInfo("runtime", "runtime", "cgr.dev/chainguard/python:latest", "python:3.11")],
                  [Finding("MIG201", Severity.WARNING, 1, "replaced")])


def test_size_cap_truncates_per_file_with_a_note() -> None:
    report = Report([FileReport("small/Dockerfile", _result("small/Dockerfile", 3)),
                     FileReport("big/Dockerfile", _result("big/Dockerfile", 3000)),
                     FileReport("bigger/Dockerfile", _result("bigger/Dockerfile", 5000))])
    body = Renderer().render(report)
    assert len(body) <= MAX_CHARS and body.startswith(MARKER)
    assert "RUN echo 2 changed" in body  # the small diff is whole
    assert body.count("**Diff truncated**") == 2 and "comments are limited to 65,536 characters" in body
    assert "`````diff" not in body and "````diff" in body  # fence longer than the ``` inside
    small = Renderer().render(Report([FileReport("a/Dockerfile", _result("a/Dockerfile", 3))]))
    assert "truncated" not in small


def test_user_template(tmp_path: object) -> None:
    from pathlib import Path

    path = Path(str(tmp_path)) / "t.md.j2"
    path.write_text('{% import "macros.md.j2" as m %}Files: '
                    '{% for f in files %}{{ f.path }} {{ m.counts(f.counts) }}{% endfor %}')
    body = Renderer(path).render(Report([FileReport("a/Dockerfile", _result("a/Dockerfile", 1))]))
    assert body == f"{MARKER}\nFiles: a/Dockerfile ⚠️ 1 warning\n"


def test_suggestions_follow_the_patch() -> None:
    patch = "@@ -1,3 +1,3 @@\n FROM a\n-RUN x\n+RUN y\n RUN z\n"
    assert commentable_lines(patch) == {1, 2, 3}
    comments, skipped = suggestions("Dockerfile", "FROM a\nRUN y\nRUN z\nCMD q\n",
                                    "FROM b\nRUN y\nRUN z\nCMD r\n", commentable_lines(patch))
    assert [c.line for c in comments] == [1] and skipped == 1
    assert comments[0].body.endswith("```suggestion\nFROM b\n```")


def test_annotations_escape() -> None:
    report = Report([FileReport("a,b:c/Dockerfile", Result("x", "a", "a", [], [
        Finding("MIG301", Severity.INFO, 3, "50%\nnext")]))])
    assert workflow_annotations(report) == [
        "::notice file=a%2Cb%3Ac/Dockerfile,line=3,title=MIG301::50%25%0Anext"]


def test_cli_hot_path_does_not_import_httpx_or_jinja2() -> None:
    code = ("import sys; import migrator.cli, migrator.cli.comment_cmd; "
            "print(sorted(m for m in ('httpx', 'jinja2', 'typer') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


@pytest.mark.parametrize(("env", "expected"), [
    ({"GITLAB_CI": "true", "CI_MERGE_REQUEST_IID": "abc"}, "CI_MERGE_REQUEST_IID: 'abc' is not a pull request number"),
    ({"GITLAB_CI": "true", "CI_MERGE_REQUEST_IID": "-1"}, "is not a pull request number"),
    ({"GITHUB_EVENT_PATH": '{"pull_request": "x"}'}, "pull_request: expected an object"),
    ({"GITHUB_EVENT_PATH": '{"pull_request": {"number": 1e400}}'}, "is not a pull request number"),
    ({"GITHUB_EVENT_PATH": '{"pull_request": {"number": true}}'}, "is not a pull request number"),
    ({"GITHUB_EVENT_PATH": '{"issue": [1]}'}, "issue: expected an object"),
    ({"GITHUB_EVENT_PATH": '{"pull_request": {"number": 3, "head": {"sha": 5}}}'}, "sha is not a string"),
])
def test_malformed_ci_values_are_one_line_exit_2(tmp_path: object, env: dict[str, str], expected: str) -> None:
    """Second adversarial round, C6: these were internal errors (ValueError, AttributeError, OverflowError)."""
    import os
    from pathlib import Path

    assert isinstance(tmp_path, Path)
    (tmp_path / "Dockerfile").write_text("FROM python:3.12-slim\nCMD [\"python\"]\n")
    environment = {"PATH": os.environ["PATH"], "HOME": str(tmp_path), "GITHUB_REPOSITORY": "a/b",
                   "CI_PROJECT_ID": "1", **env}
    if "GITHUB_EVENT_PATH" in env:
        (tmp_path / "event.json").write_text(env["GITHUB_EVENT_PATH"])
        environment["GITHUB_EVENT_PATH"] = str(tmp_path / "event.json")
    done = subprocess.run([sys.executable, "-m", "migrator", "comment", "--dry-run", "--file", "Dockerfile"],
                          cwd=tmp_path, env=environment, capture_output=True, text=True, timeout=60)
    assert done.returncode == 2 and done.stderr.count("\n") == 1, done.stderr
    assert expected in done.stderr and "internal error" not in done.stderr
