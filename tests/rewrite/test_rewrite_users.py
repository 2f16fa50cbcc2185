"""useradd / groupadd / usermod / Debian adduser -> busybox adduser / addgroup."""

from __future__ import annotations

import pytest
from migration_tools import codes

from migrator.model import Severity


@pytest.mark.parametrize(
    ("script", "expected"),
    [
        # the classic nonroot user of countless Dockerfiles
        (
            "groupadd -r app && useradd -r -g app -d /home/app -s /sbin/nologin -c \"Image user\" app",
            'addgroup -S app && adduser -D -S -G app -h /home/app -s /sbin/nologin -g "Image user" -H app',
        ),
        ("groupadd --gid 1000 node && useradd --uid 1000 --gid node --shell /bin/bash --create-home node",
         "addgroup -g 1000 node && adduser -D -u 1000 -G node -s /bin/bash node"),
        ("useradd -ms /bin/bash appuser", "adduser -D -s /bin/bash appuser"),
        ("useradd -rm -d /home/ubuntu -s /bin/bash -g root -G sudo -u 1001 ubuntu",
         "adduser -D -S -u 1001 -G root -h /home/ubuntu -s /bin/bash ubuntu"
         " && { grep -q '^sudo:' /etc/group || addgroup -S sudo; } && addgroup ubuntu sudo"),
        # useradd -r gives the user a group of its own name; busybox -S alone would use nogroup
        ("useradd --no-create-home --no-log-init --system --uid=999 w", "addgroup -S w && adduser -D -S -u 999 -G w -H w"),
        ("useradd -r -N svc", "adduser -D -S -H svc"),
        # busybox -G takes a group name: a gid that no earlier command created gets its group first
        ("useradd -u 1000 -g 1000 app", "addgroup -g 1000 app && adduser -D -u 1000 -G app -H app"),
        ("groupadd -g 1000 web && useradd -u 1000 -g 1000 app", "addgroup -g 1000 web && adduser -D -u 1000 -G web -H app"),
        ("useradd -g 0 -u 1001 app", "adduser -D -u 1001 -G root -H app"),
        ("useradd -u ${UID} -g ${GID} -M \"$USERNAME\"",
         'addgroup -g ${GID} "$USERNAME" && adduser -D -u ${UID} -G "$USERNAME" -H "$USERNAME"'),
        # groups Wolfi's base layout lacks are created before a user joins them
        ("usermod -aG docker,wheel jenkins",
         "{ grep -q '^docker:' /etc/group || addgroup -S docker; } && addgroup jenkins docker && addgroup jenkins wheel"),
        ("usermod -a -G audio app", "addgroup app audio"),
        (
            'adduser --disabled-password --gecos "" --home /app --uid 10001 --ingroup app '
            "--no-create-home app",
            "{ grep -q '^app:' /etc/group || addgroup app; } && adduser -D -u 10001 -G app -h /app -g \"\" -H app",
        ),
        ("adduser --system --group --no-create-home nginx", "addgroup -S nginx && adduser -D -S -G nginx -H nginx"),
        ("adduser --system --no-create-home svc", "adduser -D -S -H svc"),
        ("addgroup --system --gid 101 nginx", "addgroup -S -g 101 nginx"),
        ("adduser --group docker", "addgroup docker"),
        ("adduser --quiet --disabled-login --gecos 'Web user' www", "adduser -D -g 'Web user' www"),
        ("userdel -r ubuntu", "deluser --remove-home ubuntu"),
        ("groupdel -f staff", "delgroup staff"),
    ],
)
def test_user_commands_become_busybox(rewrite, script, expected):
    text, result = rewrite(script)
    assert text == expected
    assert result.manages_users
    assert set(codes(result)) == {"MIG401"}


def test_supplementary_groups_inside_a_chain(rewrite):
    script = (
        "set -eux; \\\n"
        "    groupadd -g 1000 app; \\\n"
        "    useradd -u 1000 -g app -G audio,video -m app; \\\n"
        "    chown -R app:app /app"
    )
    text, _ = rewrite(script)
    assert text == (
        "set -eux; \\\n"
        "    addgroup -g 1000 app; \\\n"
        "    adduser -D -u 1000 -G app app && addgroup app audio && addgroup app video; \\\n"
        "    chown -R app:app /app"
    )


@pytest.mark.parametrize(
    "script",
    [
        "adduser -D -u 1000 app",
        "addgroup -S app && adduser -S -G app app",
        "adduser -D -g '' -h /app -s /bin/sh -H app",
        "adduser app wheel",
        "addgroup app wheel",
    ],
)
def test_busybox_commands_stay_as_they_are(rewrite, script):
    text, result = rewrite(script, family="alpine")
    assert text == script
    assert result.findings == [] and result.edits == []
    assert result.manages_users


@pytest.mark.parametrize(
    ("script", "what"),
    [
        ("useradd -p '$6$hash' -m bob", "-p"),
        ("useradd --password secret bob", "--password"),
        ("usermod -l newname oldname", "-l"),
        ("usermod -s /bin/zsh bob", "-s"),
        ("useradd -e 2030-01-01 bob", "-e"),
        ("adduser --firstuid 2000 --disabled-password bob", "--firstuid"),
        ("useradd -G $EXTRA_GROUPS bob", "this form"),
        ("groupmod -g 1000 www-data", "-g"),
        ("useradd -o -u 0 -g 0 admin", "-o"),
    ],
)
def test_what_busybox_cannot_express_is_left_with_an_error(rewrite, script, what):
    text, result = rewrite(script)
    assert text == script
    [finding] = result.findings
    assert finding.code == "MIG402" and finding.severity is Severity.ERROR
    assert what in finding.message and "shadow" in finding.message
    assert result.manages_users


def test_shadow_installed_in_the_stage_keeps_shadow_commands(rewrite):
    # Fedora's shadow-utils becomes Wolfi's shadow: useradd and usermod exist, nothing to report
    script = "yum install -y shadow-utils && usermod -l newname oldname"
    text, result = rewrite(script, family="fedora")
    assert text == "apk add --no-cache shadow && usermod -l newname oldname"
    assert "MIG402" not in codes(result)


def test_a_failing_user_command_hidden_by_the_shell_says_so(rewrite):
    _, result = rewrite("useradd -p x bob; echo done")
    [finding] = result.findings
    assert "hides this failure" in finding.message and "no `set -e`" in finding.message


def test_user_commands_with_packages(rewrite):
    script = "apt-get update && apt-get install -y curl && useradd -m app && rm -rf /var/lib/apt/lists/*"
    text, result = rewrite(script)
    assert text == "apk add --no-cache curl && adduser -D app"
    assert result.manages_users and result.installs_packages


def test_sudo_prefix_is_dropped_for_user_commands(rewrite):
    assert rewrite("sudo useradd -m bob")[0] == "adduser -D bob"


def test_no_user_commands_means_no_users(rewrite):
    assert not rewrite("pip install -r requirements.txt")[1].manages_users
