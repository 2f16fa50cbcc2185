"""One reader of `cp|mv|install|ln` (plan/copy_commands): what a final-stage RUN writes with them reaches
the split runtime at the path the command really wrote. The crude reader uncarried had lost
`cp -t /etc app.conf` silently, copied `install -d`'s last directory as a file and took an operand after
`--` for an option."""

from __future__ import annotations

import pytest

from migrator.api import migrate_text
from migrator.model import Result

_PYTHON = "FROM python:3.12-slim\nWORKDIR /app\n"
_END = "COPY . .\nCMD [\"python\",\"app.py\"]\n"


def migrate(run: str) -> Result:
    result = migrate_text(_PYTHON + f"RUN {run}\n" + _END)
    assert migrate_text(result.dockerfile).dockerfile == result.dockerfile, "not idempotent"
    return result


def final_stage(result: Result) -> str:
    return result.dockerfile.rsplit("\nFROM ", 1)[-1]


def lost(result: Result) -> str:
    return " ".join(f.message for f in result.findings if f.code == "MIG561")


@pytest.mark.parametrize("run, written", [
    ("cp -t /etc app.conf", "/etc/app.conf"),  # -t DIR: was lost without a word
    ("cp --target-directory=/etc/app app.conf", "/etc/app/app.conf"),
    ("cp -T defaults /etc/x", "/etc/x"),  # -T: the destination is the file itself
    ("cp -- -odd.conf /etc/odd.conf", "/etc/odd.conf"),  # after `--` an operand, not an option
    ("install -m 0644 -o root app.conf /etc/", "/etc/app.conf"),  # valued options, into a directory
    ("cd /tmp && cp /app/app.conf /etc/", "/etc/app.conf"),  # after cd: an absolute destination is known
])
def test_the_file_a_copy_command_writes_reaches_the_runtime(run: str, written: str) -> None:
    result = migrate(run)
    assert f"COPY --from=builder {written} {written}\n" in final_stage(result)
    assert written not in lost(result)


def test_install_d_makes_directories_not_a_file() -> None:
    result = migrate("install -d -m 0755 /srv/data /srv/logs")
    final = final_stage(result)
    # like `mkdir`: both directories, where the old reader copied only the last, as the file it wrote
    assert "COPY --from=builder /srv/data /srv/data\n" in final
    assert "COPY --from=builder /srv/logs /srv/logs\n" in final


def test_install_of_a_program_on_path_is_still_named() -> None:
    result = migrate("install -m 0755 tool.sh /usr/local/bin/tool")
    assert "/usr/local/bin" not in final_stage(result)  # never the -dev image's directory
    assert "/usr/local/bin/tool" in lost(result)


def test_a_link_into_a_directory_names_the_link_not_the_directory() -> None:
    message = lost(migrate("ln -s /app/tool.sh /usr/local/bin/"))
    assert "/usr/local/bin/tool.sh" in message and "/usr/local/bin," not in message


def test_sed_in_place_with_a_suffix_still_writes_its_file() -> None:
    result = migrate("sed -i.old -e s/a/b/ /etc/foo.conf")
    assert "COPY --from=builder /etc/foo.conf /etc/foo.conf\n" in final_stage(result)


@pytest.mark.parametrize("run", ["cp /app/a.conf /etc/a.conf || true", "[ -f a.conf ] && cp a.conf /etc/a.conf"])
def test_a_file_copied_on_a_condition_is_not_copied_to_the_runtime(run: str) -> None:
    # it may not be in the builder: a COPY --from of it would fail the build
    assert " /etc/a.conf " not in final_stage(migrate(run))
