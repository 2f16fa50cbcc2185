#!/usr/bin/env python3
"""Build the stand-in images for the engine tests, offline, from Debian packages.

The real Chainguard images (and Docker Hub's python images) cannot be pulled on the test
machines, so `scripts/test-env up` builds look-alikes from Debian bookworm packages and pushes
them as multi-arch (amd64 + arm64) manifests to the loopback registry:

    127.0.0.1:5000/chainguard/python:latest-dev   busybox sh + bash, python, pip, venv; USER 65532
    127.0.0.1:5000/chainguard/python:latest       interpreter only: no shell, no pip; USER 65532
    127.0.0.1:5000/chainguard/static:latest       ca-certificates, tzdata, passwd; no libc
    127.0.0.1:5000/chainguard/glibc-dynamic:latest  glibc, libgcc, libstdc++
    127.0.0.1:5000/chainguard/wolfi-base:latest   busybox sh, glibc, certificates; root
    127.0.0.1:5000/library/python:3.12-slim       Debian-style: dash/bash, apt, dpkg, python3, pip; root

Python is Debian bookworm's python3.11, not the 3.12/3.13 of the real images: the tests only
depend on the layout (interpreter at /usr/bin/python3.X with `python`/`python3` links, the
entrypoint, the user, a working `python -m venv` in the -dev image).

Steps, each cached under --cache (keyed by --key, a hash of this directory computed by
scripts/test-env):
  debs/<arch>/*.deb             `apt-get download` (arch "all" packages go to debs/all)
  rootfs/<key>/<image>-<arch>.tar  the packages unpacked with `dpkg-deb`, plus passwd/group etc.
Then, unless --rootfs-only: one `docker build` per image and architecture (FROM scratch + ADD
the tarball), `docker push`, and `docker manifest create/push --insecure` to join them.

Every external command is run with an argument list, never through a shell.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

ARCHES = ("amd64", "arm64")
DEB_ARCH_TO_QEMU = {"amd64": "x86_64", "arm64": "aarch64"}

# Every image of Chainguard's has this PATH and SSL_CERT_FILE (see shared/docs/chainguard-facts.md).
CG_ENV = {
    "PATH": "/usr/local/sbin:/usr/local/bin:/usr/bin:/usr/sbin:/sbin:/bin",
    "SSL_CERT_FILE": "/etc/ssl/certs/ca-certificates.crt",
}

GLIBC = ["libc6", "libgcc-s1", "gcc-12-base"]
CERTS_TZ = ["ca-certificates", "tzdata"]
# python3.11 and the libraries its standard library modules load (ssl, sqlite3, ctypes, dbm,
# readline, curses, lzma, bz2, uuid, crypt, nis): a working stdlib, like the real image.
PYTHON_RUNTIME = [
    *GLIBC,
    *CERTS_TZ,
    "media-types",
    "python3.11-minimal",
    "libpython3.11-minimal",
    "libpython3.11-stdlib",
    "libexpat1",
    "zlib1g",
    "libffi8",
    "libssl3",
    "libbz2-1.0",
    "liblzma5",
    "libsqlite3-0",
    "libuuid1",
    "libncursesw6",
    "libtinfo6",
    "libreadline8",
    "readline-common",
    "libcrypt1",
    "libdb5.3",
    "libnsl2",
    "libtirpc3",
    "libtirpc-common",
    "libgssapi-krb5-2",
    "libkrb5-3",
    "libk5crypto3",
    "libkrb5support0",
    "libkeyutils1",
    "libcom-err2",
]
# -dev: the runtime plus pip, the ensurepip pip wheel (so `python -m venv` works offline), a busybox
# shell and tools, and bash. The real -dev also has apk-tools, git and build-base: not here.
PYTHON_DEV = [
    *PYTHON_RUNTIME,
    "python3.11-venv",
    "python3-pip-whl",
    "python3-pip",
    "python3-setuptools",
    "python3-pkg-resources",
    "python3-wheel",
    "python3-distutils",
    "python3-lib2to3",
    "busybox",
    "bash",
]
# A Debian "slim" root: the Priority: required set, apt, python3 and pip. Dependencies are
# resolved by apt (see resolve_closure), so this is only the top of the tree.
DEBIAN_SLIM_TOP = [
    "base-files",
    "base-passwd",
    "bash",
    "bsdutils",
    "coreutils",
    "dash",
    "debconf",
    "debianutils",
    "diffutils",
    "dpkg",
    "findutils",
    "grep",
    "gzip",
    "hostname",
    "init-system-helpers",
    "libc-bin",
    "login",
    "mawk",
    "ncurses-base",
    "ncurses-bin",
    "perl-base",
    "sed",
    "sysvinit-utils",
    "tar",
    "util-linux",
    "apt",
    "ca-certificates",
    "netbase",
    "tzdata",
    "python3",
    "python3-pip",
]

PASSWD_CG = (
    "root:x:0:0:root:/root:/bin/sh\n"
    "nobody:x:65534:65534:nobody:/nonexistent:/sbin/nologin\n"
    "nonroot:x:65532:65532:nonroot:/home/nonroot:/bin/sh\n"
)
GROUP_CG = "root:x:0:\nnobody:x:65534:\nnonroot:x:65532:\n"
OS_RELEASE_CG = (
    'ID=wolfi\nNAME="Wolfi"\nPRETTY_NAME="migrator test stand-in for a Chainguard image (Debian bookworm packages)"\n'
)


@dataclass
class Image:
    name: str  # key used for file names
    repo: str  # repository under the registry, e.g. chainguard/python
    tags: list[str]
    packages: list[str]
    resolve: bool = False  # resolve the dependency closure with apt
    user: str = ""
    workdir: str = ""
    entrypoint: list[str] | None = None
    cmd: list[str] | None = None
    env: dict[str, str] = field(default_factory=dict)
    busybox: bool = False
    python_links: bool = False
    pip_links: bool = False
    chainguard: bool = True  # passwd/group with nonroot 65532, os-release, status.d


IMAGES = [
    Image(
        "python-dev",
        "chainguard/python",
        ["latest-dev"],
        PYTHON_DEV,
        user="65532",
        entrypoint=["/usr/bin/python"],
        env=dict(CG_ENV),
        busybox=True,
        python_links=True,
        pip_links=True,
    ),
    Image(
        "python",
        "chainguard/python",
        ["latest"],
        PYTHON_RUNTIME,
        user="65532",
        entrypoint=["/usr/bin/python"],
        env=dict(CG_ENV),
        python_links=True,
    ),
    Image("static", "chainguard/static", ["latest"], CERTS_TZ, user="65532", env=dict(CG_ENV)),
    Image(
        "glibc-dynamic",
        "chainguard/glibc-dynamic",
        ["latest"],
        [*CERTS_TZ, *GLIBC, "libstdc++6"],
        user="65532",
        env=dict(CG_ENV),
    ),
    Image(
        "wolfi-base",
        "chainguard/wolfi-base",
        ["latest"],
        [*CERTS_TZ, *GLIBC, "busybox"],
        user="",
        cmd=["/bin/sh", "-l"],
        env=dict(CG_ENV),
        busybox=True,
    ),
    Image(
        "python-slim",
        "library/python",
        ["3.12-slim", "3.11-slim", "3-slim", "slim"],
        DEBIAN_SLIM_TOP,
        resolve=True,
        cmd=["python3"],
        env={
            "PATH": "/usr/local/bin:/usr/local/sbin:/usr/sbin:/usr/bin:/sbin:/bin",
            "LANG": "C.UTF-8",
        },
        python_links=True,
        chainguard=False,
    ),
]

QUIET = False


def log(msg: str) -> None:
    if not QUIET:
        print(f"standins: {msg}", file=sys.stderr)


def run(argv: list[str], **kw) -> subprocess.CompletedProcess:
    """Run a command (argument list); on failure show its output and stop."""
    kw.setdefault("stdout", subprocess.PIPE)
    kw.setdefault("stderr", subprocess.STDOUT)
    kw.setdefault("text", True)
    proc = subprocess.run(argv, check=False, **kw)
    if proc.returncode != 0:
        out = proc.stdout or ""
        sys.stderr.write(out[-4000:] if isinstance(out, str) else "")
        raise SystemExit(f"standins: command failed ({proc.returncode}): {' '.join(argv)}")
    return proc


# ---------------------------------------------------------------------------------------------
# Debian packages
# ---------------------------------------------------------------------------------------------

APT_OPTS = ["-qq", "-o", "APT::Sandbox::User=root"]


def resolve_closure(top: list[str], arch: str) -> list[str]:
    """The dependency closure of `top` for `arch` on an empty system, as `name` or `name:arch`."""
    # an empty dpkg status and an empty archive cache: apt prints every package of the closure
    with tempfile.NamedTemporaryFile() as empty, tempfile.TemporaryDirectory() as archives:
        (Path(archives) / "partial").mkdir()
        proc = run(
            [
                "apt-get",
                "install",
                "--print-uris",
                "--no-install-recommends",
                *APT_OPTS,
                "-o",
                f"Dir::State::status={empty.name}",
                "-o",
                f"Dir::Cache::Archives={archives}",
                "-o",
                f"APT::Architecture={arch}",
                "-o",
                f"APT::Architectures::={arch}",
                "-o",
                "APT::Architectures::=all",
                *top,
            ],
            stderr=subprocess.PIPE,
        )
    names = []
    for line in proc.stdout.splitlines():
        m = re.match(r"^'[^']+' (\S+)_[^_]+_(\S+)\.deb ", line)
        if m:
            names.append(m.group(1))
    if not names:
        raise SystemExit(f"standins: apt resolved nothing for {arch}")
    return sorted(set(names))


def deb_dir(cache: Path, arch: str) -> Path:
    d = cache / "debs" / arch
    d.mkdir(parents=True, exist_ok=True)
    return d


def index_debs(cache: Path, arch: str) -> dict[str, Path]:
    """Package name -> .deb for one architecture (arch-specific and arch-all files)."""
    found: dict[str, Path] = {}
    for d in (deb_dir(cache, "all"), deb_dir(cache, arch)):
        for f in sorted(d.glob("*.deb")):
            name, _version, deb_arch = f.name[: -len(".deb")].split("_")
            if deb_arch in ("all", arch):
                found[name] = f
    return found


def download(cache: Path, arch: str, names: list[str]) -> dict[str, Path]:
    have = index_debs(cache, arch)
    missing = sorted(n for n in set(names) if n not in have)
    if missing:
        log(f"downloading {len(missing)} packages for {arch}")
        with tempfile.TemporaryDirectory(dir=cache) as tmp:
            # arch-specific names get the :arch suffix; apt finds arch-all packages by bare name
            arch_all = arch_all_names(missing)
            specs = [n if n in arch_all else f"{n}:{arch}" for n in missing]
            run(["apt-get", "download", *APT_OPTS, *specs], cwd=tmp)
            for f in Path(tmp).glob("*.deb"):
                deb_arch = f.name[: -len(".deb")].split("_")[-1]
                shutil.move(str(f), deb_dir(cache, "all" if deb_arch == "all" else arch) / f.name)
        have = index_debs(cache, arch)
    lost = [n for n in names if n not in have]
    if lost:
        raise SystemExit(f"standins: not downloaded for {arch}: {' '.join(lost)}")
    return {n: have[n] for n in names}


def arch_all_names(names: list[str]) -> set[str]:
    out = run(["apt-cache", "show", "--no-all-versions", *names], stderr=subprocess.DEVNULL).stdout
    found = set()
    for para in out.split("\n\n"):
        name = re.search(r"^Package: (\S+)", para, re.M)
        arch = re.search(r"^Architecture: (\S+)", para, re.M)
        if name and arch and arch.group(1) == "all":
            found.add(name.group(1))
    return found


def deb_control(deb: Path) -> str:
    return run(["dpkg-deb", "-f", str(deb)], stderr=subprocess.PIPE).stdout.strip() + "\n"


# ---------------------------------------------------------------------------------------------
# Root file systems
# ---------------------------------------------------------------------------------------------


def merged_usr_skeleton(root: Path, arch: str) -> None:
    for d in ("usr/bin", "usr/sbin", "usr/lib", "etc", "var", "tmp", "root", "home", "dev", "proc", "sys"):
        (root / d).mkdir(parents=True, exist_ok=True)
    for link in ("bin", "sbin", "lib"):
        (root / link).symlink_to(f"usr/{link}")
    if arch == "amd64":
        (root / "usr/lib64").mkdir()
        (root / "lib64").symlink_to("usr/lib64")
    os.chmod(root / "tmp", 0o1777)
    os.chmod(root / "root", 0o700)


def unpack(deb: Path, root: Path) -> None:
    fsys = subprocess.Popen(["dpkg-deb", "--fsys-tarfile", str(deb)], stdout=subprocess.PIPE)
    tar = subprocess.run(
        ["tar", "-x", "--keep-directory-symlink", "--no-same-owner", "-C", str(root)],
        stdin=fsys.stdout,
        check=False,
    )
    assert fsys.stdout is not None
    fsys.stdout.close()
    if fsys.wait() != 0 or tar.returncode != 0:
        raise SystemExit(f"standins: cannot unpack {deb}")


def link(root: Path, path: str, target: str) -> None:
    p = root / path.lstrip("/")
    if p.exists() or p.is_symlink():
        return
    p.parent.mkdir(parents=True, exist_ok=True)
    p.symlink_to(target)


def busybox_applets(cache: Path, debs: dict[str, Path]) -> list[str]:
    """The applet list, read by running the busybox of the machine's own architecture."""
    listing = cache / "busybox-applets.txt"
    if not listing.exists():
        with tempfile.TemporaryDirectory(dir=cache) as tmp:
            native = run(["dpkg", "--print-architecture"]).stdout.strip()
            bb = index_debs(cache, native).get("busybox")
            if bb is None:
                bb = download(cache, native, ["busybox"])["busybox"]
            unpack(bb, Path(tmp))
            out = run([str(Path(tmp) / "bin/busybox"), "--list-full"]).stdout
        listing.write_text(out)
    return [x.strip() for x in listing.read_text().splitlines() if x.strip()]


def ca_bundle(root: Path) -> None:
    certs = sorted((root / "usr/share/ca-certificates").rglob("*.crt"))
    if not certs:
        return
    out = root / "etc/ssl/certs"
    out.mkdir(parents=True, exist_ok=True)
    (out / "ca-certificates.crt").write_text("".join(c.read_text() for c in certs))


def trim_docs(root: Path) -> None:
    share = root / "usr/share"
    for d in ("man", "info", "lintian", "locale", "linda", "bug", "menu"):
        shutil.rmtree(share / d, ignore_errors=True)
    doc = share / "doc"
    if doc.is_dir():
        for pkg in doc.iterdir():
            if pkg.is_dir() and not pkg.is_symlink():
                for f in pkg.iterdir():
                    if f.name != "copyright":
                        if f.is_dir() and not f.is_symlink():
                            shutil.rmtree(f)
                        else:
                            f.unlink()


PYC_DIRS = ("usr/lib/python3.11", "usr/lib/python3/dist-packages")


def precompile(root: Path) -> dict[str, tuple[str, bytes]]:
    """Byte-compile the Python files of a root of the machine's own architecture (in a chroot,
    with the image's own interpreter), as the real images ship them: without .pyc files every
    start compiles what it imports, which is slow under emulation and impossible as nonroot.
    Returns {pyc path: (sha256 of its source, pyc bytes)} to reuse for the other architecture:
    bytecode does not depend on the architecture."""
    dirs = ["/" + d for d in PYC_DIRS if (root / d).is_dir()]
    subprocess.run(
        [
            "/usr/sbin/chroot",
            str(root),
            "/usr/bin/python3.11",
            "-m",
            "compileall",
            "-q",
            "--invalidation-mode",
            "unchecked-hash",
            "-x",
            "/lib2to3/tests/",
            *dirs,
        ],
        check=False,
        stdout=subprocess.DEVNULL,
        env={"PATH": "/usr/bin:/bin", "LANG": "C.UTF-8"},
    )
    found: dict[str, tuple[str, bytes]] = {}
    for d in PYC_DIRS:
        for pyc in (root / d).rglob("__pycache__/*.pyc"):
            src = pyc.parent.parent / (pyc.name.split(".")[0] + ".py")
            if src.is_file():
                found[pyc.relative_to(root).as_posix()] = (
                    hashlib.sha256(src.read_bytes()).hexdigest(),
                    pyc.read_bytes(),
                )
    return found


def apply_pycs(root: Path, pycs: dict[str, tuple[str, bytes]]) -> None:
    for rel, (digest, data) in pycs.items():
        pyc = root / rel
        src = pyc.parent.parent / (pyc.name.split(".")[0] + ".py")
        if src.is_file() and not src.is_symlink() and hashlib.sha256(src.read_bytes()).hexdigest() == digest:
            pyc.parent.mkdir(exist_ok=True)
            pyc.write_bytes(data)


def build_rootfs(
    image: Image,
    arch: str,
    debs: dict[str, Path],
    applets: list[str],
    out_tar: Path,
    pycs: dict[str, tuple[str, bytes]] | None,
) -> dict[str, tuple[str, bytes]] | None:
    """Make one root file system tarball; returns the .pyc files compiled (native architecture)."""
    compiled = None
    with tempfile.TemporaryDirectory(dir=out_tar.parent) as tmp:
        root = Path(tmp) / "root"
        root.mkdir()
        merged_usr_skeleton(root, arch)
        for name in sorted(debs):
            unpack(debs[name], root)
        trim_docs(root)
        ca_bundle(root)
        etc = root / "etc"
        if image.chainguard:
            (etc / "passwd").write_text(PASSWD_CG)
            (etc / "group").write_text(GROUP_CG)
            (etc / "os-release").write_text(OS_RELEASE_CG)
            (root / "home/nonroot").mkdir(parents=True, exist_ok=True)
            # distroless-style package database (no dpkg binary): lets syft count packages
            status_d = root / "var/lib/dpkg/status.d"
            status_d.mkdir(parents=True, exist_ok=True)
            for name, deb in sorted(debs.items()):
                (status_d / name).write_text(deb_control(deb))
        else:
            # Debian: passwd/group from base-passwd's masters, a dpkg database for dpkg/apt/syft
            master = root / "usr/share/base-passwd"
            shutil.copy(master / "passwd.master", etc / "passwd")
            shutil.copy(master / "group.master", etc / "group")
            dpkg = root / "var/lib/dpkg"
            (dpkg / "info").mkdir(parents=True, exist_ok=True)
            (dpkg / "updates").mkdir(parents=True, exist_ok=True)
            status = [
                re.sub(r"^(Package: .*)$", r"\1\nStatus: install ok installed", deb_control(deb), count=1, flags=re.M)
                for _name, deb in sorted(debs.items())
            ]
            (dpkg / "status").write_text("\n".join(status))
            (dpkg / "available").write_text("")
            (root / "var/lib/apt/lists/partial").mkdir(parents=True, exist_ok=True)
            (root / "var/cache/apt/archives/partial").mkdir(parents=True, exist_ok=True)
            link(root, "/usr/bin/awk", "mawk")
            link(root, "/bin/sh", "dash")
            # the python image's pip installs as root system-wide: no PEP 668 marker there
            for marker in root.glob("usr/lib/python3*/EXTERNALLY-MANAGED"):
                marker.unlink()
            link(root, "/usr/local/bin/python", "/usr/bin/python3")
            link(root, "/usr/local/bin/python3", "/usr/bin/python3")
            link(root, "/usr/local/bin/pip", "/usr/bin/pip3")
        if image.python_links and image.chainguard:
            link(root, "/usr/bin/python3", "python3.11")
            link(root, "/usr/bin/python", "python3.11")
        if image.busybox:
            for applet in applets:
                link(root, "/" + applet, "/bin/busybox")
        ensurepip = root / "usr/lib/python3.11/ensurepip/__init__.py"
        if ensurepip.exists():
            # `python -m venv` installs pip only, as on the real images' Python (3.12+)
            text = ensurepip.read_text()
            ensurepip.write_text(text.replace("_PACKAGE_NAMES = ('setuptools', 'pip')", "_PACKAGE_NAMES = ('pip',)"))
        if (root / "usr/bin/python3.11").exists():
            if pycs is None:
                compiled = precompile(root)
            else:
                apply_pycs(root, pycs)
        write_tar(root, out_tar, home_owner=65532 if image.chainguard else None)
    return compiled


def write_tar(root: Path, out_tar: Path, home_owner: int | None) -> None:
    """A reproducible tarball: sorted, fixed mtime, root-owned except /home/nonroot."""

    def entries(d: Path):
        for p in sorted(d.iterdir(), key=lambda x: x.name):
            yield p
            if p.is_dir() and not p.is_symlink():
                yield from entries(p)

    tmp = out_tar.with_suffix(".tmp")
    with tarfile.open(tmp, "w", format=tarfile.PAX_FORMAT) as tar:
        for p in entries(root):
            rel = p.relative_to(root).as_posix()
            info = tar.gettarinfo(str(p), arcname=rel)
            info.mtime = 0
            info.uname = info.gname = ""
            info.uid = info.gid = 0
            if home_owner is not None and (rel == "home/nonroot" or rel.startswith("home/nonroot/")):
                info.uid = info.gid = home_owner
            if info.isreg():
                with open(p, "rb") as fh:
                    tar.addfile(info, fh)
            else:
                tar.addfile(info)
    tmp.replace(out_tar)


# ---------------------------------------------------------------------------------------------
# Images
# ---------------------------------------------------------------------------------------------


def dockerfile(image: Image) -> str:
    lines = ["FROM scratch", "ADD rootfs.tar /"]
    for k, v in image.env.items():
        lines.append(f"ENV {k}={json.dumps(v)}")
    if image.user:
        lines.append(f"USER {image.user}")
    if image.workdir:
        lines.append(f"WORKDIR {image.workdir}")
    if image.entrypoint is not None:
        lines.append(f"ENTRYPOINT {json.dumps(image.entrypoint)}")
    if image.cmd is not None:
        lines.append(f"CMD {json.dumps(image.cmd)}")
    return "\n".join(lines) + "\n"


def push_images(images: list[Image], tars: dict[tuple[str, str], Path], registry: str, docker: str, work: Path) -> None:
    env = dict(os.environ, DOCKER_BUILDKIT="1", DOCKER_CONFIG=str(work / "docker-config"))
    (work / "docker-config").mkdir(exist_ok=True)
    for image in images:
        per_arch: list[str] = []
        for arch in ARCHES:
            ctx = work / f"ctx-{image.name}-{arch}"
            ctx.mkdir()
            os.link(tars[(image.name, arch)], ctx / "rootfs.tar")
            (ctx / "Dockerfile").write_text(dockerfile(image))
            ref = f"{registry}/{image.repo}:standin-{image.name}-{arch}"
            log(f"building {ref}")
            run(
                [docker, "build", "-q", "--platform", f"linux/{arch}", "--network=none", "-t", ref, str(ctx)],
                env=env,
            )
            run([docker, "push", "-q", ref], env=env)
            per_arch.append(ref)
            shutil.rmtree(ctx)
        for tag in image.tags:
            ref = f"{registry}/{image.repo}:{tag}"
            run([docker, "manifest", "create", "--insecure", "--amend", ref, *per_arch], env=env)
            for arch, arch_ref in zip(ARCHES, per_arch, strict=False):
                run([docker, "manifest", "annotate", "--os", "linux", "--arch", arch, ref, arch_ref], env=env)
            run([docker, "manifest", "push", "--insecure", "--purge", ref], env=env)
            log(f"pushed {ref}")
        run([docker, "rmi", "-f", *per_arch], env=env)


def main() -> int:
    global QUIET
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--cache", required=True, type=Path)
    ap.add_argument("--key", required=True, help="hash of the inputs (scripts/standins)")
    ap.add_argument("--registry", default="127.0.0.1:5000")
    ap.add_argument("--docker", default="/usr/bin/docker")
    ap.add_argument("--rootfs-only", action="store_true")
    ap.add_argument("--only", action="append", default=[], help="image name(s) to build")
    ap.add_argument("--quiet", action="store_true")
    ap.add_argument("--list", action="store_true", help="print repo:tag of every image and stop")
    args = ap.parse_args()
    QUIET = args.quiet
    images = [i for i in IMAGES if not args.only or i.name in args.only]
    if args.list:
        for i in images:
            for t in i.tags:
                print(f"{i.repo}:{t}")
        return 0

    cache: Path = args.cache
    rootfs_dir = cache / "rootfs" / args.key
    rootfs_dir.mkdir(parents=True, exist_ok=True)
    tars: dict[tuple[str, str], Path] = {}
    applets: list[str] | None = None
    native = run(["dpkg", "--print-architecture"]).stdout.strip()
    # the machine's own architecture first: its .pyc files are reused for the other one
    arch_order = sorted(ARCHES, key=lambda a: a != native)
    for image in images:
        outs = {arch: rootfs_dir / f"{image.name}-{arch}.tar" for arch in arch_order}
        tars.update({(image.name, arch): out for arch, out in outs.items()})
        if all(out.exists() for out in outs.values()):
            continue
        pycs = None
        for arch in arch_order:
            names = resolve_closure(image.packages, arch) if image.resolve else image.packages
            debs = download(cache, arch, names)
            if image.busybox and applets is None:
                applets = busybox_applets(cache, debs)
            log(f"root file system {outs[arch].name} ({len(debs)} packages)")
            compiled = build_rootfs(image, arch, debs, applets or [], outs[arch], pycs)
            if compiled is not None:
                pycs = compiled
    # drop root file systems of older inputs
    for old in (cache / "rootfs").iterdir():
        if old.name != args.key:
            shutil.rmtree(old, ignore_errors=True)
    if args.rootfs_only:
        return 0
    with tempfile.TemporaryDirectory(dir=cache) as work:
        push_images(images, tars, args.registry, args.docker, Path(work))
    return 0


if __name__ == "__main__":
    sys.exit(main())
