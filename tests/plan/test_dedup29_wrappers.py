"""One table of wrappers (rewrite.wrappers.WRAPPERS): the package translators, the commands a RUN is seen
through, the scripts a command runs and the shell a heredoc feeds read a wrapper's options alike, so a
command behind one is read as the same command without it."""

from __future__ import annotations

import pytest
from migration_tools import codes, migrate


@pytest.mark.parametrize("run", ["sudo -Eu root apt-get install -y curl",
                                 "sudo DEBIAN_FRONTEND=noninteractive apt-get install -y curl"])
def test_an_install_behind_sudo_with_clustered_options_or_variables_is_translated(run: str) -> None:
    """`-Eu root`: u takes root (root was taken for the program); `sudo NAME=value cmd` sets a variable."""
    result = migrate(f'FROM debian:12\nRUN {run}\nCMD ["curl"]\n')
    # (tzdata: debian:12 carried it, MIG317)
    assert "RUN apk add --no-cache curl tzdata\n" in result.dockerfile and "apt-get" not in result.dockerfile
    assert "MIG301" in codes(result) and "MIG310" not in codes(result)


@pytest.mark.parametrize("shell", ["timeout 600 sh", "gosu root sh", "stdbuf -oL bash", "nice -n10 sh"])
def test_a_heredoc_fed_to_a_shell_behind_any_wrapper_is_translated(shell: str) -> None:
    result = migrate(f'FROM debian:12\nRUN <<EOF {shell}\napt-get update && apt-get install -y curl\nEOF\n'
                     'CMD ["curl"]\n')
    assert "\napk add --no-cache curl\nEOF\n" in result.dockerfile and "apt-get" not in result.dockerfile


@pytest.mark.parametrize("run", ["eatmydata ./setup.sh", "time -f %e ./setup.sh", "sudo -Eu root bash ./setup.sh"])
def test_a_context_script_behind_a_wrapper_is_said_as_the_script_alone_is(run: str) -> None:
    result = migrate(f'FROM python:3.12-slim\nWORKDIR /app\nCOPY . .\nRUN {run}\nCMD ["python", "app.py"]\n')
    assert [f for f in result.findings if f.code == "MIG414" and "`./setup.sh`" in f.message]


def test_an_install_behind_a_wrapper_the_translators_do_not_carry_is_said() -> None:
    for run in ("doas apt-get install -y curl", "fakeroot apt-get install -y curl", "gosu root apt-get install -y curl"):
        result = migrate(f'FROM debian:12\nRUN {run}\nCMD ["curl"]\n')
        assert [f for f in result.findings if f.code == "MIG310" and "apt-get" in f.message], run


def test_catatonit_is_an_init_wrapper_as_tini_is() -> None:
    """The start command's wrappers come from the same table: catatonit, which the start check already saw
    through, is dropped (MIG509) where the runtime lacks it, as tini is (it stayed in the ENTRYPOINT of a
    distroless runtime that has no catatonit: E MIG540, the image could not start)."""
    result = migrate('FROM python:3.12-slim\nRUN apt-get update && apt-get install -y catatonit\n'
                     'COPY app.py /app/app.py\nENTRYPOINT ["catatonit", "--"]\nCMD ["python", "/app/app.py"]\n')
    runtime = result.dockerfile.split("# Runtime stage")[1]
    assert 'ENTRYPOINT []\nCMD ["python", "/app/app.py"]\n' in runtime and "catatonit" not in runtime
    assert "MIG509" in codes(result) and "MIG540" not in codes(result)


def test_a_tool_behind_a_wrapper_of_the_table_is_added_as_the_tool_alone_is() -> None:
    """rewrite.tools reads its wrappers from the table: curl behind eatmydata (or ionice, chronic) is the
    program the RUN runs, and wolfi-base has no curl (it was not added: the build failed at curl). eatmydata
    itself, which Wolfi does not package, is dropped (MIG316)."""
    result = migrate('FROM debian:12\nRUN eatmydata curl -fsSLo /usr/local/bin/x https://example.com/x\n'
                     'CMD ["/usr/local/bin/x"]\n')
    assert "RUN apk add --no-cache curl && curl " in result.dockerfile and "MIG316" in codes(result)
    assert [f for f in result.findings if f.code == "MIG313" and f.message.startswith("curl added")]
