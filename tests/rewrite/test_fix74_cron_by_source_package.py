"""fix74 (N19-1): Alpine's `apk add dcron` (or busybox's crond applet, or cronie) + `CMD ["crond", "-f", "-l", "2"]`
migrated to Wolfi's cronie with the command unchanged: cronie has no -l/-d/-L FILE/-c DIR as dcron and busybox mean
them, prints its usage and exits, and the crontab stayed in /etc/crontabs/root, which nothing on Wolfi reads. The
options are read by the source package that provides the program (rules/tools.yaml `program_packages`: from what the
stage installs and the source image's family), written as cronie takes them (I MIG571, W MIG320 for what it cannot
do, E MIG596 for what it refuses), and a COPY into the source daemon's crontab directory lands in /var/spool/cron
with mode 0600 (I MIG321); a RUN that writes there is W MIG322."""

from __future__ import annotations

import pytest
from migration_tools import codes, errors, final_stage, messages, migrate, status

from migrator.model import Severity
from migrator.rules.data import builtin_data

DCRON = ("FROM alpine:3.19\nRUN apk add --no-cache dcron tzdata\nCOPY crontab /etc/crontabs/root\nCMD {start}\n")


def test_alpine_dcron_is_started_as_cronie_takes_it_and_its_crontab_moved_to_cronies_spool() -> None:
    result = migrate(DCRON.format(start='["crond", "-f", "-l", "2"]'))
    assert result.dockerfile == ("FROM cgr.dev/chainguard/wolfi-base:latest\nRUN apk add --no-cache cronie tzdata\n"
                                 "COPY --chmod=0600 crontab /var/spool/cron/root\nCMD [\"crond\", \"-n\"]\n")
    [note] = messages(result, "MIG571")
    assert note.startswith("`crond` is cronie's on Wolfi, not dcron's")
    assert "`-f` is `-n` there" in note and "`-l 2` dropped: cronie has no log level" in note
    [moved] = messages(result, "MIG321")
    assert moved.startswith("COPY destination /etc/crontabs/root -> /var/spool/cron/root with --chmod=0600")
    assert not codes(result, Severity.ERROR) and "MIG320" not in codes(result)
    assert status(result) == "single-stage"


@pytest.mark.parametrize(("start", "written", "warned"), [
    ('["crond", "-f", "-d"]', '["crond", "-n"]', ""),  # (dcron's -d: debug mode, in the foreground: -n once)
    ('["crond", "-f", "-S"]', '["crond", "-n"]', ""),
    ('["crond", "-f", "-L", "/var/log/cron.log"]', '["crond", "-n"]', "`-L /var/log/cron.log` dropped: cronie has no"),
    ('["crond", "-f", "-M", "/usr/bin/mailx"]', '["crond", "-n", "-m", "/usr/bin/mailx"]', ""),
    ('["crond", "-f", "-m", "ops@example.com"]', '["crond", "-n"]', "`-m ops@example.com` dropped: dcron's -m"),
])
def test_each_dcron_option_is_mapped_or_dropped(start: str, written: str, warned: str) -> None:
    result = migrate(DCRON.format(start=start))
    assert final_stage(result).endswith(f"CMD {written}\n")
    if warned:
        assert [m for m in messages(result, "MIG320") if m.startswith(warned)]
    else:
        assert not messages(result, "MIG320")
    assert not codes(result, Severity.ERROR) and status(result) == "single-stage"


def test_a_dcron_option_cronie_refuses_is_an_error_and_the_start_broken() -> None:
    result = migrate("FROM alpine:3.19\nRUN apk add --no-cache dcron\nCMD [\"crond\", \"-f\", \"-Z\"]\n")
    assert final_stage(result).endswith('CMD ["crond", "-n", "-Z"]\n')
    [error] = errors(result, "MIG596")
    assert error.startswith("`-Z`: `crond` (cronie's on Wolfi, not dcron's) takes no such option")
    assert result.runtime is not None and result.runtime.status == "broken" and result.runtime.reason == error


def test_busybox_crond_options_and_its_crontab_directory_option() -> None:
    """No cron package installed on Alpine: the crond applet of Alpine's busybox; `-c DIR` names where it reads
    crontabs, so a COPY there moves to cronie's spool; `-d 8` (log to stderr) has no counterpart (W MIG320)."""
    result = migrate("FROM alpine:3.19\nRUN apk add --no-cache curl\nCOPY crontabs/ /app/crontabs/\n"
                     'CMD ["crond", "-f", "-d", "8", "-c", "/app/crontabs"]\n')
    assert result.dockerfile.endswith("COPY --chmod=0600 crontabs/ /var/spool/cron/\nCMD [\"crond\", \"-n\"]\n")
    [note] = messages(result, "MIG571")
    assert note.startswith("`crond` is cronie's on Wolfi, not the source image's busybox's")
    assert "`-c /app/crontabs` dropped: cronie reads per-user crontabs from /var/spool/cron only" in note
    [warned] = messages(result, "MIG320")
    assert warned.startswith("`-d 8` dropped: cronie has no log level and no option to log to stderr")
    assert [f.severity for f in result.findings if f.code == "MIG320"] == [Severity.WARNING]
    assert status(result) == "single-stage"


def test_alpine_cronie_keeps_its_options_and_its_crontab_still_moves() -> None:
    result = migrate("FROM alpine:3.19\nRUN apk add --no-cache cronie\nCOPY jobs /etc/crontabs/root\n"
                     'CMD ["crond", "-n", "-x", "sch"]\n')
    assert final_stage(result).endswith('COPY --chmod=0600 jobs /var/spool/cron/root\nCMD ["crond", "-n", "-x", "sch"]\n')
    assert "MIG571" not in codes(result) and codes(result).count("MIG321") == 1
    assert not codes(result, Severity.ERROR) and status(result) == "single-stage"


def test_ubi_cronie_is_cronie_itself_and_its_cron_d_stays() -> None:
    result = migrate("FROM redhat/ubi9\nRUN dnf install -y cronie && dnf clean all\nCOPY jobs /etc/cron.d/jobs\n"
                     'CMD ["crond", "-n"]\n')
    assert final_stage(result).endswith('COPY jobs /etc/cron.d/jobs\nCMD ["crond", "-n"]\n')
    assert not {"MIG571", "MIG320", "MIG321", "MIG322", "MIG596"} & set(codes(result))
    assert status(result) == "single-stage"


def test_shell_form_and_a_run_that_writes_the_crontab() -> None:
    """`crond -b -L FILE && python ...` in shell form: -b dropped (cronie forks itself), -L FILE warned; the RUN's
    `>> /etc/crontabs/root` is shell the tool does not rewrite: W MIG322 says where cronie reads."""
    result = migrate("FROM alpine:3.19\nRUN apk add --no-cache dcron python3 && echo '* * * * * date' >> "
                     "/etc/crontabs/root\nCMD crond -b -L /var/log/cron.log && exec python3 -m http.server\n")
    assert final_stage(result).endswith("CMD crond && exec python3 -m http.server\n")
    [warned] = messages(result, "MIG322")
    assert "/etc/crontabs/root" in warned and "write the crontab to /var/spool/cron/root (mode 0600)" in warned
    assert [f.line for f in result.findings if f.code == "MIG320"] == [3]
    assert not codes(result, Severity.ERROR) and status(result) in ("single-stage", "shell-kept")


def test_crond_in_a_start_script_the_stage_writes() -> None:
    result = migrate("FROM alpine:3.19\nRUN apk add --no-cache dcron python3\nCOPY --chmod=0755 <<EOF /start.sh\n"
                     "#!/bin/sh\ncrond -b -l 2\nexec python3 -m http.server\nEOF\nCOPY jobs /etc/crontabs/app\n"
                     'CMD ["/start.sh"]\n')
    assert "#!/bin/sh\ncrond\nexec python3 -m http.server\nEOF\n" in result.dockerfile
    assert "COPY --chmod=0600 jobs /var/spool/cron/app\n" in result.dockerfile
    [note] = messages(result, "MIG571")
    assert "`-b` dropped" in note and "`-l 2` dropped" in note and note.endswith("(in the start script /start.sh)")
    assert not codes(result, Severity.ERROR) and status(result) == "single-stage"


def test_a_copy_that_sets_its_mode_keeps_it() -> None:
    result = migrate("FROM alpine:3.19\nRUN apk add --no-cache dcron\nCOPY --chmod=0644 jobs /etc/crontabs/\n"
                     'CMD ["crond", "-f"]\n')
    assert "COPY --chmod=0644 jobs /var/spool/cron/\n" in result.dockerfile
    [moved] = messages(result, "MIG321")
    assert "--chmod=0600" not in moved


def test_every_option_of_each_source_package_program_is_mapped_dropped_or_taken_by_the_wolfi_program() -> None:
    """The general rule, for every program_packages table that describes its options: none is passed on unread."""
    for family, packages in builtin_data("tools.yaml")["program_packages"].items():
        for package, programs in packages.items():
            for program, entry in programs.items():
                if not isinstance(entry, dict) or not entry.get("getopt"):
                    continue
                accepts, named = entry["accepts"], entry.get("options") or {}
                for index, letter in enumerate(entry["getopt"]):
                    if letter == ":":
                        continue
                    valued = entry["getopt"][index + 1:index + 2] == ":"
                    target = named.get(f"-{letter}")
                    where = (family, package, program, letter)
                    if isinstance(target, dict):
                        assert target.get("drop"), where
                        assert not target.get("crontabs") or valued, where
                        continue
                    wolfi = (target or f"-{letter}")[1:]
                    assert wolfi in accepts.replace(":", ""), where
                    assert (f"{wolfi}:" in accepts) == valued or (target and not valued), where
