"""tests/quality.py must pass good output and catch every kind of bad output."""

from __future__ import annotations

import pytest

from tests.quality import (
    check_idempotent,
    check_output,
    hadolint_errors,
    read_dockerfile,
)

ORIGINAL = """\
# syntax=docker/dockerfile:1
FROM python:3.12-slim
# app
LABEL org.opencontainers.image.title="demo"
RUN apt-get update && apt-get install -y libpq5
COPY . /app
EXPOSE 8080
CMD ["python", "/app/main.py"]
"""

GOOD = """\
# syntax=docker/dockerfile:1
FROM cgr.dev/chainguard/python:latest-dev AS builder
# app
LABEL org.opencontainers.image.title="demo"
USER root
RUN apk add --no-cache libpq
COPY . /app

FROM cgr.dev/chainguard/python:latest
COPY --from=builder /app /app
EXPOSE 8080
ENTRYPOINT ["python", "/app/main.py"]
"""


def problems_for(migrated: str, original: str = ORIGINAL, findings=None) -> list[str]:
    return check_output(original, migrated, findings)


def test_good_output_passes():
    assert problems_for(GOOD) == []


def test_directive_moved_is_caught():
    bad = GOOD.replace("# syntax=docker/dockerfile:1\n", "") + "# syntax=docker/dockerfile:1\n"
    assert any("directive" in p for p in problems_for(bad))


def test_directive_after_blank_line_is_caught():
    bad = "\n" + GOOD
    assert any("directive" in p for p in problems_for(bad))


def test_single_stage_is_caught():
    bad = """\
# syntax=docker/dockerfile:1
FROM cgr.dev/chainguard/python:latest
# app
LABEL org.opencontainers.image.title="demo"
COPY . /app
EXPOSE 8080
ENTRYPOINT ["python", "/app/main.py"]
"""
    assert "output is not multi-stage" in problems_for(bad)


def test_dev_final_stage_is_caught():
    bad = GOOD.replace("python:latest\n", "python:latest-dev\n")
    assert any("-dev image" in p and "final" in p for p in problems_for(bad))


def test_dev_final_stage_passes_only_with_the_warning_that_names_it():
    bad = GOOD.replace("python:latest\n", "python:latest-dev\n")
    said = {"code": "MIG575", "severity": "warning", "message": "runtime python:latest-dev: `yarn` ..."}
    other = {**said, "message": "runtime node:latest-dev: `yarn` ..."}
    assert not any("-dev image" in p for p in problems_for(bad, findings=[said]))
    assert any("-dev image" in p for p in problems_for(bad, findings=[other]))
    assert any("-dev image" in p for p in problems_for(bad, findings=[{**said, "severity": "info"}]))


def test_missing_dev_builder_is_caught():
    bad = GOOD.replace("python:latest-dev AS builder", "python:latest AS builder")
    probs = problems_for(bad)
    assert any("no builder stage" in p for p in probs)


def test_wolfi_base_builder_is_accepted():
    ok = GOOD.replace("python:latest-dev AS builder", "wolfi-base:latest AS builder")
    assert problems_for(ok) == []


def test_builder_run_on_non_dev_image_is_caught():
    bad = GOOD.replace(
        "FROM cgr.dev/chainguard/python:latest-dev AS builder",
        "FROM cgr.dev/chainguard/go:latest-dev AS tools\n\nFROM cgr.dev/chainguard/python:latest AS builder",
    )
    assert any("not on a -dev image" in p or "distroless" in p for p in problems_for(bad))


def test_final_stage_off_registry_is_caught():
    bad = GOOD.replace("FROM cgr.dev/chainguard/python:latest\n", "FROM python:3.12-slim\n")
    assert any("not on cgr.dev/chainguard" in p for p in problems_for(bad))


def test_run_in_final_stage_is_caught():
    bad = GOOD.replace("EXPOSE 8080", "RUN mkdir /data\nEXPOSE 8080")
    assert any("RUN in" in p for p in problems_for(bad))


def test_run_in_final_stage_with_shell_image_is_caught():
    bad = GOOD.replace("python:latest\n", "node:latest\n").replace("EXPOSE 8080", "RUN mkdir /data\nEXPOSE 8080")
    assert any("RUN in the final stage" in p for p in problems_for(bad))


def test_shell_form_cmd_is_caught():
    bad = GOOD.replace('ENTRYPOINT ["python", "/app/main.py"]', "CMD python /app/main.py")
    assert any("shell-form CMD" in p for p in problems_for(bad))


def test_shell_form_entrypoint_is_caught():
    bad = GOOD.replace('ENTRYPOINT ["python", "/app/main.py"]', "ENTRYPOINT python /app/main.py")
    assert any("shell-form ENTRYPOINT" in p for p in problems_for(bad))


def test_broken_json_cmd_counts_as_shell_form():
    bad = GOOD.replace('ENTRYPOINT ["python", "/app/main.py"]', "CMD ['python', '/app/main.py']")
    assert any("shell-form CMD" in p for p in problems_for(bad))


def test_inherited_shell_form_cmd_is_caught():
    bad = GOOD.replace(
        'ENTRYPOINT ["python", "/app/main.py"]',
        'ENTRYPOINT ["python", "/app/main.py"]\n\nFROM runtime AS final',
    ).replace("python:latest\n", "python:latest AS runtime\n").replace(
        'ENTRYPOINT ["python", "/app/main.py"]\n\nFROM', "CMD python /app/main.py\n\nFROM"
    )
    assert any("shell-form CMD" in p for p in problems_for(bad))


def test_exec_form_shell_is_caught_unless_explained():
    bad = GOOD.replace('ENTRYPOINT ["python", "/app/main.py"]', 'CMD ["/bin/sh", "-c", "python /app/main.py"]')
    assert any("runs a shell" in p for p in problems_for(bad))
    explained = [{"code": "MIG507", "severity": "warning", "line": 8, "message": "the runtime has no shell"}]
    assert not any("runs a shell" in p for p in problems_for(bad, findings=explained))


def test_shell_form_healthcheck_on_distroless_is_caught():
    bad = GOOD.replace("EXPOSE 8080", "EXPOSE 8080\nHEALTHCHECK CMD curl -f http://localhost:8080/ || exit 1")
    assert any("HEALTHCHECK" in p for p in problems_for(bad))


@pytest.mark.parametrize("pm", ["apt-get install -y curl", "apt install curl", "yum install -y curl",
                                "dnf -y install curl", "microdnf install curl", "sudo apt-get update"])
def test_package_manager_left_is_caught(pm):
    bad = GOOD.replace("apk add --no-cache libpq", pm)
    assert any("left in a stage" in p for p in problems_for(bad))


def test_package_manager_in_heredoc_is_caught():
    bad = GOOD.replace("RUN apk add --no-cache libpq", "RUN <<EOF\nset -e\napt-get install -y libpq5\nEOF")
    assert any("left in a stage" in p for p in problems_for(bad))


@pytest.mark.parametrize("run", ["bundle install --without development test", "bundle install --jobs 4 \\\n  --deployment",
                                 "bundle install --path=vendor/bundle", "cd /app && bundle && rake build",
                                 "bundle", "bundle install --binstubs", "bundle check --path vendor/bundle",
                                 "bundle package --all"])
def test_bundler_4_removed_flags_are_caught(run):
    bad = GOOD.replace("apk add --no-cache libpq", f"apk add --no-cache libpq && {run}")
    assert any("Bundler 4 refuses" in p for p in problems_for(bad))
    in_heredoc = GOOD.replace("RUN apk add --no-cache libpq", f"RUN <<EOF\nset -e\n{run}\nEOF")
    assert any("Bundler 4 refuses" in p for p in problems_for(in_heredoc))


def test_bundler_4_removed_flags_in_exec_form_are_caught():
    bad = GOOD.replace("RUN apk add --no-cache libpq", 'RUN ["bundle", "install", "--without", "test"]')
    assert any("Bundler 4 refuses" in p for p in problems_for(bad))


def test_bundler_configuration_and_other_commands_pass():
    ok = GOOD.replace("apk add --no-cache libpq", "bundle config set --local without 'development test' && "
                      "bundle install --jobs 4 --retry 3 && bundle binstubs --all && bundle exec rake assets:precompile && "
                      "bundle -v")
    assert problems_for(ok) == []


def test_apt_words_that_are_not_commands_pass():
    ok = GOOD.replace(
        "apk add --no-cache libpq",
        "apk add --no-cache libpq && echo 'deb http://apt.example.org x' > /etc/x.list && ls /etc/apt/",
    )
    assert problems_for(ok) == []


def test_apk_on_runtime_image_is_caught():
    bad = GOOD.replace(
        "FROM cgr.dev/chainguard/python:latest\n",
        "FROM cgr.dev/chainguard/node:latest AS extra\nRUN apk add --no-cache curl\n\n"
        "FROM cgr.dev/chainguard/python:latest\n",
    )
    assert any("has no apk" in p for p in problems_for(bad))


@pytest.mark.parametrize("ref", ["Builder", "BUILDER", "0", "docker.io/library/busybox:1.36", "ghcr.io/x/y"])
def test_valid_copy_from_passes(ref):
    ok = GOOD.replace("COPY --from=builder", f"COPY --from={ref}")
    assert not any("--from" in p for p in problems_for(ok))


@pytest.mark.parametrize("ref", ["build", "5", "1", "busybox"])
def test_invalid_copy_from_is_caught(ref):
    bad = GOOD.replace("COPY --from=builder", f"COPY --from={ref}")
    assert any("--from" in p for p in problems_for(bad))


def test_mount_from_unknown_stage_is_caught():
    bad = GOOD.replace("RUN apk add", "RUN --mount=type=cache,from=nothere,target=/c apk add")
    assert any("--from=nothere" in p for p in problems_for(bad))


def test_final_copies_nothing_from_builder_is_caught():
    bad = GOOD.replace("COPY --from=builder /app /app\n", "")
    assert "final stage copies nothing from a builder stage" in problems_for(bad)


def test_lost_comment_is_caught():
    bad = GOOD.replace("# app\n", "")
    assert any("comment lost" in p for p in problems_for(bad))


def test_altered_label_is_caught():
    bad = GOOD.replace('title="demo"', 'title="Demo"')
    assert any("LABEL not kept" in p for p in problems_for(bad))


def test_crlf_lost_is_caught():
    original = ORIGINAL.replace("\n", "\r\n")
    assert problems_for(GOOD.replace("\n", "\r\n"), original) == []
    assert any("CRLF" in p for p in problems_for(GOOD, original))


def test_bom_lost_is_caught():
    original = "\ufeff" + ORIGINAL
    assert problems_for("\ufeff" + GOOD, original) == []
    assert any("BOM" in p for p in problems_for(GOOD, original))


NOT_MIGRATABLE = """\
FROM registry.example.com:5000/team/base:1.2
COPY . /app
CMD ["/app/run"]
"""


def test_not_migratable_needs_error_finding_naming_image():
    assert any("no error finding" in p for p in check_output(NOT_MIGRATABLE, NOT_MIGRATABLE, []))
    wrong = [{"code": "MIG202", "severity": "warning", "line": 1,
              "message": "registry.example.com:5000/team/base:1.2"}]
    assert any("no error finding" in p for p in check_output(NOT_MIGRATABLE, NOT_MIGRATABLE, wrong))
    ok = [{"code": "MIG202", "severity": "error", "line": 1,
           "message": "unknown base image 'registry.example.com:5000/team/base:1.2'"}]
    assert check_output(NOT_MIGRATABLE, NOT_MIGRATABLE, ok) == []


def test_not_migratable_stage_must_be_untouched():
    ok = [{"code": "MIG202", "severity": "error", "line": 1, "message": "registry.example.com:5000/team/base:1.2"}]
    touched = NOT_MIGRATABLE.replace('CMD ["/app/run"]', 'CMD ["/app/run", "-v"]')
    assert any("modified" in p for p in check_output(NOT_MIGRATABLE, touched, ok))


def test_unmigrated_builder_stage_needs_finding():
    original = "FROM private.example.com/b:1 AS b\nRUN make\n\nFROM python:3.12\nCOPY --from=b /x /x\n"
    migrated = (
        "FROM private.example.com/b:1 AS b\nRUN make\n\n"
        "FROM cgr.dev/chainguard/python:latest\nCOPY --from=b /x /x\n"
    )
    assert any("no error finding" in p for p in check_output(original, migrated, []))


def test_reader_handles_heredocs_escape_and_continuation_comments():
    text = (
        "# escape=`\n"
        "FROM alpine AS A\n"
        "RUN echo a `\n"
        "  # a comment\n"
        "  && echo b\n"
        "RUN <<-EOT cat >/x\n"
        "\tFROM not-a-stage\n"
        "\tEOT\n"
        "copy --from=a <<EOF /y\n"
        "hi\n"
        "EOF\n"
    )
    df = read_dockerfile(text)
    assert df.escape == "`"
    assert [st.image for st in df.stages] == ["alpine"]
    kinds = [i.keyword for i in df.stages[0].instructions]
    assert kinds == ["RUN", "RUN", "COPY"]
    assert df.stages[0].instructions[1].heredocs == ["FROM not-a-stage"]
    assert "  # a comment" in df.comments


def test_reader_expands_arg_defaults():
    df = read_dockerfile("ARG V=3.12\nARG IMG=python:${V:-x}-slim\nFROM ${IMG}\n")
    from tests.quality import root_image

    assert root_image(df, df.stages[0]) == "python:3.12-slim"


def test_idempotency_check():
    assert check_idempotent("a", "a", False) == []
    assert check_idempotent("a", "b", False)
    assert check_idempotent("a", "a", True)


def test_hadolint_errors_filters_levels():
    out = '[{"line":2,"code":"DL3020","message":"Use COPY","level":"error"},' \
          '{"line":3,"code":"DL3008","message":"Pin","level":"warning"}]'
    assert hadolint_errors(out) == ["line 2: DL3020 Use COPY"]
    assert hadolint_errors("") == []


# --- package and user commands need root; apk refuses names Wolfi lacks ---------------------------

CHAIN = """\
FROM cgr.dev/chainguard/node:latest-dev AS base
WORKDIR /app

FROM base AS build
RUN apk add --no-cache curl && adduser -D app
COPY . /app

FROM cgr.dev/chainguard/node:latest
COPY --from=build /app /app
ENTRYPOINT ["node", "/app/server.js"]
"""


def test_package_command_inherited_nonroot_is_caught():
    problems = problems_for(CHAIN, original=CHAIN)
    assert any("line 5" in p and "runs as nonroot" in p for p in problems), problems


def test_package_command_after_user_root_in_the_parent_passes():
    fixed = CHAIN.replace("WORKDIR /app\n", "USER root\nWORKDIR /app\n")
    assert not [p for p in problems_for(fixed, original=fixed) if "runs as" in p]


def test_package_command_on_a_root_image_passes():
    root = CHAIN.replace("node:latest-dev AS base", "wolfi-base:latest AS base")
    assert not [p for p in problems_for(root, original=root) if "runs as" in p]


def test_apk_name_outside_wolfi_needs_an_error_finding():
    names = {"curl", "libpq"}
    bad = GOOD.replace("apk add --no-cache libpq", "apk add --no-cache --virtual .deps libpq mssql-tools18=1.0 $X")
    problems = check_output(ORIGINAL, bad, [], wolfi_names=names)
    assert [p for p in problems if "apk add" in p] == ["line 6: `apk add mssql-tools18`: no such Wolfi package, and no error finding"]
    explained = [{"code": "MIG302", "severity": "error", "message": "debian package `mssql-tools18` is not ..."}]
    assert not [p for p in check_output(ORIGINAL, bad, explained, wolfi_names=names) if "apk add" in p]


BASE_ORIGINAL = "FROM ubuntu:22.04\nRUN apt-get update && apt-get install -y curl jq\n"
BASE_KEPT = "FROM cgr.dev/chainguard/wolfi-base:latest\nRUN apk add --no-cache curl jq\n"


def test_single_stage_on_wolfi_base_is_accepted_when_a_finding_says_so():
    said = [{"code": "MIG542", "severity": "warning", "line": 1, "message": "one stage on wolfi-base"}]
    assert check_output(BASE_ORIGINAL, BASE_KEPT, said) == []


def test_single_stage_on_wolfi_base_without_the_finding_is_caught():
    problems = check_output(BASE_ORIGINAL, BASE_KEPT, [])
    assert any("multi-stage" in p for p in problems) and any("RUN in the final stage" in p for p in problems)


def test_single_stage_finding_does_not_excuse_a_distroless_final():
    said = [{"code": "MIG542", "severity": "warning", "line": 1, "message": "one stage"}]
    text = "FROM cgr.dev/chainguard/glibc-dynamic:latest\nRUN apk add --no-cache curl\n"
    assert check_output(BASE_ORIGINAL, text, said) != []
