"""One small offline app per ecosystem, written as a user writes it for the upstream images
(tests/engine/apps/*), migrated by the tool onto the loopback stand-ins, then validated for real:
built for linux/amd64 and linux/arm64 (QEMU) and smoke-run, each run printing the CPU it ran on.

Every app runs through the engine's BuildKit and through buildah (chroot isolation, no network:
`--network none`). .NET has no Debian packages to make stand-ins from: no .NET app here.

A migration the tool gets wrong stays as the user wrote it and is marked
`xfail(strict=True, reason="migrator defect: ...")`: when the migrator is fixed the test passes,
strict xfail fails, and the mark must go.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from migrator.api import migrate_text
from migrator.model import Options

from .conftest import APPS, DOCKER, Timing, leftovers, migrate

pytestmark = pytest.mark.engine

BOTH = ("linux/amd64", "linux/arm64")
SAMPLES = Path(__file__).resolve().parents[2] / "samples"
UNAME = {"linux/amd64": "x86_64", "linux/arm64": "aarch64"}
GOARCH = {"linux/amd64": "amd64", "linux/arm64": "arm64"}
JAVA_ARCH = {"linux/amd64": "amd64", "linux/arm64": "aarch64"}


@dataclass(frozen=True)
class App:
    name: str
    source: Path
    images: tuple[str, ...]  # the Chainguard images the migrated file must build on
    arch: dict[str, str]  # platform -> the "arch" the app prints there
    greeting: str
    server: bool = False  # keeps running (nginx): its page is checked instead of its output
    translated: tuple[str, ...] = ()  # lines the migrated file must contain
    uid: int | None = 65532  # the uid the app runs as, when it prints one
    ready: str | None = None  # what a server logs once it serves
    defect: str | None = None  # a migrator defect: the test is a strict xfail
    extra: dict[str, object] = field(default_factory=dict)


ECOSYSTEM_APPS = [
    App("python", SAMPLES / "python-offline-app", ("python:latest-dev", "python:latest"), UNAME,
        "hello from a package installed offline", extra={"venv": True}),
    App("go", APPS / "go-cli", ("go:latest-dev", "glibc-dynamic:latest"), GOARCH, "hello from go"),
    App("node", APPS / "node-cli", ("node:latest-dev", "node:latest"), UNAME, "hello from node"),
    App("java", APPS / "java-cli", ("jdk:latest-dev", "jre:latest"), JAVA_ARCH, "hello from java"),
    # ruby:latest-dev ships bundler: `bundle install` needs no download of it (the build has no network)
    App("ruby", APPS / "ruby-cli", ("ruby:latest-dev", "ruby:latest"), UNAME, "hello from ruby"),
    App("php", APPS / "php-cli", ("php:latest-dev", "php:latest"), UNAME, "hello from php"),
    App("php-fpm", APPS / "php-fpm", ("php:latest-fpm-dev", "php:latest-fpm"), UNAME, "hello from php-fpm",
        server=True, ready="ready to handle connections"),
    App("static-site", APPS / "static-site", ("node:latest-dev", "nginx:latest"), UNAME,
        "hello from a static site", server=True, translated=("EXPOSE 8080",)),
    App("debian-apt", APPS / "debian-c", ("wolfi-base:latest", "glibc-dynamic:latest"), UNAME, "hello from c",
        translated=("RUN apk add --no-cache build-base ca-certificates curl",)),
    # a shell-script entrypoint keeps one stage with a shell (chainguard-base: --registry is taken for
    # an organisation's registry) and runs as the user the script's image creates
    App("ubuntu-script", APPS / "ubuntu-script", ("chainguard-base:latest",), UNAME, "hello from a shell script",
        translated=("RUN apk add --no-cache curl jq ca-certificates",), uid=None),
]  # fmt: skip

ENGINES = ["buildkit", "buildah"]


def _param(app: App) -> object:
    marks = [pytest.mark.xfail(strict=True, reason=app.defect)] if app.defect else []
    return pytest.param(app, id=app.name, marks=marks)


def migrated_app(app: App, tmp_path: Path, registry: str) -> tuple[Path, Path]:
    """Copy the app, migrate its Dockerfile onto the stand-ins (`--registry`) with its build context, check
    the images."""
    ctx = tmp_path / app.name
    shutil.copytree(app.source, ctx, ignore=shutil.ignore_patterns("Dockerfile.migrated", "findings.txt"))
    # the build context on disk, as `migrate Dockerfile` reads it beside the file (an nginx config, a script)
    result = migrate_text((ctx / "Dockerfile").read_text(), Options(registry=registry, context=ctx), "Dockerfile")
    froms = [line.split()[1] for line in result.dockerfile.splitlines() if line.upper().startswith("FROM ")]
    for image in app.images:
        assert f"{registry}/{image}" in froms, result.dockerfile
    for line in app.translated:
        assert line in result.dockerfile.splitlines(), result.dockerfile
    migrated = ctx / "Dockerfile.migrated"
    migrated.write_text(result.dockerfile)
    return ctx, migrated


def engine_available(engine: str) -> None:
    if engine == "buildah" and shutil.which("buildah") is None:
        pytest.skip("buildah is not installed (scripts/test-env up installs it)")


def validate_args(engine: str, app: App) -> list[str]:
    args = ["--platform", ",".join(BOTH), "--json", "--engine", engine]
    if engine == "buildah":
        # chroot isolation: --network none makes validate build in a namespace without a network
        args += ["--network", "none"]
        if app.server:
            # `buildah run` gives a nonroot process no /dev/stdout it may open, and nginx logs
            # there: build only; the page is checked through docker (test_static_site_serves_...)
            args.append("--no-smoke")
    if app.server:
        args += ["--timeout", "5"]  # a server still running then has started
    return args


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("app", [_param(a) for a in ECOSYSTEM_APPS])
def test_migrated_app_builds_and_runs_on_both_platforms(app: App, engine: str, tmp_path, registry, timings):
    engine_available(engine)
    ctx, migrated = migrated_app(app, tmp_path, registry)
    out = migrate("validate", str(migrated), "--context", str(ctx), *validate_args(engine, app))
    data = out.data
    assert data is not None, out.stdout + out.stderr
    for p in data["platforms"]:
        smoke = p.get("smoke") or {}
        timings.append(Timing(app.name, engine, p["platform"], p["status"], p["seconds"], smoke.get("seconds")))
    assert data["builder"]["name"] == engine
    by_platform = {p["platform"]: p for p in data["platforms"]}
    failures = {k: (p["error"] or {}).get("log_tail") for k, p in by_platform.items() if p["status"] != "ok"}
    assert out.code == 0 and not failures, json.dumps(failures, indent=1)[-4000:] + out.stderr[-2000:]
    assert [f for f in data["static"] if f["severity"] == "error"] == []
    for plat in BOTH:
        p = by_platform[plat]
        assert p["size_bytes"] and p["layers"] >= 1
        smoke = p["smoke"]
        if app.server:
            if engine != "buildah":
                assert smoke["started"] is True and smoke["exit_code"] is None, smoke  # still serving at the timeout
                assert app.ready is None or app.ready in smoke["output"], smoke
            continue
        assert smoke["exit_code"] == 0 and smoke["started"] is True, smoke
        printed = json.loads(smoke["output"].strip().splitlines()[-1])
        assert printed["arch"] == app.arch[plat]
        assert printed["greeting"] == app.greeting
        if "uid" in printed and app.uid is not None:
            assert printed["uid"] == app.uid  # the distroless runtime's nonroot user
        for key, value in app.extra.items():
            assert printed[key] == value
    assert leftovers() == ([], [])


SITES = [
    # the page says which CPU built it (the node stage runs under QEMU for arm64)
    pytest.param(
        App("static-site", APPS / "static-site", ("node:latest-dev", "nginx:latest"), UNAME,
            "hello from a static site", server=True, extra={"built": {"amd64": "x86_64", "arm64": "aarch64"}}),
        id="static-site"),
    # the user's own server block for the upstream image (listen 80): the builder rewrites it to 8080
    pytest.param(
        App("nginx-conf", APPS / "nginx-conf", ("nginx:latest",), UNAME,
            "hello from a static site with its own nginx config", server=True, translated=("EXPOSE 8080",)),
        id="nginx-conf"),
]  # fmt: skip


@pytest.mark.parametrize("app", SITES)
def test_static_site_serves_its_pages_on_8080_on_both_platforms(app: App, tmp_path, registry):
    """nginx from the migrated file serves the site on 8080, the port the migrated file exposes and
    Chainguard's nginx listens on, on both platforms."""
    ctx, migrated = migrated_app(app, tmp_path, registry)
    out = migrate("validate", str(migrated), "--context", str(ctx), "--platform", ",".join(BOTH), "--json",
                  "--engine", "buildkit", "--keep", "--timeout", "5")  # fmt: skip
    images, containers = leftovers()
    try:
        assert out.code == 0, out.stdout[-3000:] + out.stderr[-2000:]
        assert len(containers) == 2  # --keep: both nginx smoke containers still serve
        helper = registry + "/busybox:latest"
        pages = {}
        for cid in containers:
            arch = _docker(["inspect", "--format", "{{.Image}}", cid]).strip()
            arch = _docker(["image", "inspect", "--format", "{{.Architecture}}", arch]).strip()
            got = subprocess.run([DOCKER, "run", "--rm", "--network", f"container:{cid}", helper,
                                  "wget", "-q", "-O", "-", "http://127.0.0.1:8080/"],
                                 capture_output=True, text=True, timeout=120)  # fmt: skip
            pages[arch] = got.stdout if got.returncode == 0 else f"wget failed: {got.stderr}"
        assert set(pages) == {"amd64", "arm64"}
        for arch, page in pages.items():
            assert app.greeting in page, page
            built = app.extra.get("built")
            if isinstance(built, dict):
                assert f"built on {built[arch]}" in page
    finally:
        if containers:
            _docker(["rm", "-f", *containers], check=False)
        if images:
            _docker(["rmi", "-f", *images], check=False)
    assert leftovers() == ([], [])


def _docker(args: list[str], check: bool = True) -> str:
    p = subprocess.run([DOCKER, *args], capture_output=True, text=True, timeout=300)
    if check:
        assert p.returncode == 0, p.stderr
    return p.stdout


ORIGINALS = {  # app -> (shell in the migrated runtime, original runs as root)
    "go": (False, True),
    "node": (True, False),  # the original says USER node; Chainguard's node runtime has busybox sh
    "java": (False, True),
}


def on_twins(dockerfile: str, host: str) -> str:
    """The original, its Docker Hub images pointed at their loopback twins (host/library/NAME)."""
    out = []
    for line in dockerfile.splitlines():
        parts = line.split()
        if len(parts) >= 2 and parts[0].upper() == "FROM" and "/" not in parts[1]:
            line = line.replace(parts[1], f"{host}/library/{parts[1]}", 1)
        out.append(line)
    return "\n".join(out) + "\n"


@pytest.mark.parametrize("name", sorted(ORIGINALS))
def test_original_comparison_beyond_python(name: str, tmp_path, registry):
    """`migrate validate --original`: the upstream-style original (a Debian twin of golang, node or
    eclipse-temurin) is built too and compared with the migration."""
    app = next(a for a in ECOSYSTEM_APPS if a.name == name)
    ctx, migrated = migrated_app(app, tmp_path, registry)
    original = ctx / "Dockerfile.original"
    original.write_text(on_twins((ctx / "Dockerfile").read_text(), registry.split("/", 1)[0]))
    out = migrate("validate", str(migrated), "--context", str(ctx), "--platform", "linux/amd64",
                  "--original", str(original), "--json", "--engine", "buildkit")  # fmt: skip
    assert out.code == 0, out.stdout[-3000:] + out.stderr[-2000:]
    comp = out.data["comparison"]
    orig, mig = comp["original"], comp["migrated"]
    assert orig["status"] == "ok" and mig["status"] == "ok", comp
    shell, original_root = ORIGINALS[name]
    assert orig["shell"] is True and mig["shell"] is shell
    assert {"apt", "dpkg"} <= set(orig["package_managers"]) and mig["package_managers"] == []
    assert orig["runs_as_root"] is original_root and mig["runs_as_root"] is False
    assert isinstance(comp["size_change_bytes"], int)
    if name == "go":
        assert mig["size_bytes"] < orig["size_bytes"] / 10  # a binary on glibc-dynamic, not a toolchain
    assert leftovers() == ([], [])


# A FastCGI request for /var/www/html/index.php, from PHP itself (the php stand-in is the client):
# what nginx would send php-fpm. Prints the response body.
FASTCGI_GET = r"""
$s = fsockopen('127.0.0.1', 9000, $errno, $errstr, 10) or exit("connect: $errstr\n");
function record($type, $body) { return pack('CCnnCx', 1, $type, 1, strlen($body), 0) . $body; }
function pair($k, $v) { return chr(strlen($k)) . chr(strlen($v)) . $k . $v; }
$params = '';
foreach (['SCRIPT_FILENAME' => '/var/www/html/index.php', 'SCRIPT_NAME' => '/index.php', 'REQUEST_METHOD' => 'GET',
          'SERVER_PROTOCOL' => 'HTTP/1.1', 'GATEWAY_INTERFACE' => 'CGI/1.1'] as $k => $v) { $params .= pair($k, $v); }
fwrite($s, record(1, pack('nCxxxxx', 1, 0)) . record(4, $params) . record(4, '') . record(5, ''));
$out = '';
while (strlen($head = stream_get_contents($s, 8)) == 8) {
    $h = unpack('Cversion/Ctype/nid/nlength/Cpadding/Creserved', $head);
    $body = $h['length'] ? stream_get_contents($s, $h['length']) : '';
    if ($h['padding']) { stream_get_contents($s, $h['padding']); }
    if ($h['type'] == 6) { $out .= $body; }
    if ($h['type'] == 3) { break; }
}
echo substr($out, strpos($out, "\r\n\r\n") + 4);
"""


def test_php_fpm_answers_fastcgi_on_both_platforms(tmp_path, registry):
    """php-fpm from the migrated file answers a FastCGI request on port 9000, on both platforms,
    running the copied script (which says where it runs)."""
    app = next(a for a in ECOSYSTEM_APPS if a.name == "php-fpm")
    ctx, migrated = migrated_app(app, tmp_path, registry)
    out = migrate("validate", str(migrated), "--context", str(ctx), "--platform", ",".join(BOTH), "--json",
                  "--engine", "buildkit", "--keep", "--timeout", "5")  # fmt: skip
    images, containers = leftovers()
    try:
        assert out.code == 0, out.stdout[-3000:] + out.stderr[-2000:]
        assert len(containers) == 2  # --keep: both php-fpm smoke containers still serve
        answers = {}
        for cid in containers:
            image = _docker(["inspect", "--format", "{{.Image}}", cid]).strip()
            arch = _docker(["image", "inspect", "--format", "{{.Architecture}}", image]).strip()
            got = subprocess.run([DOCKER, "run", "--rm", "--network", f"container:{cid}", registry + "/php:latest",
                                  "-r", FASTCGI_GET], capture_output=True, text=True, timeout=120)  # fmt: skip
            answers[arch] = json.loads(got.stdout) if got.returncode == 0 else got.stderr
        assert answers == {
            "amd64": {"arch": "x86_64", "greeting": app.greeting},
            "arm64": {"arch": "aarch64", "greeting": app.greeting},
        }
    finally:
        if containers:
            _docker(["rm", "-f", *containers], check=False)
        if images:
            _docker(["rmi", "-f", *images], check=False)
    assert leftovers() == ([], [])


def test_syntax_directive_builds_offline_with_the_builtin_frontend(tmp_path, registry):
    """`# syntax=docker/dockerfile:1` names a frontend image on Docker Hub, which this machine cannot
    reach: validate builds both platforms with the engine's built-in frontend and says so (MIG625),
    where every build failed at BuildKit's first step with its raw log."""
    app = next(a for a in ECOSYSTEM_APPS if a.name == "go")
    ctx, migrated = migrated_app(app, tmp_path, registry)
    migrated.write_text("# syntax=docker/dockerfile:1\n" + migrated.read_text())
    out = migrate("validate", str(migrated), "--context", str(ctx), "--platform", ",".join(BOTH), "--json",
                  "--engine", "buildkit")  # fmt: skip
    assert out.code == 0, out.stdout[-3000:] + out.stderr[-2000:]
    assert [p["status"] for p in out.data["platforms"]] == ["ok", "ok"]
    notes = [f for f in out.data["static"] if f["code"] == "MIG625"]
    assert len(notes) == 1 and notes[0]["line"] == 1 and "docker/dockerfile:1" in notes[0]["message"]
    for p in out.data["platforms"]:
        assert json.loads(p["smoke"]["output"].strip().splitlines()[-1])["greeting"] == app.greeting
    assert leftovers() == ([], [])


@pytest.mark.parametrize("engine", ENGINES)
def test_a_golang_stage_kept_on_wolfi_base_builds_with_its_script_on_both_platforms(engine, tmp_path, registry):
    """`FROM golang` + `RUN ./build.sh` (a script the tool cannot read: no build context, as from stdin) +
    a start script: one stage on wolfi-base (chainguard-base for --registry) that keeps go from apk, so the
    script's `go build` runs; it had bash only and the build failed with `go: not found`."""
    engine_available(engine)
    ctx = tmp_path / "go-script"
    shutil.copytree(APPS / "go-script", ctx)
    result = migrate_text((ctx / "Dockerfile").read_text(), Options(registry=registry), "-")
    lines = result.dockerfile.splitlines()
    assert lines[0] == f"FROM {registry}/chainguard-base:latest"
    assert "go" in lines[1].removeprefix("RUN apk add --no-cache ").split(), result.dockerfile
    migrated = ctx / "Dockerfile.migrated"
    migrated.write_text(result.dockerfile)
    args = ["--platform", ",".join(BOTH), "--json", "--engine", engine]
    args += ["--network", "none"] if engine == "buildah" else []
    out = migrate("validate", str(migrated), "--context", str(ctx), *args)
    failures = {p["platform"]: (p["error"] or {}).get("log_tail") for p in (out.data or {}).get("platforms", [])
                if p["status"] != "ok"}
    assert out.code == 0 and not failures, json.dumps(failures, indent=1)[-4000:] + out.stdout[-2000:]
    for p in out.data["platforms"]:
        printed = json.loads(p["smoke"]["output"].strip().splitlines()[-1])
        assert printed["arch"] == GOARCH[p["platform"]] and printed["greeting"] == "hello from go, built by a script"
    assert leftovers() == ([], [])
