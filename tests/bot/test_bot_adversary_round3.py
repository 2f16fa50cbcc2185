"""The third adversarial round's bot items (/work/adversary2/REPORT.md N4, N6, N7): the account an
installation token writes as, endless pagination, answers of an unexpected shape."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import pytest
import respx
from forge import TOKEN, Forge

from migrator.cli.comment_cmd import comment_main
from migrator.model import MigratorError
from migrator.report.bot.github import GitHub
from migrator.report.bot.http import MAX_PAGES, ApiError, Client

MARKER = "<!-- migrator:report -->"
API = "https://api.example.com"


def run(forge: Forge, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: Any, *extra: str) -> tuple[int, str]:
    (tmp_path / "Dockerfile").write_text("FROM python:3.12-slim\nCMD python app.py\n")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("GITHUB_TOKEN", TOKEN)
    monkeypatch.setenv("GITHUB_API_URL", forge.base)
    monkeypatch.setenv("GITHUB_REPOSITORY", "acme/app")
    code = comment_main(["--pr", "7", "--file", "Dockerfile", "--retries", "0", "--timeout", "5", *extra])
    err = capsys.readouterr().err
    assert TOKEN not in err and "Traceback" not in err and "internal error" not in err
    return code, err


@pytest.fixture
def forge(serve: Any, fake_pipeline: None, clean_env: None) -> Forge:
    return serve(Forge("github"))  # type: ignore[no-any-return]


# --- N4: a GitHub App's installation token ------------------------------------------------------------


def test_an_app_token_edits_its_own_comment_not_github_actions_bot(forge: Forge, tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch,
                                                                   capsys: Any) -> None:
    forge.viewer = "acme-migrator[bot]"  # GET /user: 403; GraphQL's viewer names the app's bot
    ours = forge.add_comment(f"{MARKER}\nlast push", user="acme-migrator[bot]")
    other = forge.add_comment(f"{MARKER}\nanother workflow", user="github-actions[bot]")
    code, _ = run(forge, tmp_path, monkeypatch, capsys)
    assert code in (0, 1)
    assert forge.count("PATCH", rf"/comments/{ours}$") == 1
    assert forge.count("PATCH", rf"/comments/{other}$") == 0 and forge.comments[other]["body"].endswith("workflow")
    assert forge.count("POST", "comments") == 0


def test_unknown_account_outside_actions_is_a_one_line_error_not_a_guess(forge: Forge, tmp_path: Path,
                                                                          monkeypatch: pytest.MonkeyPatch,
                                                                          capsys: Any) -> None:
    forge.viewer = None  # no GraphQL (a proxy): the token's account cannot be learnt
    other = forge.add_comment(f"{MARKER}\nanother workflow", user="github-actions[bot]")
    code, err = run(forge, tmp_path, monkeypatch, capsys)
    assert code == 2 and "--bot-user" in err and len(err.strip().splitlines()) == 1
    assert forge.count("PATCH") == 0 and forge.count("POST", "comments") == 0 and other in forge.comments


def test_a_bad_token_is_an_error_not_github_actions_bot(forge: Forge, tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch, capsys: Any) -> None:
    forge.token = "another-token-entirely"  # every request: 401 Bad credentials
    code, err = run(forge, tmp_path, monkeypatch, capsys)
    assert code == 2 and "401" in err and len(err.strip().splitlines()) == 1


@pytest.mark.parametrize("answer", [
    httpx.Response(502, text="bad gateway"),
    httpx.Response(403, json={"message": "Resource not accessible by integration"}),
    httpx.Response(200, json={"errors": [{"message": "Something went wrong"}]}),
])
def test_inside_actions_only_a_missing_graphql_means_the_workflow_token(answer: httpx.Response) -> None:
    # adversary round 3 (R3): a failed viewer look-up inside Actions was taken for github-actions[bot], so an
    # App token's bot edited another workflow's sticky comment and exited 0
    with respx.mock:
        respx.get(f"{API}/user").mock(return_value=httpx.Response(403, json={"message": "forbidden"}))
        respx.post(f"{API}/graphql").mock(return_value=answer)
        with pytest.raises(MigratorError, match="--bot-user"):
            GitHub(Client(API, TOKEN), "a/b", in_actions=True).login()
    with respx.mock:
        respx.get(f"{API}/user").mock(return_value=httpx.Response(403, json={"message": "forbidden"}))
        respx.post(f"{API}/graphql").mock(return_value=httpx.Response(404, json={"message": "Not Found"}))
        assert GitHub(Client(API, TOKEN), "a/b", in_actions=True).login() == "github-actions[bot]"


def test_the_graphql_endpoint_of_an_enterprise_server() -> None:
    client = Client(f"{API}/api/v3", TOKEN)
    assert GitHub(client, "a/b")._graphql_url() == f"{API}/api/graphql"
    assert GitHub(Client(API, TOKEN), "a/b")._graphql_url() == f"{API}/graphql"


# --- N6: rel="next" without end -------------------------------------------------------------------------


@respx.mock
def test_pagination_stops_after_a_bounded_number_of_pages() -> None:
    def page(request: httpx.Request) -> httpx.Response:
        number = int(request.url.params.get("page", "1"))
        return httpx.Response(200, json=[{"id": number}],
                              headers={"Link": f'<{API}/items?page={number + 1}>; rel="next"'})

    route = respx.get(f"{API}/items").mock(side_effect=page)
    with pytest.raises(ApiError, match=f"more than {MAX_PAGES} pages"):
        list(Client(API, TOKEN).paginate("/items"))
    assert route.call_count == MAX_PAGES


# --- N7: answers of an unexpected shape -----------------------------------------------------------------


@pytest.mark.parametrize(("answer", "said"), [
    ([1, "x", None], "an item is int, not an object"),
    ([{"id": "abc", "body": "x"}], "'id' is 'abc', not an id"),
    ([{"body": "x"}], "'id' is None"),
])
def test_comments_of_an_unexpected_shape_are_an_api_error(answer: Any, said: str) -> None:
    with respx.mock:
        respx.get(f"{API}/repos/a/b/issues/1/comments").mock(return_value=httpx.Response(200, json=answer))
        thread = GitHub(Client(API, TOKEN), "a/b").thread(1, "bot")
        with pytest.raises(ApiError, match="unexpected answer") as error:
            list(thread.comments())
    assert said in str(error.value)


@respx.mock
def test_an_answer_that_is_not_json_is_an_api_error() -> None:
    respx.post(f"{API}/repos/a/b/issues/1/comments").mock(return_value=httpx.Response(201, text="<html>ok</html>"))
    with pytest.raises(ApiError, match=r"POST /repos/a/b/issues/1/comments: unexpected answer \(not JSON\)"):
        GitHub(Client(API, TOKEN), "a/b").thread(1, "bot").create("body")


def test_junk_comments_through_the_command_exit_2_in_one_line(forge: Forge, tmp_path: Path,
                                                               monkeypatch: pytest.MonkeyPatch, capsys: Any,
                                                               ) -> None:
    forge.add_comment(f"{MARKER}\nx", user="github-actions[bot]")
    forge.comments[next(iter(forge.comments))]["id"] = "abc"
    code, err = run(forge, tmp_path, monkeypatch, capsys)
    assert code == 2 and "unexpected answer" in err and len(err.strip().splitlines()) == 1
