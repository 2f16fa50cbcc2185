"""Review 4 (N1, N2, N4, N5): the tools the start and build commands need, the user that installs them,
and two error findings that claimed more than the Dockerfile shows. One minimal reproduction of our own
per defect, asserting what the user sees: the migrated file and its findings."""

from __future__ import annotations

from migrator.api import migrate_text
from migrator.model import Options, Result, Severity


def migrate(text: str, options: Options | None = None) -> Result:
    result = migrate_text(text, options)
    again = migrate_text(result.dockerfile, options)
    assert again.dockerfile == result.dockerfile, "not idempotent"
    return result


def codes(result: Result) -> dict[str, Severity]:
    return {f.code: f.severity for f in result.findings}


def messages(result: Result, code: str) -> list[str]:
    return [f.message for f in result.findings if f.code == code]


# --- N1: a tool installed under the user a parent stage left in force -------------------------------


def test_a_build_stage_under_its_parents_user_installs_a_missing_tool_as_root_and_runs_its_step_as_that_user() -> None:
    # the inline `apk add --no-cache curl && curl ...` ran as app: apk cannot lock its database, the build fails
    result = migrate("FROM python:3.12 AS base\nRUN useradd -u 1000 app\nUSER app\n"
                     "FROM base AS build\nWORKDIR /home/app\n"
                     "RUN curl -fsSL https://example.com/x.tgz | tar xz && pip install --user .\n"
                     "FROM base\nCOPY --from=build /home/app/.local /home/app/.local\nCMD [\"python\", \"-m\", \"x\"]\n")
    assert ("WORKDIR /home/app\nUSER root\nRUN apk add --no-cache curl\nUSER app\n"
            "RUN curl -fsSL https://example.com/x.tgz | tar xz && pip install --user .\n") in result.dockerfile
    assert "the stage runs it (line 6)" in messages(result, "MIG313")[0]


def test_a_tool_the_npm_step_needs_under_an_inherited_user_is_installed_as_root() -> None:
    result = migrate("FROM php:8.3-cli AS base\nRUN useradd -u 1000 app\nUSER app\n"
                     "FROM base AS build\nWORKDIR /home/app\nCOPY . .\nRUN npm ci && npm run build\n"
                     "FROM base\nCOPY --from=build /home/app /app\nCMD [\"php\", \"/app/index.php\"]\n")
    assert ("COPY . .\nUSER root\nRUN apk add --no-cache npm\nUSER app\nRUN npm ci && npm run build\n"
            in result.dockerfile)


def test_a_tool_of_a_stage_that_runs_as_root_still_goes_in_front_of_its_first_use() -> None:
    result = migrate("FROM python:3.12 AS build\nRUN curl -fsSL https://example.com/x.tgz | tar xz\n"
                     "FROM python:3.12-slim\nCOPY --from=build /x /x\nCMD [\"python\", \"/x/main.py\"]\n")
    assert "RUN apk add --no-cache curl && curl -fsSL https://example.com/x.tgz | tar xz\n" in result.dockerfile
    assert "USER app" not in result.dockerfile


def test_tools_placed_before_a_users_switch_are_installed_as_root_under_an_inherited_user() -> None:
    result = migrate("FROM python:3.12 AS base\nRUN useradd -u 1000 app && useradd -u 1001 worker\nUSER app\n"
                     "FROM base AS build\nUSER worker\nRUN curl -fsSL https://example.com/x.tgz | tar xz\n"
                     "FROM base\nCOPY --from=build /x /x\nCMD [\"python\", \"/x/main.py\"]\n")
    build = result.dockerfile.split("AS build\n", 1)[1]
    assert build.startswith("USER root\nRUN apk add --no-cache curl\nUSER app\nUSER worker\n")
