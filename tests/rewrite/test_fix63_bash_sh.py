"""RUN steps written for a source image whose /bin/sh is bash (UBI, Fedora, Rocky...) keep bash's meaning on
the Chainguard images, whose /bin/sh is busybox sh: a SHELL bash line (MIG426), bash installed on wolfi-base."""

from __future__ import annotations

from pathlib import Path

import pytest
from migration_tools import builder_stage, codes, final_stage, messages, migrate

from migrator.model import MigratorError, Options
from migrator.plan.bash_syntax import bash_syntax
from migrator.rules.loader import load_rules

_BASH_SHELL = 'SHELL ["/bin/bash", "-c"]\n'


def test_brace_expansion_on_ubi_runs_under_bash_on_wolfi_base() -> None:
    result = migrate(
        "FROM registry.access.redhat.com/ubi9/ubi\n"
        "RUN dnf install -y gcc make && mkdir -p /opt/app/{bin,lib}\n"
        "COPY . /src\n"
        "RUN cd /src && make && cp app /opt/app/bin/\n"
        'CMD ["/opt/app/bin/app"]\n')
    builder = builder_stage(result)
    assert builder.startswith("FROM cgr.dev/chainguard/wolfi-base:latest AS builder\n"
                              "RUN apk add --no-cache bash\n" + _BASH_SHELL +
                              "RUN apk add --no-cache gcc make && mkdir -p /opt/app/{bin,lib}\n")
    assert "MIG426" in codes(result, "info") and "MIG551" in codes(result, "info")
    assert "brace expansion" in messages(result, "MIG426")[0]
    assert "SHELL" not in final_stage(result)  # (distroless: no shell)
    # the directories bash makes, not one named {bin,lib}, are the ones the runtime user must own
    assert "/opt/app/lib made the app's own" in messages(result, "MIG555")[0]


def test_dev_image_has_bash_so_only_the_shell_line_is_added() -> None:
    result = migrate(
        "FROM registry.access.redhat.com/ubi9/python-311\n"
        "COPY requirements.txt .\n"
        "RUN if [[ -f requirements.txt ]]; then pip install -r requirements.txt; fi\n"
        "COPY . .\n"
        'CMD ["python", "app.py"]\n')
    builder = builder_stage(result)
    assert builder.startswith("FROM cgr.dev/chainguard/python:latest-dev AS builder\n")
    assert _BASH_SHELL in builder and "apk add --no-cache bash" not in builder
    assert builder.index(_BASH_SHELL) < builder.index("RUN if [[")
    assert "[[ ]] test" in messages(result, "MIG426")[0]
    assert "MIG551" not in codes(result)


@pytest.mark.parametrize("image", ["debian:12", "ubuntu:24.04", "alpine:3.20", "python:3.12"])
def test_dash_and_ash_sources_are_unchanged(image: str) -> None:
    installer = "apk add --no-cache" if "alpine" in image else "apt-get install -y"
    result = migrate(f"FROM {image}\nRUN {installer} gcc && mkdir -p /opt/app/{{bin,lib}}\n"
                     'CMD ["/opt/app/bin/app"]\n')
    assert "SHELL" not in result.dockerfile
    assert "MIG426" not in codes(result)


def test_posix_runs_on_ubi_get_no_shell_line() -> None:
    result = migrate("FROM registry.access.redhat.com/ubi9/ubi\nRUN dnf install -y gcc && mkdir -p /opt/app\n"
                     'CMD ["/opt/app/bin/app"]\n')
    assert "SHELL" not in result.dockerfile and "MIG426" not in codes(result)


def test_a_stage_built_from_one_with_the_shell_line_inherits_it() -> None:
    result = migrate(
        "FROM rockylinux:9 AS base\n"
        "RUN dnf install -y gcc && mkdir -p /srv/{data,logs}\n"
        "FROM base AS app\n"
        "RUN set -o pipefail && echo hi | tee /srv/logs/x\n"
        'CMD ["/bin/sh", "-c", "cat /srv/logs/x"]\n')
    assert result.dockerfile.count("SHELL [") == 1
    assert len(messages(result, "MIG426")) == 1


def test_only_the_child_that_uses_bash_gets_the_line() -> None:
    result = migrate(
        "FROM registry.access.redhat.com/ubi9/python-311 AS base\n"
        "RUN pip install flask\n"
        "FROM base AS app\n"
        "RUN mkdir -p /tmp/{a,b} && declare -a x=(1 2)\n"
        "COPY . .\n"
        'CMD ["python", "app.py"]\n')
    base, rest = result.dockerfile.split("FROM base AS ", 1)
    assert "SHELL" not in base and rest.count(_BASH_SHELL) == 1


def test_a_source_shell_line_is_kept_and_no_second_is_added() -> None:
    result = migrate(
        "FROM registry.access.redhat.com/ubi9/ubi\n"
        'SHELL ["/bin/bash", "-o", "pipefail", "-c"]\n'
        "RUN dnf install -y make && mkdir -p /opt/{a,b}\n"
        'CMD ["/opt/a/app"]\n')
    assert result.dockerfile.count("SHELL [") == 1
    assert 'SHELL ["/bin/bash", "-o", "pipefail", "-c"]\n' in result.dockerfile
    assert "RUN apk add --no-cache bash\n" in result.dockerfile  # (bash on wolfi-base for that SHELL)
    assert "MIG426" not in codes(result)


@pytest.mark.parametrize(("script", "what"), [
    ("mkdir -p /x/{a,b}", "brace expansion"),
    ("echo {1..3}", "brace expansion"),
    ("[[ -d /x ]] && echo", "[[ ]] test"),
    ("a=(1 2); echo ${a[0]}", "array"),
    ("source /etc/profile.d/x.sh", "source"),
    ("set -euo pipefail; make", "pipefail"),
    ("echo $'a\\tb'", "$'...'"),
    ('cat <<< "$x"', "<<<"),
    ("function f { echo; }; f", "function"),
    ("make &> /dev/null", "&>"),
    ("diff <(ls a) <(ls b)", "process substitution"),
    ("make |& tee log", "|&"),
])
def test_bash_only_constructs_are_named(script: str, what: str) -> None:
    found = bash_syntax(script)
    assert found is not None and what in found


@pytest.mark.parametrize("script", [
    "f() { echo; }; f", 'echo "{a,b}"', "find . -exec rm {} \\;", "echo ${x:-a}", "make 2>&1 >/dev/null",
    "make >&2", ". /etc/profile", "set -eu", "local x=1",
])
def test_posix_sh_is_not_taken_for_bash(script: str) -> None:
    assert bash_syntax(script) is None


def test_a_user_rule_says_what_sh_is(tmp_path: Path) -> None:
    """A user's image (bash as /bin/sh on a Debian-family image) is read as its rule says; a wrong value is refused."""
    rules = tmp_path / "rules.yaml"
    rules.write_text("images:\n  - match: example.com/bashy\n    ecosystem: distro\n"
                     "    builder: \"wolfi-base:latest\"\n    runtime: null\n    sh: bash\n")
    result = migrate("FROM example.com/bashy:1\nRUN mkdir -p /srv/{a,b}\nCMD [\"/bin/sh\", \"-c\", \"ls /srv\"]\n",
                     Options(rules_files=(rules,)))
    assert 'SHELL ["/bin/bash", "-c"]\n' in result.dockerfile
    wrong = tmp_path / "wrong.yaml"  # (load_rules keeps what it read by the files' names)
    wrong.write_text("family_sh:\n  debian: zsh\n")
    with pytest.raises(MigratorError, match="family_sh"):
        load_rules((wrong,))


SCRIPTS = ("FROM registry.access.redhat.com/ubi9/ubi\n"
           "COPY build.sh start.sh ok.sh /usr/local/bin/\n"
           "RUN /usr/local/bin/build.sh && bash /usr/local/bin/ok.sh\n"
           'ENTRYPOINT ["/usr/local/bin/start.sh"]\n')


def _scripts(tmp_path: Path, first_line: str = "#!/bin/sh") -> None:
    (tmp_path / "build.sh").write_text(f"{first_line}\nset -e\nmkdir -p /opt/app/{{bin,lib}}\n")
    (tmp_path / "start.sh").write_text(f"{first_line}\nsource /etc/profile\nexec /opt/app/bin/app\n")
    (tmp_path / "ok.sh").write_text("#!/bin/sh\n[[ -d /opt ]] && echo ok\n")  # (run by bash: fine)


def test_sh_scripts_with_bash_syntax_from_a_bash_sh_source_are_named(tmp_path: Path) -> None:
    _scripts(tmp_path)
    warned = messages(migrate(SCRIPTS, Options(context=tmp_path)), "MIG427")
    assert len(warned) == 2
    assert warned[0].startswith("`/usr/local/bin/build.sh` (build.sh in the build context) is run by /bin/sh and "
                                "uses bash syntax, brace expansion (`mkdir -p /opt/app/{bin,lib}`, line 3) in it")
    assert warned[1].startswith("`/usr/local/bin/start.sh` (start.sh in the build context) is run by /bin/sh and "
                                "uses bash syntax, bash's `source`")


def test_bash_scripts_and_dash_sources_are_not_warned_about(tmp_path: Path) -> None:
    _scripts(tmp_path, "#!/bin/bash")
    assert "MIG427" not in codes(migrate(SCRIPTS, Options(context=tmp_path)))
    _scripts(tmp_path)
    debian = SCRIPTS.replace("registry.access.redhat.com/ubi9/ubi", "debian:12")
    assert "MIG427" not in codes(migrate(debian, Options(context=tmp_path)))


def test_bash_is_installed_before_the_shell_line_even_when_a_later_run_installs_it() -> None:
    result = migrate("FROM rockylinux:9\nRUN dnf install -y bash gcc && mkdir -p /opt/app/{bin,lib}\n"
                     'CMD ["/opt/app/bin/app"]\n')
    assert builder_stage(result).startswith("FROM cgr.dev/chainguard/wolfi-base:latest AS builder\n"
                                            "RUN apk add --no-cache bash\n" + _BASH_SHELL +
                                            "RUN apk add --no-cache bash gcc && mkdir -p /opt/app/{bin,lib}\n")
