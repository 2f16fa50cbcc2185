"""Adversary 12 G1: a shell-form start command keeps Debian's program names (`CMD cron && gunicorn ...`, `CMD
php-fpm8.1 -D && nginx -g "daemon off;"`), which Wolfi's packages install under other names (cronie's `crond`,
php-fpm): `sh: cron: not found` ends the && chain and the container exits. Each command word the shell runs is now
renamed as the exec form's program is (rules/tools.yaml distro_names, I MIG571), arguments and quoted text kept."""

from __future__ import annotations

from pathlib import Path

import pytest
from migration_tools import codes, final_stage, messages, migrate

CRON = """\
FROM python:3.11-slim
RUN apt-get update && apt-get install -y --no-install-recommends cron && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt
COPY . .
COPY crontab /etc/cron.d/app
RUN chmod 0644 /etc/cron.d/app && crontab /etc/cron.d/app
CMD {command}
"""

PHP = """\
FROM ubuntu:22.04
RUN apt-get update && apt-get install -y nginx php8.1-fpm php8.1-mysql && rm -rf /var/lib/apt/lists/*
COPY . /var/www/html
EXPOSE 80
CMD php-fpm8.1 -D && nginx -g "daemon off;"
"""


def test_cron_before_the_app_is_started_as_crond() -> None:
    result = migrate(CRON.format(command="cron && gunicorn -b 0.0.0.0:8000 app:app"))
    assert final_stage(result).endswith("\nCMD crond && gunicorn -b 0.0.0.0:8000 app:app\n")
    assert "apk add --no-cache cronie" in result.dockerfile
    assert "`cron` started as `crond`" in messages(result, "MIG571")[0]


def test_a_versioned_php_fpm_is_started_by_wolfis_name_and_the_quoted_text_stays() -> None:
    result = migrate(PHP)
    assert result.dockerfile.endswith('\nCMD php-fpm -D && nginx -g "daemon off;"\n')
    assert "MIG571" in codes(result)


@pytest.mark.parametrize("command, written", [
    ("cron -f", "crond -n"),  # (its options, as in exec form)
    ("exec cron -f", "exec crond -n"),
    ("/usr/sbin/cron && exec gunicorn app:app", "crond && exec gunicorn app:app"),
    ("service_start; cron; gunicorn app:app", "service_start; crond; gunicorn app:app"),
    ("echo cron && gunicorn app:app", "echo cron && gunicorn app:app"),  # (an argument, not a command)
    ("sh -c 'cron && gunicorn app:app'", "sh -c 'cron && gunicorn app:app'"),  # (quoted text stays)
    ("\"cron\" && gunicorn app:app", "\"cron\" && gunicorn app:app"),
    ("cron \\\n    && gunicorn app:app", "crond \\\n    && gunicorn app:app"),
])
def test_only_command_words_are_renamed(command: str, written: str) -> None:
    result = migrate(CRON.format(command=command))
    assert result.dockerfile.endswith(f"\nCMD {written}\n"), final_stage(result)
    assert ("MIG571" in codes(result)) is (command != written)


def test_a_shell_form_without_a_distro_name_is_byte_for_byte() -> None:
    text = CRON.format(command="gunicorn   -b 0.0.0.0:8000  app:app  # started")
    assert "MIG571" not in codes(migrate(text))


def test_the_script_of_an_exec_form_sh_c_is_read_as_a_shell_form() -> None:
    result = migrate(CRON.format(command='["sh", "-c", "cron && exec gunicorn -b 0.0.0.0:8000 app:app"]'))
    assert result.dockerfile.endswith('\nCMD ["sh", "-c", "crond && exec gunicorn -b 0.0.0.0:8000 app:app"]\n')
    assert "`cron` started as `crond`" in messages(result, "MIG571")[0]


def test_a_shell_form_entrypoint_is_renamed_too() -> None:
    text = CRON.format(command="[]").replace("CMD []", "ENTRYPOINT cron -f")
    assert migrate(text).dockerfile.endswith("\nENTRYPOINT crond -n\n")


START_SCRIPT = CRON.format(command='["/start.sh"]').replace("COPY . .\n", "COPY . .\nCOPY start.sh /start.sh\n")


@pytest.mark.parametrize("script, code", [
    ("#!/bin/sh\ncron\nexec gunicorn -b 0.0.0.0:8000 app:app\n", "MIG564"),  # (the script goes on: cron is lost)
    ("#!/bin/sh\nset -e\ncron -f &\ncron\nexec gunicorn app:app\n", "MIG563"),  # (set -e: the start fails)
])
def test_a_start_script_that_runs_cron_is_reported(tmp_path: Path, script: str, code: str) -> None:
    """The tool does not rewrite the app's own start script: the start check says that `cron` is not found there."""
    (tmp_path / "start.sh").write_text(script)
    (tmp_path / "requirements.txt").write_text("gunicorn\n")
    result = migrate(START_SCRIPT, context=tmp_path)
    message = next(m for m in messages(result, code) if "`cron`" in m)
    assert "Wolfi's package installs it as `crond`" in message
    assert "`-f` is `-n`" in message


def test_a_start_script_that_runs_crond_is_not_reported(tmp_path: Path) -> None:
    (tmp_path / "start.sh").write_text("#!/bin/sh\ncrond\nexec gunicorn app:app\n")
    (tmp_path / "requirements.txt").write_text("gunicorn\n")
    result = migrate(START_SCRIPT, context=tmp_path)
    assert not [m for m in messages(result, "MIG563") + messages(result, "MIG564") if "cron" in m]


def test_a_final_stage_that_stays_on_its_image_keeps_its_names() -> None:
    """Apache + mod_php has no Chainguard image (E MIG203): the stage stays on Debian, where `cron` is cron."""
    text = ("FROM debian:12-slim\nRUN apt-get update && apt-get install -y cron apache2 libapache2-mod-php && "
            "a2enmod rewrite\nCOPY . /var/www/html\nCMD cron && apachectl -D FOREGROUND\n")
    result = migrate(text)
    assert "MIG203" in codes(result)
    assert result.dockerfile == text
    assert "MIG571" not in codes(result)



HEREDOC_START = """\
FROM python:3.11-slim
RUN apt-get update && apt-get install -y --no-install-recommends cron && rm -rf /var/lib/apt/lists/*
RUN pip install --no-cache-dir gunicorn
COPY <<EOF /start.sh
#!/bin/sh
set -e
cron -f &
echo "starting cron"
exec gunicorn -b 0.0.0.0:8000 app:app
EOF
COPY <<EOF /usr/local/bin/other.sh
#!/bin/sh
cron
EOF
RUN chmod +x /start.sh /usr/local/bin/other.sh
CMD ["/start.sh"]
"""


def test_a_start_script_the_dockerfile_writes_is_renamed_where_it_stands() -> None:
    result = migrate(HEREDOC_START)
    assert '#!/bin/sh\nset -e\ncrond -n &\necho "starting cron"\nexec gunicorn -b 0.0.0.0:8000 app:app\nEOF\n' in (
        result.dockerfile)
    assert "COPY <<EOF /usr/local/bin/other.sh\n#!/bin/sh\ncron\nEOF\n" in result.dockerfile  # (not the start's)
    assert any("in the start script /start.sh" in m for m in messages(result, "MIG571"))
    assert not [m for m in messages(result, "MIG563") + messages(result, "MIG564") if "`cron`" in m]


def test_a_shell_form_crons_options_are_read_as_the_exec_forms_are() -> None:
    """fix65's option table: -f is cronie's -n, -L LEVEL is dropped (said), an option crond refuses is E MIG596."""
    result = migrate(CRON.format(command="cron -f -L 15 && gunicorn app:app"))
    assert result.dockerfile.endswith("\nCMD crond -n && gunicorn app:app\n")
    assert "`-L 15` dropped" in messages(result, "MIG571")[0]
    refused = migrate(CRON.format(command="cron -q && gunicorn app:app"))
    assert refused.dockerfile.endswith("\nCMD crond -q && gunicorn app:app\n")
    assert "`-q`" in messages(refused, "MIG596")[0]
