"""The `migrate` command line on Typer: every command, its options, help and shell completion.

`migrate [OPTIONS] PATH...` is one Typer command and the sub-commands (validate, doctor, scan,
hook, config, comment) are another Typer application; `run` picks by the first word, so
`migrate Dockerfile` needs no command name and `migrate --help` shows the migrate options with the
list of commands under them. Both use the same help layout, and `errors.run_typer` turns every
usage error into one line and exit 2.

Common command lines never get here: `cli.fastpath` parses them without importing Typer (35-50 ms).
"""

# no `from __future__ import annotations`: Typer reads the annotations at run time

import os
from collections.abc import Callable
from enum import Enum
from pathlib import Path
from typing import Annotated, Any

import typer
from typer.core import TyperCommand

from migrator import __version__
from migrator.cli.args import FAIL_ON, FORMATS, SUBCOMMANDS, TAG_POLICIES, ConfigArgs, HookArgs, MigrateArgs, ScanArgs
from migrator.cli.errors import run_typer

Execute = Callable[[Any], int]

TagPolicy = Enum("TagPolicy", {name: name for name in TAG_POLICIES}, type=str)  # type: ignore[misc]
Format = Enum("Format", {name: name for name in FORMATS}, type=str)  # type: ignore[misc]
FailOn = Enum("FailOn", {name: name for name in FAIL_ON}, type=str)  # type: ignore[misc]
HookMode = Enum("HookMode", {"check": "check", "fix": "fix"}, type=str)  # type: ignore[misc]
ConfigFormat = Enum("ConfigFormat", {"yaml": "yaml", "json": "json"}, type=str)  # type: ignore[misc]
Forge = Enum("Forge", {"github": "github", "gitlab": "gitlab"}, type=str)  # type: ignore[misc]
_TEXT, _YAML, _NEVER = Format("text"), ConfigFormat("yaml"), FailOn("never")

SUMMARIES = {
    "validate": "Build and smoke-run a (migrated) Dockerfile on every platform.",
    "doctor": "Show the builders, platforms and emulators this machine has.",
    "scan": "Migrate every Dockerfile under DIR in memory and print a summary (or --write them).",
    "hook": "pre-commit hooks: 'check' reports Dockerfiles not migrated yet, 'fix' migrates them.",
    "config": "Print the effective configuration for PATH and where each value comes from.",
    "comment": "Post (or update) one sticky pull-request comment with the migration report.",
}

Opt, Arg = typer.Option, typer.Argument

# the options hook, scan and config share (args.SharedOptions)
Registry = Annotated[str | None, Opt("--registry", metavar="HOST/PATH", help="replaces cgr.dev/chainguard")]
Org = Annotated[str | None, Opt("--org", metavar="ORG", help="means --registry cgr.dev/ORG")]
Rules = Annotated[list[str] | None, Opt("--rules", metavar="FILE", help="extra rules file (repeatable)")]
Policy = Annotated[TagPolicy | None, Opt("--tag-policy", help="latest (default) or keep the source's version")]
Ignore = Annotated[list[str] | None, Opt("--ignore", metavar="CODE", help="hide a finding code (repeatable)")]
Pin = Annotated[bool, Opt("--pin", help="pin the images written by digest (asks the registry)")]
Verify = Annotated[bool, Opt("--verify-tags", help="check the images written exist for linux/amd64 and linux/arm64 "
                                                   "(asks the registry)")]
Fail = Annotated[FailOn | None, Opt("--fail-on", help="fail at or above this severity (default: errors other "
                                                         "than 'cannot migrate')")]


def _value(choice: Enum | None) -> str | None:
    return None if choice is None else str(choice.value)


def run(argv: list[str], execute: Execute | None = None) -> int:
    """Run a command line (the words after `migrate`); `execute` runs the parsed MigrateArgs/HookArgs/
    ScanArgs/ConfigArgs (by default, the command)."""
    if execute is None:
        from migrator.cli import execute as run_command

        execute = run_command
    words = _completion_words() if os.environ.get("_MIGRATE_COMPLETE") else argv
    if words[:1] and words[0] in SUBCOMMANDS:
        return run_typer(commands_app(execute), argv, f"migrate {argv[0]}" if argv else "migrate", "migrate")
    return run_typer(migrate_app(execute), argv, "migrate")


def _completion_words() -> list[str]:
    """The words being completed after `migrate` (bash sets COMP_WORDS, the other shells Typer's variable)."""
    line = os.environ.get("COMP_WORDS") or os.environ.get("_TYPER_COMPLETE_ARGS") or ""
    words = line.split()[1:]
    current = os.environ.get("COMP_CWORD")
    if current is not None and current.isdigit():
        words = words[: max(0, int(current) - 1)]  # only the words already complete
    return words


# --- migrate [OPTIONS] PATH... ------------------------------------------------------------------


class _WithCommands(TyperCommand):
    """The migrate command's help lists the sub-commands under its options, in the same style."""

    def format_help(self, ctx: Any, formatter: Any) -> None:
        super().format_help(ctx, formatter)
        if getattr(self, "rich_markup_mode", None) is None:
            with formatter.section("Commands"):
                formatter.write_dl(list(SUMMARIES.items()))
            return
        from rich.panel import Panel
        from rich.table import Table

        table = Table(show_header=False, expand=True, box=None, padding=(0, 1), pad_edge=False)
        table.add_column(style="bold cyan", no_wrap=True)
        table.add_column(ratio=10)
        for name, summary in SUMMARIES.items():
            table.add_row(name, summary)
        _help_console().print(Panel(table, border_style="dim", title="Commands", title_align="left"))
        _help_console().print(" See 'migrate COMMAND --help'.", highlight=False)


def _help_console() -> Any:
    try:  # the console Typer prints help with (width, colour): private, hence the fallback
        from typer.rich_utils import _get_rich_console

        return _get_rich_console()
    except (ImportError, AttributeError, TypeError):
        from rich.console import Console

        return Console()


def _complete_first_word(ctx: Any, incomplete: str) -> list[str]:
    """`migrate <TAB>`: the commands; after that (or with no match) the shell completes file names."""
    if ctx.params.get("paths"):
        return []
    return [name for name in SUBCOMMANDS if name.startswith(incomplete)]


def _show_version(value: bool) -> None:
    if value:
        print(f"migrate {__version__}")
        raise typer.Exit(0)


def migrate_app(execute: Execute) -> typer.Typer:
    app = typer.Typer(add_completion=True, context_settings={"help_option_names": ["-h", "--help"]})

    @app.command(
        cls=_WithCommands,
        help="Migrate Dockerfiles to multi-stage builds on Chainguard Images. Prints the migrated file(s) to "
        "stdout unless --write, --diff, --check, --json or --format is given.",
    )
    def migrate(
        paths: Annotated[list[str] | None, Arg(metavar="PATH", help="Dockerfile(s) to migrate; '-' reads stdin",
                                                  autocompletion=_complete_first_word, show_default=False)] = None,
        write: Annotated[bool, Opt("-i", "--write", help="rewrite files in place (atomic, keeps PATH.bak)")] = False,
        diff: Annotated[bool, Opt("--diff", help="print a unified diff")] = False,
        check: Annotated[bool, Opt("--check", help="exit 1 when any file would change, write nothing")] = False,
        as_json: Annotated[bool, Opt("--json", help="print a JSON object per file (a list for several)")] = False,
        no_backup: Annotated[bool, Opt("--no-backup", help="with --write: keep no .bak file")] = False,
        write_broken: Annotated[bool, Opt("--write-broken", help="also print or write a migration whose final "
                                                                 "stage cannot start (an error says why)")] = False,
        registry: Annotated[str | None, Opt("--registry", metavar="HOST/PATH",
                                               help="image registry (default cgr.dev/chainguard)")] = None,
        org: Annotated[str | None, Opt("--org", metavar="ORG",
                                          help="Chainguard organisation: means --registry cgr.dev/ORG")] = None,
        tag_policy: Annotated[TagPolicy | None, Opt(
            "--tag-policy", help="latest (default) or keep the source's major(.minor) version")] = None,
        pin: Annotated[bool, Opt("--pin", help="pin the images written by digest: NAME:TAG@sha256:... as the "
                                               "registry serves it now (asks the registry)")] = False,
        verify_tags: Annotated[bool, Opt("--verify-tags", help="check that the images written exist with their "
                                                               "tags for linux/amd64 and linux/arm64 (asks the "
                                                               "registry)")] = False,
        rules: Annotated[list[Path] | None, Opt("--rules", metavar="FILE", help="extra rules file (repeatable); "
                                                                                 "same format as rules/*.yaml")] = None,
        ignore: Annotated[list[str] | None, Opt("--ignore", metavar="CODE", help="hide findings with CODE "
                                                                                  "(repeatable, or CODE,CODE)")] = None,
        stdin_filename: Annotated[str | None, Opt("--stdin-filename", metavar="NAME",
                                                     help="the name to report for '-'")] = None,
        context: Annotated[str | None, Opt("--context", metavar="DIR",
                                              help="the build context, where the COPY sources are (default: "
                                                   "each Dockerfile's directory; none for '-')")] = None,
        fmt: Annotated[Format | None, Opt("--format", help="report findings on stdout in this format instead "
                                                              "of printing the migrated file")] = None,
        quiet: Annotated[bool, Opt("-q", "--quiet", help="no findings on stderr")] = False,
        explain: Annotated[str | None, Opt("--explain", metavar="CODE",
                                              help="print the documentation of a finding code")] = None,
        list_codes: Annotated[bool, Opt("--list-codes", help="list every finding code")] = False,
        version: Annotated[bool, Opt("--version", callback=_show_version, is_eager=True,
                                     help="print the version and exit")] = False,
    ) -> int:
        return execute(MigrateArgs(
            paths=list(paths or []), write=write, diff=diff, check=check, json=as_json, no_backup=no_backup,
            write_broken=write_broken,
            registry=registry, org=org, tag_policy=_value(tag_policy), pin=pin, verify_tags=verify_tags,
            rules=list(rules or []), ignore=list(ignore or []), stdin_filename=stdin_filename, context=context,
            fmt=_value(fmt),
            quiet=quiet, explain=explain, list_codes=list_codes,
        ))

    return app


# --- the sub-commands ---------------------------------------------------------------------------


def commands_app(execute: Execute) -> typer.Typer:
    app = typer.Typer(add_completion=True, no_args_is_help=True,  # True: completion works in sub-commands
                      context_settings={"help_option_names": ["-h", "--help"]})
    _hook(app, execute)
    _scan(app, execute)
    _config(app, execute)
    _validate(app)
    _doctor(app)
    _comment(app)
    return app


def _hook(app: typer.Typer, execute: Execute) -> None:
    @app.command(help=SUMMARIES["hook"] + " 'fix' keeps no backup (git has the original).")
    def hook(
        mode: Annotated[HookMode, Arg(metavar="MODE", help="check: report, write nothing; fix: migrate in place")],
        files: Annotated[list[str] | None, Arg(metavar="FILE", help="the files pre-commit passes",
                                                  show_default=False)] = None,
        registry: Registry = None, org: Org = None, rules: Rules = None, tag_policy: Policy = None,
        ignore: Ignore = None, pin: Pin = False, verify_tags: Verify = False, fail_on: Fail = None,
        context: Annotated[str | None, Opt("--context", metavar="DIR",
                                              help="the build context of every FILE (default: each file's "
                                                   "directory)")] = None,
    ) -> int:
        return execute(HookArgs(
            mode=str(mode.value), files=list(files or []), registry=registry, org=org, rules=list(rules or []),
            tag_policy=_value(tag_policy), ignore=list(ignore or []), pin=pin, verify_tags=verify_tags,
            fail_on=_value(fail_on), context=context,
        ))


def _scan(app: typer.Typer, execute: Execute) -> None:
    @app.command(help=SUMMARIES["scan"])
    def scan(
        directory: Annotated[str, Arg(metavar="DIR", help="directory (or file) to scan")] = ".",
        jobs: Annotated[int, Opt("-j", "--jobs", min=0, metavar="N",
                                 help="processes; 0 = one per CPU (at most one per CPU)")] = 1,
        write: Annotated[bool, Opt("--write", help="apply the migrations, keeping NAME.bak")] = False,
        fmt: Annotated[Format, Opt("-f", "--format", help="text: a table; the others: findings, on stdout")] = _TEXT,
        registry: Registry = None, org: Org = None, rules: Rules = None, tag_policy: Policy = None,
        ignore: Ignore = None, pin: Pin = False, verify_tags: Verify = False, fail_on: Fail = None,
    ) -> int:
        return execute(ScanArgs(
            dir=directory, jobs=jobs, write=write, format=str(fmt.value), registry=registry, org=org,
            rules=list(rules or []), tag_policy=_value(tag_policy), ignore=list(ignore or []), pin=pin,
            verify_tags=verify_tags, fail_on=_value(fail_on),
        ))


def _config(app: typer.Typer, execute: Execute) -> None:
    @app.command(help=SUMMARIES["config"] + " Sources: default, the configuration file (with its line), "
                 "or the command line.")
    def config(
        path: Annotated[str, Arg(metavar="PATH", help="a Dockerfile or a directory")] = ".",
        show: Annotated[bool, Opt("--show", help="print the configuration (the default action)")] = False,
        fmt: Annotated[ConfigFormat, Opt("-f", "--format", help="output format")] = _YAML,
        registry: Registry = None, org: Org = None, rules: Rules = None, tag_policy: Policy = None,
        ignore: Ignore = None, pin: Pin = False, verify_tags: Verify = False, fail_on: Fail = None,
    ) -> int:
        return execute(ConfigArgs(
            path=path, show=show, format=str(fmt.value), registry=registry, org=org, rules=list(rules or []),
            tag_policy=_value(tag_policy), ignore=list(ignore or []), pin=pin, verify_tags=verify_tags,
            fail_on=_value(fail_on),
        ))


def _validate(app: typer.Typer) -> None:
    @app.command(help=SUMMARIES["validate"] + " Exit 0 all passed, 1 a build or smoke run failed, 2 usage, "
                 "3 this machine cannot build.")
    def validate(
        path: Annotated[Path, Arg(metavar="PATH", help="the Dockerfile to validate (usually the migrated one)")],
        context: Annotated[Path | None, Opt("--context", metavar="DIR",
                                               help="build context (default: the Dockerfile's directory)")] = None,
        platform: Annotated[str, Opt("--platform", metavar="LIST", help="comma-separated platforms")] = (
            "linux/amd64,linux/arm64"),
        original: Annotated[Path | None, Opt("--original", metavar="PATH",
                                                help="the original Dockerfile, built too and compared")] = None,
        as_json: Annotated[bool, Opt("--json", help="print the report as JSON on stdout")] = False,
        smoke: Annotated[str | None, Opt("--smoke", metavar="ARGS", help="arguments for the smoke run instead "
                                                                          "of the image's CMD, e.g. '--version'")
                         ] = None,
        no_smoke: Annotated[bool, Opt("--no-smoke", help="build only, run nothing")] = False,
        keep: Annotated[bool, Opt("--keep", help="keep the built images and containers")] = False,
        build_arg: Annotated[list[str] | None, Opt("--build-arg", metavar="K=V", help="repeatable")] = None,
        target: Annotated[str | None, Opt("--target", metavar="STAGE", help="build this stage")] = None,
        builder: Annotated[str | None, Opt("--builder", metavar="NAME", help="a docker buildx builder "
                                                                              "(remote, kubernetes, native "
                                                                              "nodes)")] = None,
        engine: Annotated[str | None, Opt("--engine", metavar="KIND", help="build with this kind only: buildx, "
                                                                            "buildkit, docker, buildah or "
                                                                            "podman")] = None,
        timeout: Annotated[float, Opt("--timeout", metavar="S", help="seconds a smoke run may take; a server "
                                                                     "still running then passes")] = 30.0,
        build_timeout: Annotated[float, Opt("--build-timeout", metavar="S",
                                            help="seconds one build may take")] = 1800.0,
        network: Annotated[str | None, Opt("--network", metavar="MODE", help="network for RUN steps (default: "
                                                                              "the builder's; none where the "
                                                                              "engine has no bridge)")] = None,
        secret: Annotated[list[str] | None, Opt("--secret", metavar="SPEC",
                                                   help="passed to the build, repeatable")] = None,
        build_context: Annotated[list[str] | None, Opt("--build-context", metavar="NAME=PATH",
                                                          help="passed to the build, repeatable")] = None,
        registry: Annotated[list[str] | None, Opt("--registry", metavar="PREFIX", help="registry prefix of "
                                                                                        "Chainguard images "
                                                                                        "(besides cgr.dev/*), "
                                                                                        "repeatable")] = None,
    ) -> int:
        from migrator.cli.validate_cmd import run_validate

        return run_validate(
            path=path, context=context, platform=platform, original=original, as_json=as_json, smoke=smoke,
            no_smoke=no_smoke, keep=keep, build_args=build_arg or [], target=target, builder=builder, engine=engine,
            timeout=timeout, build_timeout=build_timeout, network=network, secrets=secret or [],
            build_contexts=build_context or [], registries=registry or [],
        )


def _doctor(app: typer.Typer) -> None:
    @app.command(help=SUMMARIES["doctor"] + " Exit 3 when no builder is usable.")
    def doctor(as_json: Annotated[bool, Opt("--json", help="print JSON on stdout")] = False) -> int:
        from migrator.cli.validate_cmd import run_doctor

        return run_doctor(as_json)


def _comment(app: typer.Typer) -> None:
    @app.command(help=SUMMARIES["comment"] + " Reads the GitHub Actions (or GitLab CI) environment; every value "
                 "is also an option. Exit 0 done, 1 a finding at or above --fail-on, 2 an error (usage, "
                 "configuration, the API).")
    def comment(
        platform: Annotated[Forge | None, Opt("--platform", help="default: detected from the environment")] = (
            None),
        token_env: Annotated[str | None, Opt("--token-env", metavar="NAME", help="environment variable holding "
                                                                                  "the token (default "
                                                                                  "GITHUB_TOKEN / "
                                                                                  "GITLAB_TOKEN)")] = None,
        api_url: Annotated[str | None, Opt("--api-url", metavar="URL",
                                              help="API base URL (GITHUB_API_URL / CI_API_V4_URL)")] = None,
        repo: Annotated[str | None, Opt("--repo", metavar="REPO", help="OWNER/NAME on GitHub, project id or "
                                                                        "path on GitLab (GITHUB_REPOSITORY / "
                                                                        "CI_PROJECT_ID)")] = None,
        pr: Annotated[int | None, Opt("--pr", metavar="N", help="pull request number / merge request iid "
                                                                  "(GITHUB_EVENT_PATH / "
                                                                  "CI_MERGE_REQUEST_IID)")] = None,
        sha: Annotated[str | None, Opt("--sha", metavar="SHA", help="head commit of the pull request "
                                                                     "(GITHUB_EVENT_PATH / CI_COMMIT_SHA)")] = None,
        workspace: Annotated[Path | None, Opt("--workspace", metavar="DIR", help="checked-out head "
                                                                                  "(GITHUB_WORKSPACE / "
                                                                                  "CI_PROJECT_DIR)")] = None,
        registry: Annotated[str | None, Opt("--registry", metavar="HOST/PATH",
                                               help="registry to migrate to (default cgr.dev/chainguard)")] = None,
        org: Annotated[str | None, Opt("--org", metavar="ORG",
                                          help="Chainguard organisation: registry cgr.dev/ORG")] = None,
        rules: Annotated[list[Path] | None, Opt("--rules", metavar="FILE", help="extra rules")] = None,
        pin: Pin = False,
        verify_tags: Verify = False,
        paths: Annotated[list[str] | None, Opt("--paths", metavar="GLOB", help="only files matching GLOB "
                                                                                "(repeat or comma-separate)")
                         ] = None,
        file: Annotated[list[str] | None, Opt("--file", metavar="PATH", help="migrate PATH (relative to the "
                                                                              "workspace) instead of asking the "
                                                                              "API which files changed")] = None,
        validate: Annotated[bool, Opt("--validate", help="build the migrated files (migrate validate)")] = False,
        validate_timeout: Annotated[float, Opt("--validate-timeout", hidden=True)] = 1800.0,
        suggestions: Annotated[bool, Opt("--suggestions", help="also post a review with suggestion blocks "
                                                               "(GitHub)")] = False,
        fail_on: Annotated[FailOn, Opt("--fail-on", help="exit 1 when a finding is at or above this "
                                                         "severity")] = _NEVER,
        template: Annotated[Path | None, Opt("--template", metavar="FILE",
                                                help="jinja2 template for the comment")] = None,
        delete_when_clean: Annotated[bool, Opt("--delete-when-clean", help="delete the earlier comment when "
                                                                           "there is nothing to report")] = False,
        dry_run: Annotated[bool, Opt("--dry-run", help="print the comment instead of posting it")] = False,
        timeout: Annotated[float, Opt("--timeout", metavar="S", help="seconds per HTTP request")] = 30.0,
        retries: Annotated[int, Opt("--retries", metavar="N", help="retries on 5xx / network errors")] = 4,
        max_wait: Annotated[float, Opt("--max-wait", metavar="S", help="longest wait for a rate limit, in "
                                                                       "seconds; a longer one fails")] = 120.0,
        backoff: Annotated[float, Opt("--backoff", hidden=True)] = 1.0,
        verbose: Annotated[bool, Opt("-v", "--verbose", help="log API calls to stderr")] = False,
        bot_user: Annotated[str | None, Opt("--bot-user", metavar="LOGIN", help="the account the token "
                                                                                "writes as, when the API "
                                                                                "cannot say (a GitHub "
                                                                                "App: SLUG[bot])")] = None,
    ) -> int:
        from migrator.cli.comment_cmd import CommentArgs, run_comment

        return run_comment(CommentArgs(
            platform=_value(platform), token_env=token_env, api_url=api_url, repo=repo, pr=pr, sha=sha,
            workspace=workspace, registry=registry, org=org, rules=list(rules or []), pin=pin,
            verify_tags=verify_tags, paths=list(paths or []), file=list(file or []), validate=validate,
            validate_timeout=validate_timeout, suggestions=suggestions, fail_on=str(fail_on.value),
            template=template, delete_when_clean=delete_when_clean, dry_run=dry_run, timeout=timeout,
            retries=retries, max_wait=max_wait, backoff=backoff, verbose=verbose, bot_user=bot_user,
        ))
