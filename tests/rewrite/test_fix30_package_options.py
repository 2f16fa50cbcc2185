"""Adversary 8, E3: a package manager's options may stand before its subcommand (`apk --no-cache add curl`,
`apk -U add`, `apt-get -y install`, `dnf -y install`...). Every reader of "what this stage installs" reads
the managers' own grammar, so a kept `apk --no-cache add curl bash` is seen to install curl and bash: no
E MIG563 (the start script runs curl, "which wolfi-base does not have"), no E MIG549 (bash), and no second
`RUN apk add --no-cache bash` put in front of it."""

from __future__ import annotations

from pathlib import Path

import pytest
from migration_tools import codes, migrate

from migrator.model import Severity
from migrator.rewrite.packages import package_command

WAITS_WITH_CURL = '#!/bin/bash\nset -e\nuntil curl -s http://db:5432; do sleep 1; done\nexec "$@"\n'


@pytest.mark.parametrize("command, packages", [
    ("apk --no-cache add ca-certificates bash curl", ["ca-certificates", "bash", "curl"]),
    ("apk -U add bash curl", ["bash", "curl"]),
    ("apk --update add curl", ["curl"]),
    ("apk -q --no-cache add curl", ["curl"]),
    ("apk add --virtual .run-deps curl bash", ["curl", "bash"]),
    ("apk --no-cache --virtual .run-deps add curl", ["curl"]),
    ("apk -t .x add curl", ["curl"]),
    ("apk -X https://example.org/alpine add curl", ["curl"]),
    ("apk add --no-cache curl=8.5.0-r0 bash>5", ["curl", "bash"]),
    ("apt-get -y install curl", ["curl"]),
    ("apt-get -qq install -y --no-install-recommends curl bash", ["curl", "bash"]),
    ("apt-get -o Dpkg::Options::=--force-confold install -y bash", ["bash"]),
    ("DEBIAN_FRONTEND=noninteractive apt-get install -y bash", ["bash"]),
    ("sudo apt-get install -y bash", ["bash"]),
    ("dnf -y install curl", ["curl"]),
    ("yum -y install bash", ["bash"]),
    ("microdnf -y install curl", ["curl"]),
    ("zypper -n in curl", ["curl"]),
    ("install_packages curl bash", ["curl", "bash"]),
    ("apk del curl", []),
    ("apk --no-cache del curl", []),
    ("apt-get -y remove curl", []),
    ("apk add $PACKAGES", []),
])
def test_a_package_command_is_read_with_its_managers_option_grammar(command: str, packages: list[str]) -> None:
    found = package_command(command.split())
    assert found is not None and found.packages == packages


def test_a_command_that_is_not_a_package_manager_is_not_read() -> None:
    assert package_command(["echo", "apk", "add", "curl"]) is None
    assert package_command(["./install.sh", "curl"]) is None


def single_stage(base: str, run: str) -> str:
    return (f"FROM {base}\nRUN {run}\nCOPY entrypoint.sh /entrypoint.sh\nENTRYPOINT [\"/entrypoint.sh\"]\n"
            'CMD ["sleep","1"]\n')


@pytest.fixture
def context(tmp_path: Path) -> Path:
    (tmp_path / "entrypoint.sh").write_text(WAITS_WITH_CURL)
    (tmp_path / "go.mod").write_text("module x\n")
    return tmp_path


FORMS = [
    ("alpine:3.19", "apk --no-cache add curl bash"),
    ("alpine:3.19", "apk -q --no-cache add curl bash"),
    ("alpine:3.19", "apk --no-cache -U add curl bash"),
    ("alpine:3.19", "apk -U add curl bash"),
    ("alpine:3.19", "apk --update add curl bash"),
    ("alpine:3.19", "apk add --virtual .run-deps curl bash"),
    ("alpine:3.19", "apk --no-cache --virtual .run-deps add curl bash"),
    ("cgr.dev/chainguard/wolfi-base", "apk -U add curl bash"),
    ("cgr.dev/chainguard/wolfi-base", "apk --no-cache add curl bash"),
    ("debian:12", "apt-get update && apt-get -y install curl bash"),
    ("debian:12", "apt-get update && apt-get -qq install curl bash"),
    ("fedora:40", "dnf -y install curl bash"),
    ("centos:7", "yum -y install curl bash"),
    ("registry.access.redhat.com/ubi9/ubi-minimal", "microdnf -y install curl bash"),
]


@pytest.mark.parametrize("base, run", FORMS)
def test_a_stage_that_installs_curl_and_bash_is_not_said_to_lack_them(base: str, run: str, context: Path) -> None:
    result = migrate(single_stage(base, run), context=context)
    assert not {"MIG563", "MIG549"} & set(codes(result, Severity.ERROR)), run
    runs = [line for line in result.dockerfile.splitlines() if line.startswith("RUN ")]
    assert len(runs) == 1 and "curl" in runs[0] and "bash" in runs[0], runs  # no second `apk add bash`


def test_the_option_before_the_subcommand_is_kept_as_written(context: Path) -> None:
    result = migrate(single_stage("alpine:3.19", "apk --no-cache add curl bash"), context=context)
    assert "\nRUN apk --no-cache add curl bash\n" in result.dockerfile


def test_an_already_multi_stage_file_with_an_alpine_final_stage(context: Path) -> None:
    text = ("FROM golang:1.22 AS builder\nWORKDIR /app\nCOPY . .\nRUN CGO_ENABLED=0 go build -o app .\n\n"
            "FROM alpine:latest\nRUN apk --no-cache add ca-certificates bash curl\nWORKDIR /root/\n"
            "COPY --from=builder /app/app .\nCOPY --from=builder /app/entrypoint.sh .\nRUN chmod +x entrypoint.sh\n"
            'ENTRYPOINT ["./entrypoint.sh"]\nCMD ["./app"]\n')
    (context / "entrypoint.sh").write_text(WAITS_WITH_CURL)
    result = migrate(text, context=context)
    assert not {"MIG563", "MIG549"} & set(codes(result, Severity.ERROR))
    assert "RUN apk add --no-cache bash\n" not in result.dockerfile
    assert "\nRUN apk --no-cache add ca-certificates bash curl\n" in result.dockerfile


def test_curl_the_stage_does_not_install_is_added_to_its_own_apk_line(context: Path) -> None:
    result = migrate(single_stage("alpine:3.19", "apk --no-cache add bash"), context=context)
    assert not {"MIG563", "MIG549"} & set(codes(result, Severity.ERROR))
    runs = [line for line in result.dockerfile.splitlines() if line.startswith("RUN ")]
    assert runs == ["RUN apk --no-cache add bash curl"]


@pytest.mark.parametrize("run", ["apk add --no-cache ca-certificates tzdata", "apk --no-cache add ca-certificates tzdata",
                                 "apk -U add ca-certificates", "apk --no-cache --virtual .x add ca-certificates"])
def test_a_final_stage_install_the_runtime_has_is_dropped_in_every_spelling(run: str) -> None:
    text = ("FROM golang:1.22 AS build\nWORKDIR /src\nCOPY . .\nRUN CGO_ENABLED=0 go build -o /app .\n\n"
            f'FROM alpine:3.19\nRUN {run}\nCOPY --from=build /app /app\nENTRYPOINT ["/app"]\n')
    output = migrate(text).dockerfile
    final = output[output.index("FROM cgr.dev/chainguard/static:latest"):]
    assert final == 'FROM cgr.dev/chainguard/static:latest\nCOPY --from=build /app /app\nENTRYPOINT ["/app"]\n'
    assert output.count("\nFROM ") == 1  # no stage kept on wolfi-base for the apk line


@pytest.mark.parametrize("install", ["apk add --no-cache python3 libcap", "apk --no-cache add python3 libcap"])
def test_the_distributions_python_path_follows_wolfis_python_in_every_spelling(install: str) -> None:
    text = (f"FROM alpine:3.19\nRUN {install} && setcap cap_net_bind_service=+ep /usr/bin/python3.11\n"
            'COPY app.py /app.py\nCMD ["python3","/app.py"]\n')
    output = migrate(text).dockerfile
    assert "/usr/bin/python3.11" not in output and "setcap cap_net_bind_service=+ep /usr/bin/python3." in output


@pytest.mark.parametrize("command", ["env DEBIAN_FRONTEND=noninteractive apt-get -y install bash",
                                     "sudo -E apt-get -y install bash", "timeout 600 apk --no-cache add bash",
                                     "nice -n 10 dnf -y install bash"])
def test_wrappers_before_the_package_manager_are_passed_over(command: str) -> None:
    found = package_command(command.split())
    assert found is not None and found.packages == ["bash"]
