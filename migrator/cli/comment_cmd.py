"""`migrate comment`: post (or update) one sticky pull-request comment with the migration report.

Reads the GitHub Actions environment (or GitLab CI's); every value is also an option. Exit codes, as
for every sub-command but validate: 0 done (also when the token was read-only and the report went to
the job summary instead), 1 a finding at or above ``--fail-on``, 2 an error (usage, configuration,
the CI environment, or the API failed), each one line with the token scrubbed.
"""

from __future__ import annotations

import contextlib
import fnmatch
import json
import os
import sys
from collections.abc import Callable
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any

from migrator.model import MigratorError, Options, Severity
from migrator.records import dataclass, field
from migrator.report.formats import escape_data, escape_property

if TYPE_CHECKING:
    from migrator.report.bot.comment import FileReport, Report
    from migrator.report.bot.github import ChangedFile

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE, EXIT_API = 0, 1, 2, 2
TOUCHED = ("added", "modified", "renamed")


def is_dockerfile(path: str) -> bool:
    name = PurePosixPath(path).name
    return (
        name in ("Dockerfile", "Containerfile")
        or name.endswith(".Dockerfile")
        or name.startswith(("Dockerfile.", "Containerfile."))
    )


@dataclass
class CommentArgs:
    """The command line (see `migrate comment --help`, defined in cli.app)."""

    platform: str | None = None
    token_env: str | None = None
    api_url: str | None = None
    repo: str | None = None
    pr: int | None = None
    sha: str | None = None
    workspace: Path | None = None
    registry: str | None = None
    org: str | None = None
    rules: list[Path] = field(default_factory=list)
    pin: bool = False
    verify_tags: bool = False
    paths: list[str] = field(default_factory=list)
    file: list[str] = field(default_factory=list)
    validate: bool = False
    validate_timeout: float = 1800.0
    suggestions: bool = False
    fail_on: str = "never"
    template: Path | None = None
    delete_when_clean: bool = False
    dry_run: bool = False
    timeout: float = 30.0
    retries: int = 4
    max_wait: float = 120.0
    backoff: float = 1.0  # the first retry's delay
    verbose: bool = False
    bot_user: str | None = None  # the account the token writes as, when the API cannot say


class Settings:
    """Options resolved against the CI environment."""

    def __init__(self, args: CommentArgs, env: dict[str, str] | os._Environ[str]) -> None:
        self.args = args
        gitlab_env = bool(env.get("GITLAB_CI") or env.get("CI_API_V4_URL"))
        self.platform: str = args.platform or ("gitlab" if gitlab_env else "github")
        event = _read_event(env.get("GITHUB_EVENT_PATH")) if self.platform == "github" else {}
        if self.platform == "github":
            self.token_env = args.token_env or "GITHUB_TOKEN"
            self.api_url = args.api_url or env.get("GITHUB_API_URL") or "https://api.github.com"
            self.repo = args.repo or env.get("GITHUB_REPOSITORY", "")
            pr = _object(event.get("pull_request"), "GITHUB_EVENT_PATH: pull_request")
            issue = _object(event.get("issue"), "GITHUB_EVENT_PATH: issue")
            number = args.pr or pr.get("number") or event.get("number")
            if not number and issue.get("pull_request"):
                number = issue.get("number")  # issue_comment events on a pull request
            self.pr = _number(number, "GITHUB_EVENT_PATH: the pull request number") if number else None
            sha = args.sha or _object(pr.get("head"), "GITHUB_EVENT_PATH: pull_request.head").get("sha") or ""
            if not isinstance(sha, str):
                raise MigratorError(f"GITHUB_EVENT_PATH: pull_request.head.sha is not a string: {sha!r:.60}")
            self.sha = sha
            self.workspace = args.workspace or Path(env.get("GITHUB_WORKSPACE") or ".")
        else:
            self.token_env = args.token_env or "GITLAB_TOKEN"
            self.api_url = args.api_url or env.get("CI_API_V4_URL") or "https://gitlab.com/api/v4"
            self.repo = args.repo or env.get("CI_PROJECT_ID", "")
            iid = args.pr or env.get("CI_MERGE_REQUEST_IID")
            self.pr = _number(iid, "CI_MERGE_REQUEST_IID") if iid else None
            self.sha = args.sha or env.get("CI_COMMIT_SHA", "")
            self.workspace = args.workspace or Path(env.get("CI_PROJECT_DIR") or ".")
        self.token = env.get(self.token_env, "")
        self.step_summary = env.get("GITHUB_STEP_SUMMARY") if self.platform == "github" else None
        self.in_actions = env.get("GITHUB_ACTIONS") == "true"
        self.patterns = [g.strip() for item in args.paths for g in item.split(",") if g.strip()]

    def options(self) -> Options:
        if self.args.registry and self.args.org:
            raise MigratorError("give --registry or --org, not both")
        from migrator.parse.imageref import check_org, check_registry

        if self.args.org is not None:
            registry: str | None = Options.registry_for_org(check_org(self.args.org, "--org"))
        else:
            registry = None if self.args.registry is None else check_registry(self.args.registry, "--registry")
        kwargs: dict[str, Any] = {"rules_files": tuple(self.args.rules), "pin": self.args.pin,
                                  "verify_tags": self.args.verify_tags}
        if registry:
            kwargs["registry"] = registry
        return Options(**kwargs)

    def wanted(self, path: str) -> bool:
        if not is_dockerfile(path):
            return False
        return not self.patterns or any(fnmatch.fnmatchcase(path, g) for g in self.patterns)

    def need_api(self) -> list[str]:
        missing = []
        if not self.token:
            missing.append(f"a token in ${self.token_env}")
        if not self.repo:
            missing.append("--repo" + (" (GITHUB_REPOSITORY)" if self.platform == "github"
                                       else " (CI_PROJECT_ID)"))
        if self.pr is None:
            missing.append("--pr" + (" (GITHUB_EVENT_PATH with pull_request.number)"
                                     if self.platform == "github" else " (CI_MERGE_REQUEST_IID)"))
        return missing


def _object(value: Any, where: str) -> dict[str, Any]:
    """A JSON object of the event (absent: empty)."""
    if value is None or value is False:
        return {}
    if not isinstance(value, dict):
        raise MigratorError(f"{where}: expected an object, got {json.dumps(value)[:60]}")
    return value


def _number(value: Any, where: str) -> int:
    """A pull request or merge request number from the environment or the event."""
    if isinstance(value, int) and not isinstance(value, bool) and value > 0:
        return value
    if isinstance(value, str) and value.isascii() and value.isdigit() and 0 < int(value) < 2**63:
        return int(value)
    raise MigratorError(f"{where}: {str(value)[:60]!r} is not a pull request number")


def _read_event(path: str | None) -> dict[str, Any]:
    if not path:
        return {}
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


# --- migration ------------------------------------------------------------------------------------

def _inside(workspace: Path, relative: str) -> Path | None:
    """The file in the workspace, or None when the name (or a symlink) leads out of it."""
    root = workspace.resolve()
    candidate = (root / relative).resolve()
    if candidate != root and root not in candidate.parents:
        return None
    return candidate


def migrate_files(names: list[str], settings: Settings, options: Options,
                  validator: Callable[[Path, Settings], list[dict[str, Any]]] | None) -> list[FileReport]:
    from migrator.report.bot.comment import FileReport

    reports = []
    for name in names:
        path = _inside(settings.workspace, name)
        if path is None:
            reports.append(FileReport(name, error="leads outside the workspace (symlink?); not read"))
            continue
        if not path.is_file():
            reports.append(FileReport(name, error="not found in the workspace: check out the pull "
                                                  "request's head before running migrate comment"))
            continue
        try:
            from migrator.api import migrate_path

            result = migrate_path(path, options)
        except MigratorError as exc:
            if options.pin or options.verify_tags:
                from migrator.registry.errors import RegistryError

                if isinstance(exc, RegistryError):
                    raise  # no report rather than one without the pins asked for (exit 2)
            reports.append(FileReport(name, error=str(exc).replace(str(path), name)))
            continue
        except Exception as exc:  # one broken file must not lose the report for the others
            reports.append(FileReport(name, error=f"internal error: {type(exc).__name__}: {exc}"))
            continue
        report = FileReport(name, result=result)
        if validator is not None and result.changed:
            try:
                report.validation = validate_migrated(path, result.dockerfile, settings, validator)
            except MigratorError as exc:
                report.validation_error = str(exc)
        reports.append(report)
    return reports


def validate_migrated(path: Path, migrated: str, settings: Settings,
                      validator: Callable[[Path, Settings], list[dict[str, Any]]]) -> list[dict[str, Any]]:
    """Validate the migrated text, not the file in the workspace (which is still the original).

    It is written beside the original, so the build context and the Dockerfile's own
    `NAME.dockerignore` are the ones the original has, and removed afterwards."""
    import shutil
    import tempfile

    from migrator.api import encode_dockerfile

    written: list[Path] = []
    try:
        handle, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".migrated", dir=path.parent)
        written.append(Path(name))
        with os.fdopen(handle, "wb") as stream:
            stream.write(encode_dockerfile(migrated))
        own_ignore = path.with_name(path.name + ".dockerignore")
        if own_ignore.is_file():
            written.append(Path(name + ".dockerignore"))
            shutil.copyfile(own_ignore, written[-1])
        try:
            return validator(written[0], settings)
        except MigratorError as exc:
            raise MigratorError(str(exc).replace(name, str(path))) from None
    except OSError as exc:
        raise MigratorError(f"cannot write the migrated file beside {path.name} to build it: "
                            f"{exc.strerror or exc}") from None
    finally:
        for leftover in written:
            with contextlib.suppress(OSError):
                leftover.unlink()


def run_validate(path: Path, settings: Settings) -> list[dict[str, Any]]:
    """Run `migrate validate PATH --json` in a child process (without the token in its environment)."""
    import subprocess

    command = [sys.executable, "-c", "from migrator.cli import main; main()", "validate", str(path), "--json"]
    if settings.args.registry or settings.args.org:
        command += ["--registry", settings.options().registry]
    for rules in settings.args.rules:
        command += ["--rules", str(rules)]
    env = {k: v for k, v in os.environ.items()
           if k not in (settings.token_env, "GITHUB_TOKEN", "GITLAB_TOKEN", "INPUT_TOKEN")}
    try:
        proc = subprocess.run(command, capture_output=True, text=True, env=env,
                              timeout=settings.args.validate_timeout, check=False)
    except subprocess.TimeoutExpired:
        raise MigratorError(f"validation timed out after {settings.args.validate_timeout:.0f}s") from None
    except OSError as exc:
        raise MigratorError(f"cannot run migrate validate: {exc.strerror}") from None
    try:
        data = json.loads(proc.stdout)
        platforms = data["platforms"]
        if not isinstance(platforms, list):
            raise TypeError
    except (ValueError, KeyError, TypeError):
        lines = (proc.stderr or proc.stdout).strip().splitlines()
        raise MigratorError(f"migrate validate exited {proc.returncode}"
                            + (f": {lines[-1][:300]}" if lines else "")) from None
    return [p for p in platforms if isinstance(p, dict)]


# --- output ---------------------------------------------------------------------------------------

def exit_code(report: Report, fail_on: str) -> int:
    if fail_on == "never":
        return EXIT_OK
    worst = report.worst()
    threshold = Severity(fail_on)
    return EXIT_FINDINGS if worst is not None and worst.rank >= threshold.rank else EXIT_OK


def workflow_annotations(report: Report, limit: int = 50) -> list[str]:
    """GitHub workflow commands that show the findings on the files."""
    kinds = {"error": "error", "warning": "warning", "info": "notice"}
    out = []
    for fr in report.files:
        if fr.error:
            out.append(f"::error file={escape_property(fr.path)}::{escape_data(fr.error)}")
        if fr.changed:
            out.append(f"::warning file={escape_property(fr.path)},title=migrator::"
                       + escape_data("this Dockerfile can be migrated to Chainguard Images "
                                      "(see the job summary)"))
        for f in fr.findings:
            props = f"file={escape_property(fr.path)}"
            if f.line:
                props += f",line={f.line}"
            props += f",title={escape_property(f.code)}"
            out.append(f"::{kinds[f.severity.value]} {props}::{escape_data(f.message)}")
    if len(out) > limit:
        out = [*out[:limit], f"::notice::{len(out) - limit} more findings in the job summary"]
    return out


def degrade(body: str, report: Report, settings: Settings, reason: str, say: Callable[[str], None]) -> None:
    """The token may not write (a pull request from a fork): report in the job instead."""
    if settings.platform == "github":
        say(f"::warning title=migrator::{escape_data(reason)}; the report is in the job summary")
        if settings.step_summary:
            with open(settings.step_summary, "a", encoding="utf-8") as handle:
                handle.write(body if body.endswith("\n") else body + "\n")
        else:
            print(body)
        for line in workflow_annotations(report):
            print(line)
    else:
        say(f"warning: {reason}; the report follows")
        print(body)


def post_suggestions(api: Any, settings: Settings, report: Report, changed: dict[str, ChangedFile],
                     say: Callable[[str], None]) -> None:
    from migrator.report.bot import SUGGESTION_MARKER
    from migrator.report.bot.http import ApiError
    from migrator.report.bot.suggest import commentable_lines, suggestions

    assert settings.pr is not None
    from migrator.api import start_error

    wanted = []
    skipped = 0
    cannot_start = 0
    for fr in report.files:
        if not fr.result or not fr.changed:
            continue
        if start_error(fr.result) is not None:  # as `migrate --write`: a migration that cannot start is not offered
            cannot_start += 1
            continue
        info = changed.get(fr.path)
        allowed = None if info is None or info.status == "added" else commentable_lines(info.patch)
        items, missed = suggestions(fr.path, fr.result.original, fr.result.dockerfile, allowed)
        wanted += items
        skipped += missed
    if cannot_start:
        say(f"suggestions: none for {cannot_start} file{'s' if cannot_start > 1 else ''} whose migrated final stage "
            "cannot start (the report says why)")
    if not wanted:
        return
    try:
        posted = {(c.get("path"), c.get("body")) for c in api.review_comments(settings.pr)
                  if SUGGESTION_MARKER in (c.get("body") or "")}
        new = [c for c in wanted if (c.path, c.body) not in posted]
        if new:
            api.create_reviews(settings.pr, settings.sha, new,
                               "migrator: suggested changes for the Dockerfiles in this pull request.")
        say(f"suggestions: {len(new)} posted, {len(wanted) - len(new)} already there, "
            f"{skipped} outside the diff")
    except ApiError as exc:
        say(f"warning: could not post suggestions: {exc}")


def comment_main(argv: list[str]) -> int:
    """`migrate comment ARGS...` (as `migrate` runs it, usage errors included)."""
    from migrator.cli.app import run
    from migrator.cli.errors import guarded

    return guarded("migrate comment", lambda: run(["comment", *argv]))


def run_comment(args: CommentArgs) -> int:
    settings = Settings(args, os.environ)
    from migrator.report.bot.http import Scrubber

    scrub = Scrubber(settings.token)

    def say(message: str) -> None:
        print(scrub(message), file=sys.stderr)

    try:
        return _run(settings, say, scrub)
    except MigratorError as exc:
        say(f"migrate comment: {exc}")
        return EXIT_USAGE
    except KeyboardInterrupt:
        return 130
    except Exception as exc:
        from migrator.report.bot.http import ApiError

        if os.environ.get("MIGRATOR_TRACEBACK") and not isinstance(exc, ApiError):
            raise
        if isinstance(exc, ApiError):
            say(("::error title=migrator::" if settings.in_actions else "migrate comment: ") + str(exc))
            return EXIT_API
        from migrator.cli.errors import one_line

        say(f"migrate comment: internal error: {type(exc).__name__}: {one_line(str(exc))} (a bug in migrator: "
            "please report it with the input; MIGRATOR_TRACEBACK=1 shows where)")
        return EXIT_USAGE


def _run(settings: Settings, say: Callable[[str], None], scrub: Callable[[str], str]) -> int:
    from migrator.report.bot import MARKER
    from migrator.report.bot.comment import Renderer, Report
    from migrator.report.bot.http import ApiError
    from migrator.report.bot.sticky import upsert

    args = settings.args
    options = settings.options()
    renderer = Renderer(args.template)  # template errors surface before any API call
    use_api = not (args.dry_run and (args.file or settings.need_api()))
    if use_api and (missing := settings.need_api()):
        raise MigratorError("missing " + ", ".join(missing))

    client: Any = None
    api: Any = None
    changed: dict[str, ChangedFile] = {}
    notes: list[str] = []
    try:
        if use_api:
            client, api = _connect(settings, say)
        if args.file:
            names = [n for n in args.file if not settings.patterns
                     or any(fnmatch.fnmatchcase(n, g) for g in settings.patterns)]
        else:
            if api is None:
                raise MigratorError("--dry-run without API access needs --file PATH")
            assert settings.pr is not None
            files = api.pr_files(settings.pr) if settings.platform == "github" else api.mr_files(settings.pr)
            changed = {f.path: f for f in files if f.status in TOUCHED}
            names = [path for path in changed if settings.wanted(path)]
            filtered = [p for p in changed if is_dockerfile(p) and p not in names]
            if filtered:
                notes.append(f"{len(filtered)} Dockerfile(s) not matching --paths were skipped.")
        validator = run_validate if args.validate else None
        reports = migrate_files(names, settings, options, validator)
        report = Report(files=reports, validate=args.validate, sha=settings.sha, notes=notes)
        body = scrub(renderer.render(report))
        code = exit_code(report, args.fail_on)

        if args.dry_run:
            print(body, end="")
            return code
        assert api is not None and settings.pr is not None
        try:
            outcome = upsert(api.thread(settings.pr, args.bot_user), MARKER, body, clean=report.clean,
                             delete_when_clean=args.delete_when_clean, log=say,
                             pause=client.sleep, delay=args.backoff,
                             settle=args.timeout)
        except ApiError as exc:
            if not exc.forbidden:
                raise
            degrade(body, report, settings, f"the token cannot write comments ({exc.status})", say)
            return code
        say(f"migrate comment: {outcome.action} comment"
            + (f" {outcome.comment_id}" if outcome.comment_id is not None else "")
            + f" ({len(names)} Dockerfile(s), {sum(1 for r in reports if r.changed)} to migrate)")
        if args.suggestions and settings.platform == "github" and not report.clean:
            post_suggestions(api, settings, report, changed, say)
        return code
    finally:
        if client is not None:
            client.close()


def _connect(settings: Settings, say: Callable[[str], None]) -> tuple[Any, Any]:
    args = settings.args
    if args.verbose:
        say(f"migrate comment: {settings.platform} {settings.api_url} {settings.repo} #{settings.pr}")
    common: dict[str, Any] = {"timeout": args.timeout, "max_retries": args.retries, "max_wait": args.max_wait,
                              "backoff": args.backoff, "log": say}
    if not settings.api_url.startswith(("https://", "http://")):
        raise MigratorError(f"API URL must start with https:// (got {settings.api_url!r})")
    if settings.platform == "github":
        from migrator.report.bot.github import GitHub, make_client

        client = make_client(settings.token, settings.api_url, **common)
        try:
            return client, GitHub(client, settings.repo, in_actions=settings.in_actions)
        except ValueError as exc:
            client.close()
            raise MigratorError(str(exc)) from None
    from migrator.report.bot.gitlab import GitLab
    from migrator.report.bot.gitlab import make_client as gitlab_client

    client = gitlab_client(settings.token, settings.api_url, **common)
    return client, GitLab(client, settings.repo)
