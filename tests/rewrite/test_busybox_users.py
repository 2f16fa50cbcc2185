"""Translated user commands, run by a real busybox in a throwaway root with Wolfi's /etc files.

busybox's `adduser`/`addgroup`, not our reading of them, decides whether a translation works. The
test needs a static busybox built with those applets (Debian's busybox leaves them out): set
MIGRATOR_TEST_BUSYBOX to its path: best built with Wolfi's own configuration (wolfi-dev/os
`busybox/busyboxconfig`, with CONFIG_STATIC=y), so that the applet set is Wolfi's; at least busybox's
`make allnoconfig` plus ADDUSER, ADDGROUP, ASH, ID, GREP, CHOWN, LAST_ID=256000. The commands run under `chroot` (root or
`unshare -r`), so this machine's /etc is never touched. Without such a busybox the test is skipped;
tests/rewrite/test_rewrite_users.py pins the same translations as text.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest
from migration_tools import builder_stage

from migrator.rewrite.shell import rewrite_script
from migrator.rules.data import builtin_data
from migrator.rules.loader import load_rules

APPLETS = ("sh", "adduser", "addgroup", "deluser", "delgroup", "id", "grep", "chown", "cat", "true", "mkdir", "test",
           "echo", "ls")  # (echo: an ash without its echo builtin runs the applet)


def _busybox() -> str | None:
    path = os.environ.get("MIGRATOR_TEST_BUSYBOX") or shutil.which("busybox")
    if not path:
        return None
    try:
        listed = subprocess.run([path, "--list"], capture_output=True, text=True, timeout=10).stdout.split()
    except OSError:
        return None
    return path if {"adduser", "addgroup", "sh", "id"} <= set(listed) else None


def _chroot_prefix() -> list[str]:
    chroot, unshare = shutil.which("chroot"), shutil.which("unshare")
    if chroot and os.geteuid() == 0:
        return [chroot]
    if chroot and unshare:
        return [unshare, "-r", chroot]
    return []


BUSYBOX = _busybox()
pytestmark = pytest.mark.skipif(
    BUSYBOX is None or not _chroot_prefix(),
    reason="needs a static busybox with adduser/addgroup (MIGRATOR_TEST_BUSYBOX) and chroot",
)


@pytest.fixture
def wolfi_root(tmp_path: Path) -> Path:
    """A root with busybox and the /etc files of a Chainguard image (Wolfi base layout + nonroot)."""
    assert BUSYBOX is not None
    accounts = builtin_data("wolfi/accounts.yaml")
    (tmp_path / "bin").mkdir()
    (tmp_path / "etc").mkdir()
    (tmp_path / "home").mkdir()
    shutil.copy(BUSYBOX, tmp_path / "bin" / "busybox")
    for applet in APPLETS:
        (tmp_path / "bin" / applet).symlink_to("busybox")
    users = dict(accounts["users"], nonroot=65532)
    groups = dict(accounts["groups"], nonroot=65532)
    passwd = "".join(f"{name}:x:{uid}:{groups.get(name, 65533)}::/home/{name}:/bin/sh\n" for name, uid in users.items())
    (tmp_path / "etc" / "passwd").write_text(passwd.replace("/home/root", "/root"))
    (tmp_path / "etc" / "group").write_text("".join(f"{name}:x:{gid}:\n" for name, gid in groups.items()))
    (tmp_path / "etc" / "shadow").write_text("".join(f"{name}:*::0:::::\n" for name in users))
    return tmp_path


def run_in(root: Path, script: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*_chroot_prefix(), str(root), "/bin/sh", "-ec", script],
        capture_output=True, text=True, timeout=30, env={"PATH": "/bin", **(env or {})},
    )


def translated(script: str, family: str = "debian") -> str:
    result = rewrite_script(script, family, load_rules(), 1)
    assert not [f for f in result.findings if f.severity.value == "error"], result.findings
    return result.apply(script)


@pytest.mark.parametrize(
    ("original", "check", "expected"),
    [
        # issue 14: `-g 1000` with no group of that gid in the image
        ("useradd -u 1000 -g 1000 app", "id app", "uid=1000(app) gid=1000(app)"),
        ("groupadd -g 1000 web && useradd -u 1000 -g 1000 -m app", "id app", "uid=1000(app) gid=1000(web)"),
        ("groupadd -r app && useradd -r -g app -d /home/app -s /sbin/nologin -c 'Image user' app",
         "id -gn app", "app"),
        # a system user gets a group of its own name, which `chown app:app` needs
        ("useradd -r -u 999 app && mkdir /data && chown app:app /data", "id -gn app", "app"),
        ("adduser --system --group --no-create-home svc", "id -gn svc", "svc"),
        ("addgroup --system --gid 1001 nodejs && adduser --system --uid 1001 nextjs", "id -gn nextjs", "nogroup"),
        ("useradd -rm -d /home/ubuntu -s /bin/bash -g root -G sudo -u 1001 ubuntu", "id ubuntu", "groups=0(root),"),
        ("useradd -m app && usermod -aG docker,wheel app", "id -Gn app", "app wheel docker"),
        ('adduser --disabled-password --gecos "" --uid 10001 appuser', "id appuser", "uid=10001(appuser)"),
        ("useradd -ms /bin/bash appuser", "id -gn appuser", "appuser"),
        ('useradd -u "$USER_UID" -g "$USER_GID" -M "$USERNAME"', "id bob", "uid=1500(bob) gid=1500(bob)"),
        ("groupadd --gid 2000 builder && useradd --uid 2000 --gid builder --shell /bin/bash --create-home builder",
         "id builder", "uid=2000(builder) gid=2000(builder)"),
        ("adduser --disabled-password --gecos '' --home /app --uid 10001 --ingroup www-data --no-create-home web",
         "id -gn web", "www-data"),
        ("groupadd -r pg --gid=999 && useradd -r -g pg --uid=999 --home-dir=/home/pg --shell=/bin/bash pg",
         "id pg", "uid=999(pg) gid=999(pg)"),
        ("adduser --disabled-password --gecos '' --uid 1000 --gid 1000 app", "id app", "uid=1000(app) gid=1000(app)"),
        ("useradd -m old && userdel -r old && useradd -u 1000 app", "id app", "uid=1000(app)"),
        # review class 11: no home without -m (so the mkdir that follows works), Debian adduser's `-u`
        ("useradd -u 911 -d /app abc && mkdir /app", "id abc", "uid=911(abc)"),
        ("useradd app", "test ! -e /home/app && echo no-home", "no-home"),
        ("useradd -m app", "test -d /home/app && echo home", "home"),
        ('adduser --disabled-login -u 1001 --gecos "" web', "id web", "uid=1001(web)"),
        ("adduser --disabled-password -gecos '' -uid 1002 web", "id web", "uid=1002(web)"),
    ],
)
def test_translation_runs_on_busybox(wolfi_root: Path, original: str, check: str, expected: str) -> None:
    script = translated(original)
    env = {"USER_UID": "1500", "USER_GID": "1500", "USERNAME": "bob"}
    done = run_in(wolfi_root, f"{script}\n{check}", env)
    assert done.returncode == 0, (script, done.stderr)
    assert expected in done.stdout, (script, done.stdout)


@pytest.mark.parametrize(
    "original",
    [
        "addgroup -g 1001 -S nodejs && adduser -S nextjs -u 1001 -G nodejs",
        "addgroup -S app && adduser -S -D -H -G app app",
        "adduser -D -u 1000 app",
        "addgroup -S docker && adduser -S --shell /bin/bash --ingroup docker vscode",
    ],
)
def test_alpine_busybox_commands_run_unchanged(wolfi_root: Path, original: str) -> None:
    assert translated(original, family="alpine") == original
    done = run_in(wolfi_root, original)
    assert done.returncode == 0, done.stderr


def test_the_issue_reproduction_fails_as_it_was_translated_before(wolfi_root: Path) -> None:
    # the old translation of `useradd -u 1000 -g 1000 app`: busybox refuses a gid for -G
    done = run_in(wolfi_root, "adduser -D -u 1000 -G 1000 app")
    assert done.returncode != 0 and "unknown group 1000" in done.stderr


def test_deleting_the_source_images_user_is_dropped_and_the_rest_runs(wolfi_root: Path) -> None:
    # ubuntu:24.04 ships `ubuntu` (uid 1000); Wolfi has no such user, so busybox's deluser would fail
    from migrator.api import migrate_text
    from migrator.model import Options

    text = "FROM ubuntu:24.04\nRUN userdel -r ubuntu && useradd -m -u 1000 app\nUSER app\nCMD [\"sleep\", \"1\"]\n"
    result = migrate_text(text, Options())
    [run] = [line[4:] for line in result.dockerfile.splitlines() if line.startswith("RUN ")]
    assert "deluser" not in run
    done = run_in(wolfi_root, f"{run}\nid app")
    assert done.returncode == 0 and "uid=1000(app)" in done.stdout, (run, done.stderr)


@pytest.mark.parametrize(
    ("dockerfile", "check", "expected"),
    [
        ("FROM php:8.2-apache\nRUN usermod -u 1000 www-data && groupmod -g 1000 www-data && chown -R www-data /srv\n",
         "id www-data && ls -ln /srv", "uid=1000(www-data) gid=1000(www-data)"),
        ("FROM php:8.2-fpm\nRUN groupmod -o -g 1001 www-data && usermod -o -u 1000 -d /home/www -s /bin/bash www-data\n",
         "id www-data && grep ^www-data: /etc/passwd", "uid=1000(www-data) gid=1001(www-data)"),
        ("FROM php:8.2-fpm\nARG PUID=1000\nARG PGID=1000\nRUN usermod -u $PUID www-data && groupmod -g ${PGID} www-data"
         "\nCOPY --chown=www-data . /srv\n", "id www-data", "uid=1500(www-data) gid=1600(www-data)"),
        ("FROM ubuntu:22.04\nRUN useradd -m app && usermod -u 2000 -d /srv/app -s /bin/bash app && groupmod -g 3000 app"
         "\nCMD [\"bash\"]\n", "id app && test -d /srv/app", "uid=2000(app) gid=3000(app)"),
        ("FROM debian:12\nARG PUID=1000\nRUN useradd -r app && usermod -o -u \"$PUID\" app\nCMD [\"sh\"]\n",
         "id app", "uid=1500(app)"),
        ("FROM debian:12\nRUN groupadd -g 1000 devs && useradd -m app && usermod -g 1000 app\nCMD [\"sh\"]\n",
         "id app", "gid=1000(devs)"),
    ],
)
def test_folded_usermod_and_groupmod_run_on_busybox(wolfi_root: Path, dockerfile: str, check: str,
                                                     expected: str) -> None:
    """usermod/groupmod of a user migrator creates become its adduser (MIG420): the migrated RUN lines
    create the user with the uid, gid, home and shell the original commands gave it."""
    from migrator.api import migrate_text
    from migrator.model import Options

    result = migrate_text(dockerfile, Options())
    builder = builder_stage(result)
    runs = [line[4:] for line in builder.splitlines() if line.startswith("RUN ") and "apk add" not in line]
    assert runs and not any("usermod" in run or "groupmod" in run for run in runs), builder
    done = run_in(wolfi_root, "mkdir -p /srv\n" + "\n".join([*runs, check]), {"PUID": "1500", "PGID": "1600"})
    assert done.returncode == 0, (runs, done.stderr)
    assert expected in done.stdout, (runs, done.stdout)
