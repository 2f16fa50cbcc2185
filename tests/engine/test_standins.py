"""The stand-ins behave like the real Chainguard images where a migration depends on it: their
configuration (user, entrypoint, command, working directory), where their programs are, whether
they have a shell and apk, and how their apk answers. A stand-in more permissive than the real
image would hide migrator defects; these tests keep them honest. Facts: shared/docs/chainguard-facts.md
and Chainguard's published image specifications."""

from __future__ import annotations

import subprocess
from dataclasses import dataclass, field

import pytest

from .conftest import DOCKER

pytestmark = pytest.mark.engine

NGINX_CMD = ["-c", "/etc/nginx/nginx.conf", "-e", "/dev/stderr", "-g", "daemon off;"]


@dataclass(frozen=True)
class Layout:
    image: str
    user: str  # "" (root) or "65532"
    entrypoint: list[str] | None
    cmd: list[str] | None
    workdir: str
    account: str  # the user's name in /etc/passwd
    shell: bool
    apk: bool
    paths: tuple[str, ...] = ()  # must exist
    absent: tuple[str, ...] = ()  # must not exist
    env: dict[str, str] = field(default_factory=dict)


LAYOUTS = [
    Layout("static:latest", "65532", None, None, "", "nonroot", False, False,
           ("/etc/ssl/certs/ca-certificates.crt", "/usr/share/zoneinfo/UTC"), ("/usr/lib/libc.so.6",)),
    Layout("glibc-dynamic:latest", "65532", None, None, "", "nonroot", False, False,
           ("/usr/lib/libc.so.6", "/usr/lib/libstdc++.so.6")),
    Layout("busybox:latest", "65532", None, None, "", "nonroot", True, False,
           ("/usr/sbin/adduser", "/usr/sbin/addgroup", "/usr/bin/install")),
    Layout("wolfi-base:latest", "", None, ["/bin/sh", "-l"], "", "nonroot", True, True),
    Layout("python:latest", "65532", ["/usr/bin/python"], None, "", "nonroot", False, False,
           ("/usr/bin/python3",), ("/usr/bin/pip",)),
    Layout("python:latest-dev", "65532", ["/usr/bin/python"], None, "", "nonroot", True, True,
           ("/usr/bin/pip", "/usr/bin/gcc", "/usr/bin/git")),
    Layout("go:latest", "", ["/usr/bin/go"], ["help"], "", "nonroot", True, False,
           ("/usr/lib/go/bin/go", "/usr/bin/gcc", "/usr/bin/git")),
    Layout("go:latest-dev", "", ["/usr/bin/go"], ["help"], "", "nonroot", True, True, ("/usr/bin/go",)),
    Layout("node:latest", "65532", ["/usr/bin/node"], ["--help"], "/app", "node", True, False,
           ("/usr/bin/npm", "/usr/bin/dumb-init"), ("/usr/bin/gcc",), {"NPM_CONFIG_UPDATE_NOTIFIER": "false"}),
    Layout("node:latest-dev", "65532", ["/usr/bin/node"], ["--help"], "/app", "node", True, True,
           ("/usr/bin/gcc", "/usr/bin/make")),
    Layout("jre:latest", "65532", ["/usr/bin/java"], None, "/app", "java", False, False,
           ("/usr/lib/jvm/default-jvm/bin/java",), ("/usr/bin/javac",), {"JAVA_HOME": "/usr/lib/jvm/default-jvm"}),
    Layout("jdk:latest", "65532", None, None, "/home/build", "java", True, False, ("/usr/bin/javac", "/usr/bin/jar")),
    Layout("jdk:latest-dev", "65532", None, None, "/home/build", "java", True, True, ("/usr/bin/javac",)),
    Layout("ruby:latest", "65532", ["/usr/bin/ruby"], ["--version"], "/work", "nonroot", False, False,
           ("/usr/bin/gem",), ("/usr/bin/bundle",)),
    Layout("ruby:latest-dev", "65532", ["/usr/bin/ruby"], ["--version"], "/work", "nonroot", True, True,
           ("/usr/bin/bundle", "/usr/bin/gcc")),
    Layout("php:latest", "65532", ["/bin/php"], None, "/app", "php", False, False,
           ("/usr/bin/php", "/etc/php/php.ini", "/etc/php/conf.d")),
    Layout("php:latest-dev", "65532", ["/bin/php"], None, "/app", "php", True, True, ("/usr/bin/composer",)),
    Layout("php:latest-fpm", "65532", ["/bin/s6-svscan", "/sv"], None, "/app", "php", False, False,
           ("/usr/sbin/php-fpm", "/sv/php-fpm/run", "/etc/php/php-fpm.conf", "/etc/php/php-fpm.d/www.conf")),
    Layout("php:latest-fpm-dev", "65532", ["/bin/s6-svscan", "/sv"], None, "/app", "php", True, True,
           ("/usr/bin/composer",)),
    Layout("chainguard-base:latest", "", None, ["/bin/sh", "-l"], "", "nonroot", True, True),
    Layout("nginx:latest", "65532", ["/usr/sbin/nginx"], NGINX_CMD, "", "nginx", False, False,
           ("/etc/nginx/conf.d/nginx.default.conf", "/usr/share/nginx/html/index.html")),
    Layout("nginx:latest-dev", "65532", ["/usr/sbin/nginx"], NGINX_CMD, "", "nginx", True, True),
]  # fmt: skip

SHELLS = ("/bin/sh", "/usr/bin/sh")
APK = ("/usr/sbin/apk", "/sbin/apk")


def docker(*args: str, check: bool = True, timeout: float = 600) -> subprocess.CompletedProcess[str]:
    p = subprocess.run([DOCKER, *args], capture_output=True, text=True, timeout=timeout)
    if check:
        assert p.returncode == 0, p.stderr
    return p


@pytest.fixture(scope="module")
def pulled(registry):
    """Pull each stand-in once (amd64, the machine's own platform) and remove it afterwards."""
    refs = []

    def pull(image: str) -> str:
        ref = f"{registry}/{image}"
        if ref not in refs:
            docker("pull", "-q", "--platform", "linux/amd64", ref)
            refs.append(ref)
        return ref

    yield pull
    if refs:
        docker("rmi", "-f", *refs, check=False)


def exists(container: str, path: str) -> bool:
    p = subprocess.run([DOCKER, "cp", f"{container}:{path}", "-"], stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL, timeout=120, check=False)  # fmt: skip
    return p.returncode == 0


@pytest.mark.parametrize("layout", LAYOUTS, ids=[x.image for x in LAYOUTS])
def test_standin_has_the_layout_of_the_real_image(layout: Layout, pulled):
    import json

    ref = pulled(layout.image)
    config = json.loads(docker("image", "inspect", "--format", "{{json .Config}}", ref).stdout)
    assert (config.get("User") or "") == layout.user
    assert config.get("Entrypoint") == layout.entrypoint
    assert config.get("Cmd") == layout.cmd
    assert (config.get("WorkingDir") or "") == layout.workdir
    env = dict(e.split("=", 1) for e in config.get("Env") or [])
    assert env["PATH"] == "/usr/local/sbin:/usr/local/bin:/usr/bin:/usr/sbin:/sbin:/bin"
    assert env["SSL_CERT_FILE"] == "/etc/ssl/certs/ca-certificates.crt"
    for k, v in layout.env.items():
        assert env.get(k) == v
    cid = docker("create", "--network", "none", ref, "/nothing").stdout.strip()
    try:
        assert any(exists(cid, s) for s in SHELLS) == layout.shell
        assert any(exists(cid, a) for a in APK) == layout.apk
        for path in layout.paths:
            assert exists(cid, path), path
        for path in layout.absent:
            assert not exists(cid, path), path
        passwd = subprocess.run([DOCKER, "cp", f"{cid}:/etc/passwd", "-"], capture_output=True, timeout=60,
                                check=True).stdout.decode(errors="replace")  # a tar archive of the file
        uid = "0" if layout.user == "" else layout.user
        assert f"{layout.account}:x:65532:65532:" in passwd
        if uid == "65532":
            assert "nonroot" in passwd or layout.account != "nonroot"
    finally:
        docker("rm", "-f", cid, check=False)


def run_in(ref: str, script: str, user: str | None = None) -> subprocess.CompletedProcess[str]:
    args = ["run", "--rm", "--network", "none"]
    if user:
        args += ["--user", user]
    return docker(*args, "--entrypoint", "/bin/sh", ref, "-c", script, check=False)


def test_apk_needs_root_like_wolfis(pulled):
    p = run_in(pulled("python:latest-dev"), "apk add --no-cache curl")
    assert p.returncode == 99
    assert p.stderr.splitlines() == [
        "ERROR: Unable to lock database: Permission denied",
        "ERROR: Failed to open apk database: Permission denied",
    ]


def test_apk_refuses_names_wolfi_lacks_with_apks_message(pulled):
    script = "apk add --no-cache curl build-essential libpq-dev; echo rc=$?; command -v curl"
    p = run_in(pulled("wolfi-base:latest"), script)
    assert "rc=2" in p.stdout  # apk-tools exits with the number of errors
    assert p.stderr.splitlines() == [
        "ERROR: unable to select packages:",
        "  build-essential (no such package):",
        "    required by: world[build-essential]",
        "  libpq-dev (no such package):",
        "    required by: world[libpq-dev]",
    ]
    assert "/curl" not in p.stdout  # nothing installed: the whole command failed


def test_apk_installs_groups_and_deletes_them(pulled):
    script = (
        "apk add --no-cache --virtual .build-deps jq zip >/dev/null && jq --version && command -v zip"
        " && apk del .build-deps >/dev/null && test ! -e /usr/bin/jq && test ! -e /usr/bin/zip && echo removed"
        " && apk add --no-cache 'openssl-dev>3' postgresql-dev >/dev/null && test -e /usr/include/openssl/ssl.h"
        " && ls /usr/lib/libpq.so.5 && echo headers"
    )
    p = run_in(pulled("wolfi-base:latest"), script)
    assert p.returncode == 0, p.stdout + p.stderr
    assert p.stdout.splitlines()[0].startswith("jq-")
    assert "removed" in p.stdout and "headers" in p.stdout


def test_apk_says_when_a_wolfi_package_is_beyond_the_stand_in(pulled):
    p = run_in(pulled("wolfi-base:latest"), "apk add --no-cache nodejs")
    assert p.returncode == 1
    assert "nodejs: a Wolfi package the migrator's offline apk stand-in cannot install" in p.stderr


def test_busybox_account_applets_need_root_and_work(pulled):
    ref = pulled("wolfi-base:latest")
    # busybox's own applets, as in Wolfi (scripts/standins/busybox.sh), not imitations
    p = run_in(ref, "for a in adduser addgroup deluser delgroup install nohup; do readlink $(command -v $a); done")
    assert p.returncode == 0 and p.stdout.split() == ["/bin/busybox"] * 6, p.stdout + p.stderr
    p = run_in(ref, "adduser -D -u 10001 app && addgroup -S web && addgroup app web && id app && ls -d /home/app")
    assert p.returncode == 0, p.stderr
    assert p.stdout.startswith("uid=10001(app) gid=10001(app) groups=10001(app),") and "(web)" in p.stdout
    p = run_in(ref, "adduser -D someone", user="65532")
    assert p.returncode == 1 and "permission denied (are you root?)" in p.stderr
