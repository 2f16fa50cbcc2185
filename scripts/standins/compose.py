"""Build the layers of catalog.py: which Debian packages, unpacked how, with which finishing touches.

Every layer is cached under <cache>/layers/ by a hash of its definition, the exact package
versions and the code and files that shape it, so editing one component rebuilds only that one.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import catalog
import debs as debmod
import layers
from catalog import COMPONENT, Component, Image, Twin
from debs import Deb
from layers import Blob

HERE = Path(__file__).resolve().parent
FILES = HERE / "files"
# the Wolfi facts the migrator ships as rules: package and virtual names (apk refuses the others),
# and the users and groups every Wolfi image has
WOLFI = HERE.parent.parent / "rules" / "wolfi"
# files whose content shapes every layer: a change rebuilds all of them
CODE = [HERE / "compose.py", HERE / "layers.py", HERE / "debs.py"]


def log(msg: str) -> None:
    print(f"standins: {time.strftime('%H:%M:%S')} {msg}", flush=True)


def digest_of(*parts: object) -> str:
    h = hashlib.sha256()
    for part in parts:
        if isinstance(part, Path):
            if part.is_dir():
                for f in sorted(p for p in part.rglob("*") if p.is_file()):
                    h.update(f.relative_to(part).as_posix().encode())
                    h.update(f.read_bytes())
            else:
                h.update(part.read_bytes())
        else:
            h.update(json.dumps(part, sort_keys=True, default=str).encode())
    return h.hexdigest()[:16]


@dataclass
class Builder:
    cache: Path
    native: str
    universes: dict[str, debmod.Universe] = field(default_factory=dict)
    pycs: dict[str, dict[str, tuple[str, bytes]]] = field(default_factory=dict)  # component -> pyc files
    pycs_ready: dict[str, threading.Event] = field(default_factory=dict)
    _applets: list[str] | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _out_locks: dict[str, threading.Lock] = field(default_factory=dict)

    def _cached(self, out: Path) -> threading.Lock:
        """The lock of one layer file: two images may ask for the same layer at the same time."""
        with self._lock:
            return self._out_locks.setdefault(out.name, threading.Lock())

    def prepare(self, arch: str) -> None:
        """Resolve and download, in one go, every package any layer of `arch` needs."""
        top: set[str] = set()
        for comp in catalog.COMPONENTS:
            top.update(comp.packages)
            top.update(comp.closure)
        for names in catalog.APK_HONOURED.values():
            top.update(names)
        for twin in catalog.TWINS:
            top.update(catalog.DEBIAN_SLIM_TOP)
            top.update(twin.top)
        universe = debmod.Universe(self.cache, arch)
        universe.load(sorted(top))
        self.universes[arch] = universe

    # -- which packages -------------------------------------------------------------------------
    def packages(self, name: str, arch: str) -> list[Deb]:
        comp = COMPONENT[name]
        universe = self.universes[arch]
        if comp.packages:
            return [universe.debs[n] for n in sorted(comp.packages)]
        if not comp.closure:
            return []
        drop = set(catalog.INFRA) | set(comp.exclude)
        for other in comp.minus:
            drop |= {d.name for d in self.packages(other, arch)}
        return [d for d in universe.closure(comp.closure) if d.name not in drop]

    # -- layers ---------------------------------------------------------------------------------
    def component(self, name: str, arch: str) -> Blob:
        comp = COMPONENT[name]
        pkgs = self.packages(name, arch)
        extra: list[object] = []
        if name == "apkcache":
            extra = [{n: [d.__dict__ for d in ds] for n, ds in self._apk_closures(arch).items()}]
        if name == "apk":
            extra = [HERE / "apk", WOLFI / "packages.txt", WOLFI / "provides.tsv"]
        if name == "busybox":
            extra = [busybox_binaries(self.cache)]
        key = digest_of(comp.__dict__, [d.__dict__ for d in pkgs], *CODE, FILES, extra)
        out = self.cache / "layers" / f"{name}-{arch}-{key}.tar.gz"
        with self._cached(out):
            return self._component(comp, arch, pkgs, out)

    def _component(self, comp: Component, arch: str, pkgs: list[Deb], out: Path) -> Blob:
        name = comp.name
        if out.with_suffix(".json").exists() and out.exists():
            return Blob.load(out.with_suffix(".json"))
        out.parent.mkdir(parents=True, exist_ok=True)
        files = self.universes[arch].files
        log(f"layer {name} for {arch} ({len(pkgs)} packages)")
        with tempfile.TemporaryDirectory(dir=self.cache) as tmp:
            root = Path(tmp) / "root"
            root.mkdir()
            layers.make_skeleton(root, arch)
            for deb in pkgs:
                layers.unpack(files[deb.name], root)
            collisions = layers.relocate(root, arch)
            if collisions:
                log(f"  {name}/{arch}: /usr/lib/<triplet> and /usr/lib both had {', '.join(collisions[:5])}")
            layers.trim_docs(root)
            self._status(root, arch, pkgs)
            if comp.post:
                getattr(self, "post_" + comp.post)(root, arch, pkgs, files)
            skip = set(layers.skeleton_links(arch))
            members = layers.top_members(root, () if name == "base" else skip)
            if name != "base":
                members = [m for m in members if not _empty_dir(root / m)]
            started = time.monotonic()
            owners = {path: (65532, 65532) for path in comp.owned}
            blob = layers.archive(root, members, out, owners=owners)
            log(f"layer {name} for {arch}: {blob.size / 1e6:.0f} MB, archived in {time.monotonic() - started:.0f} s")
            return blob

    def identity(self, image: Image, arch: str) -> Blob:
        """The image's own accounts and directories (last layer)."""
        key = digest_of(image.__dict__, arch, *CODE, WOLFI / "accounts.yaml")
        out = self.cache / "layers" / f"id-{image.name}-{arch}-{key}.tar.gz"
        if out.with_suffix(".json").exists() and out.exists():
            return Blob.load(out.with_suffix(".json"))
        with tempfile.TemporaryDirectory(dir=self.cache) as tmp:
            root = Path(tmp)
            # root images (go, wolfi-base) still have the nonroot account
            user = "nonroot" if image.user == "root" else image.user
            passwd, group = wolfi_accounts()
            owners: dict[str, tuple[int, int]] = {}
            passwd.append(f"{user}:x:65532:65532:{user}:/home/{user}:/bin/sh")
            group.append(f"{user}:x:65532:")
            (root / "home" / user).mkdir(parents=True)
            owners[f"home/{user}"] = (65532, 65532)
            layers.write(root, "etc/passwd", "\n".join(passwd) + "\n")
            layers.write(root, "etc/group", "\n".join(group) + "\n")
            members = ["etc", "home"]
            if image.workdir:
                wd = image.workdir.lstrip("/")
                (root / wd).mkdir(parents=True, exist_ok=True)
                os.chmod(root / wd, image.workdir_mode)
                if image.workdir_mode != 0o777 and image.uid:
                    owners[wd] = (image.uid, image.uid)
                members.append(wd.split("/")[0])
            for d in image.owned:
                (root / d).mkdir(parents=True, exist_ok=True)
                owners[d] = (image.uid, image.uid)
                members.append(d.split("/")[0])
            return layers.archive(root, sorted(set(members)), out, owners=owners)

    def _status(self, root: Path, arch: str, pkgs: list[Deb]) -> None:
        """A distroless-style package database (var/lib/dpkg/status.d): syft counts the packages
        from it, and the stand-in apk skips what an image already has."""
        status = root / "var/lib/dpkg/status.d"
        for deb in pkgs:
            status.mkdir(parents=True, exist_ok=True)
            layers.write(root, f"var/lib/dpkg/status.d/{deb.name}", self.universes[arch].controls[deb.name])

    # -- finishing touches (Component.post) -----------------------------------------------------
    def post_base(self, root: Path, arch: str, pkgs: list[Deb], files: dict[str, Path]) -> None:
        layers.link(root, f"usr/lib/{layers.TRIPLET[arch]}", ".")
        os.chmod(root / "tmp", 0o1777)
        (root / "root").mkdir(mode=0o700, exist_ok=True)
        os.chmod(root / "root", 0o700)
        for d in ("home", "var/tmp", "run", "var/cache", "var/lib", "dev", "proc", "sys"):
            (root / d).mkdir(parents=True, exist_ok=True)
        os.chmod(root / "var/tmp", 0o1777)
        layers.link(root, "var/run", "../run")
        certs = sorted((root / "usr/share/ca-certificates").rglob("*.crt"))
        layers.write(root, "etc/ssl/certs/ca-certificates.crt", "".join(c.read_text() for c in certs))
        layers.write(
            root,
            "etc/os-release",
            'ID=wolfi\nNAME="Wolfi"\nPRETTY_NAME="migrator test stand-in for a Chainguard image (Debian bookworm '
            'packages)"\n',
        )

    def post_busybox(self, root: Path, arch: str, pkgs: list[Deb], files: dict[str, Path]) -> None:
        # Debian's busybox lacks applets Wolfi's has (adduser, addgroup, install...): busybox.sh builds
        # one that has them, from Debian's source package
        layers.write(root, "usr/bin/busybox", (busybox_binaries(self.cache) / f"busybox-{arch}").read_bytes(), 0o755)
        for applet in self.applets():
            path = re.sub(r"^(s?bin)/", r"usr/\1/", applet)
            if path.endswith("/busybox") or path.rsplit("/", 1)[-1] in ("rpm", "rpm2cpio"):
                continue  # Wolfi's busybox has no rpm applet: validate would report a package manager
            if not (root / path).exists():
                layers.link(root, path, "/bin/busybox")

    def applets(self) -> list[str]:
        with self._lock:
            if self._applets is None:
                listing = busybox_binaries(self.cache) / "applets.txt"
                if not listing.exists():
                    native = busybox_binaries(self.cache) / f"busybox-{self.native}"
                    listing.write_text(debmod.run([str(native), "--list-full"]).stdout)
                self._applets = [x.strip() for x in listing.read_text().splitlines() if x.strip()]
            return self._applets

    def post_buildbase(self, root: Path, arch: str, pkgs: list[Deb], files: dict[str, Path]) -> None:
        # Debian makes these with update-alternatives; Wolfi's gcc ships them
        layers.link(root, "usr/bin/cc", "gcc")
        layers.link(root, "usr/bin/c++", "g++")

    def post_python(self, root: Path, arch: str, pkgs: list[Deb], files: dict[str, Path]) -> None:
        layers.link(root, "usr/bin/python3", "python3.11")
        layers.link(root, "usr/bin/python", "python3.11")
        ensurepip = root / "usr/lib/python3.11/ensurepip/__init__.py"
        if ensurepip.exists():
            # `python -m venv` installs pip only, as the real images' Python (3.12+) does
            text = ensurepip.read_text()
            layers.write(root, str(ensurepip.relative_to(root)),
                         text.replace("_PACKAGE_NAMES = ('setuptools', 'pip')", "_PACKAGE_NAMES = ('pip',)"))
        self._pycs("python", root, arch, pkgs, files)

    def post_python_dev(self, root: Path, arch: str, pkgs: list[Deb], files: dict[str, Path]) -> None:
        layers.link(root, "usr/bin/pip", "pip3")
        self._pycs("python-dev", root, arch, pkgs, files)

    def _pycs(self, name: str, root: Path, arch: str, pkgs: list[Deb], files: dict[str, Path]) -> None:
        """Byte-compile the Python files as the real images ship them (without .pyc files every start
        compiles what it imports: slow under emulation, impossible as nonroot). Compiled once, in a
        chroot of the machine's own architecture; bytecode does not depend on the architecture."""
        ready = self.pycs_ready.setdefault(name, threading.Event())
        if arch == self.native:
            try:
                self.pycs[name] = self._compile_pycs(root, arch, pkgs, files)
            finally:
                ready.set()
        else:
            ready.wait()
        for rel, (digest, data) in self.pycs.get(name, {}).items():
            pyc = root / rel
            src = pyc.parent.parent / (pyc.name.split(".")[0] + ".py")
            if src.is_file() and not src.is_symlink() and hashlib.sha256(src.read_bytes()).hexdigest() == digest:
                pyc.parent.mkdir(exist_ok=True)
                pyc.write_bytes(data)

    def _compile_pycs(self, root: Path, arch: str, pkgs: list[Deb], files: dict[str, Path]) -> dict:
        support = [*self.packages("glibc", arch), *self.packages("python", arch)]
        support_files = self.universes[arch].files
        dirs = ("usr/lib/python3.11", "usr/lib/python3/dist-packages")
        with tempfile.TemporaryDirectory(dir=self.cache) as tmp:
            chroot = Path(tmp) / "root"
            shutil.copytree(root, chroot, symlinks=True)
            own = {d.name for d in pkgs}
            for deb in support:
                if deb.name not in own:
                    layers.unpack(support_files[deb.name], chroot)
            layers.relocate(chroot, arch)
            layers.link(chroot, f"usr/lib/{layers.TRIPLET[arch]}", ".")
            subprocess.run(
                ["/usr/sbin/chroot", str(chroot), "/usr/bin/python3.11", "-m", "compileall", "-q",
                 "--invalidation-mode", "unchecked-hash", "-x", "/lib2to3/tests/",
                 *("/" + d for d in dirs if (root / d).is_dir())],
                check=False, stdout=subprocess.DEVNULL, env={"PATH": "/usr/bin", "LANG": "C.UTF-8"},
            )  # fmt: skip
            if not any(next((chroot / d).rglob("__pycache__/*.pyc"), None) for d in dirs if (chroot / d).is_dir()):
                raise SystemExit(f"standins: no .pyc files compiled for {arch}")
            found = {}
            for d in dirs:
                for pyc in (chroot / d).rglob("__pycache__/*.pyc"):
                    rel = pyc.relative_to(chroot).as_posix()
                    src = root / Path(rel).parent.parent / (pyc.name.split(".")[0] + ".py")
                    if src.is_file():
                        found[rel] = (hashlib.sha256(src.read_bytes()).hexdigest(), pyc.read_bytes())
        return found

    def post_go(self, root: Path, arch: str, pkgs: list[Deb], files: dict[str, Path]) -> None:
        layers.link(root, "usr/lib/go", "go-1.19")
        for tool in ("go", "gofmt"):
            layers.link(root, f"usr/bin/{tool}", f"../lib/go/bin/{tool}")
        # `go build` reads the standard library's sources but never its tests
        src = root / "usr/share/go-1.19/src"
        if src.is_dir():
            for d in sorted(src.rglob("testdata"), reverse=True):
                if d.is_dir() and not d.is_symlink():
                    shutil.rmtree(d)
            for f in src.rglob("*_test.go"):
                f.unlink()

    def post_node(self, root: Path, arch: str, pkgs: list[Deb], files: dict[str, Path]) -> None:
        npm_bin = "../share/nodejs/npm/bin"
        for tool, target in (("npm", f"{npm_bin}/npm-cli.js"), ("npx", f"{npm_bin}/npx-cli.js")):
            if not (root / "usr/bin" / tool).exists():
                layers.link(root, f"usr/bin/{tool}", target)

    def post_jre(self, root: Path, arch: str, pkgs: list[Deb], files: dict[str, Path]) -> None:
        layers.link(root, "usr/lib/jvm/default-jvm", f"java-17-openjdk-{arch}")
        for tool in ("java", "keytool", "jrunscript", "rmiregistry"):
            layers.link(root, f"usr/bin/{tool}", f"/usr/lib/jvm/default-jvm/bin/{tool}")

    def post_jdk(self, root: Path, arch: str, pkgs: list[Deb], files: dict[str, Path]) -> None:
        bindir = root / f"usr/lib/jvm/java-17-openjdk-{arch}/bin"
        for tool in sorted(p.name for p in bindir.iterdir()) if bindir.is_dir() else []:
            layers.link(root, f"usr/bin/{tool}", f"/usr/lib/jvm/default-jvm/bin/{tool}")
        # jlink's modules: nothing a build of an application needs, a third of the JDK's size
        shutil.rmtree(root / f"usr/lib/jvm/java-17-openjdk-{arch}/jmods", ignore_errors=True)

    def post_ruby(self, root: Path, arch: str, pkgs: list[Deb], files: dict[str, Path]) -> None:
        for tool in ("gem", "rake", "irb", "erb", "ri", "rdoc"):
            if (root / f"usr/bin/{tool}3.1").exists():
                layers.link(root, f"usr/bin/{tool}", f"{tool}3.1")
        # the runtime image has no bundler command (the -dev image has)
        for tool in ("bundle", "bundler", "bundle3.1", "bundler3.1"):
            p = root / "usr/bin" / tool
            if p.is_symlink() or p.exists():
                p.unlink()

    def post_ruby_dev(self, root: Path, arch: str, pkgs: list[Deb], files: dict[str, Path]) -> None:
        with tempfile.TemporaryDirectory(dir=self.cache) as tmp:
            layers.unpack(self.universes[arch].files["ruby3.1"], Path(tmp))
            for tool in ("bundle3.1", "bundler3.1"):
                layers.write(root, f"usr/bin/{tool}", (Path(tmp) / "usr/bin" / tool).read_bytes(), 0o755)
        layers.link(root, "usr/bin/bundle", "bundle3.1")
        layers.link(root, "usr/bin/bundler", "bundler3.1")

    def post_php(self, root: Path, arch: str, pkgs: list[Deb], files: dict[str, Path]) -> None:
        layers.link(root, "usr/bin/php", "php8.2")
        # Chainguard's php reads /etc/php/php.ini and /etc/php/conf.d; Debian's binary looks in
        # /etc/php/8.2/cli: point that at the Chainguard paths
        cli = root / "etc/php/8.2/cli"
        confd = root / "etc/php/conf.d"
        confd.mkdir(parents=True, exist_ok=True)
        for mod in sorted((root / "etc/php/8.2/mods-available").glob("*.ini")):
            priority = re.search(r"^; priority=(\d+)", mod.read_text(), re.M)
            layers.link(root, f"etc/php/conf.d/{priority.group(1) if priority else '20'}-{mod.name}",
                        f"/etc/php/8.2/mods-available/{mod.name}")
        shutil.rmtree(cli, ignore_errors=True)
        cli.mkdir(parents=True)
        layers.link(root, "etc/php/8.2/cli/php.ini", "/etc/php/php.ini")
        layers.link(root, "etc/php/8.2/cli/conf.d", "/etc/php/conf.d")
        layers.write(root, "etc/php/php.ini", (root / "usr/lib/php/8.2/php.ini-production").read_text())

    def post_php_fpm(self, root: Path, arch: str, pkgs: list[Deb], files: dict[str, Path]) -> None:
        layers.link(root, "usr/sbin/php-fpm", "php-fpm8.2")
        # Chainguard's paths (/etc/php/php-fpm.conf, php-fpm.d/, php.ini, conf.d/); Debian's binary
        # reads /etc/php/8.2/fpm: point that there
        fpm = root / "etc/php/8.2/fpm"
        shutil.rmtree(fpm, ignore_errors=True)
        fpm.mkdir(parents=True)
        for name, target in (("php-fpm.conf", "/etc/php/php-fpm.conf"), ("php.ini", "/etc/php/php.ini"),
                             ("conf.d", "/etc/php/conf.d"), ("pool.d", "/etc/php/php-fpm.d")):
            layers.link(root, f"etc/php/8.2/fpm/{name}", target)  # fmt: skip
        layers.write(root, "etc/php/php-fpm.conf", (FILES / "php-fpm" / "php-fpm.conf").read_text())
        layers.write(root, "etc/php/php-fpm.d/www.conf", (FILES / "php-fpm" / "www.conf").read_text())
        layers.write(root, "sv/php-fpm/run", (FILES / "php-fpm" / "run").read_text(), 0o755)
        for d in ("etc/init.d", "etc/logrotate.d", "etc/apache2", "usr/lib/systemd", "usr/lib/tmpfiles.d"):
            shutil.rmtree(root / d, ignore_errors=True)

    def post_nginx(self, root: Path, arch: str, pkgs: list[Deb], files: dict[str, Path]) -> None:
        for d in ("sites-available", "sites-enabled", "modules-available", "modules-enabled", "snippets"):
            shutil.rmtree(root / "etc/nginx" / d, ignore_errors=True)
        for name in ("nginx.conf", "conf.d/nginx.default.conf"):  # the names of Chainguard nginx's files
            layers.write(root, f"etc/nginx/{name}", (FILES / "nginx" / name.split("/")[-1]).read_text())
        layers.write(root, "usr/share/nginx/html/index.html", (FILES / "nginx" / "index.html").read_text())
        for d in ("etc/init.d", "etc/logrotate.d", "etc/ufw", "etc/default", "usr/lib/systemd", "var/www"):
            p = root / d
            if p.is_dir():
                shutil.rmtree(p)

    def post_apk(self, root: Path, arch: str, pkgs: list[Deb], files: dict[str, Path]) -> None:
        layers.write(root, "usr/sbin/apk", (HERE / "apk" / "apk").read_text(), 0o755)
        names = set((WOLFI / "packages.txt").read_text().split())
        for line in (WOLFI / "provides.tsv").read_text().splitlines():
            if line.strip():
                names.add(line.split("\t", 1)[0])
        layers.write(root, "usr/share/apk-standin/names", "\n".join(sorted(names)) + "\n")
        layers.write(root, "etc/apk/world", "")
        layers.write(root, "etc/apk/repositories", "https://apk.cgr.dev/chainguard\n")
        layers.write(root, "etc/apk/arch", {"amd64": "x86_64", "arm64": "aarch64"}[arch] + "\n")
        (root / "usr/lib/apk/db").mkdir(parents=True, exist_ok=True)

    # -- the apk package cache ------------------------------------------------------------------
    def _apk_closures(self, arch: str) -> dict[str, list[Deb]]:
        """Wolfi name -> the Debian packages `apk add NAME` installs (those every image has left out)."""
        present = {d.name for c in ("base", "glibc") for d in self.packages(c, arch)}
        drop = present | set(catalog.INFRA)
        universe = self.universes[arch]
        return {
            name: [d for d in universe.closure(top) if d.name not in drop]
            for name, top in sorted(catalog.APK_HONOURED.items())
        }

    def post_apkcache(self, root: Path, arch: str, pkgs: list[Deb], files: dict[str, Path]) -> None:
        """One uncompressed tar per Debian package, laid out like the layers (merged /usr, libraries
        in /usr/lib), with its file list and control data; `index` maps Wolfi names to packages."""
        closures = self._apk_closures(arch)
        universe = self.universes[arch]
        debs = sorted({d for ds in closures.values() for d in ds}, key=lambda d: d.name)
        for deb in debs:
            extra = {"gcc": {"usr/bin/cc": "gcc"}, "g++": {"usr/bin/c++": "g++"}}.get(deb.name, {})
            data, names = layers.relocated_tar(universe.files[deb.name], arch, extra)
            layers.write(root, f"var/cache/apk-standin/pkgs/{deb.name}.tar", data)
            layers.write(root, f"var/cache/apk-standin/pkgs/{deb.name}.list", "".join(n + "\n" for n in names))
            layers.write(root, f"var/cache/apk-standin/pkgs/{deb.name}.control", universe.controls[deb.name])
        index = [f"{name}\t{' '.join(d.name for d in ds)}" for name, ds in sorted(closures.items())]
        layers.write(root, "var/cache/apk-standin/index", "\n".join(index) + "\n")
        versions = [f"{d.name} {d.version}" for d in debs]
        layers.write(root, "var/cache/apk-standin/versions", "\n".join(versions) + "\n")

    # -- Debian-style originals -----------------------------------------------------------------
    def twin(self, twin: Twin, arch: str) -> list[Blob]:
        """An upstream image: the Debian base layer (shared by all), then the language's packages."""
        universe = self.universes[arch]
        base = universe.closure(catalog.DEBIAN_SLIM_TOP)
        blobs = [self._debian_layer("debian", arch, base, [], None)]
        if twin.top:
            extra = [d for d in universe.closure([*catalog.DEBIAN_SLIM_TOP, *twin.top]) if d not in set(base)]
            blobs.append(self._debian_layer(twin.name, arch, extra, base, twin))
        return blobs

    def _debian_layer(self, name: str, arch: str, pkgs: list[Deb], below: list[Deb], twin: Twin | None) -> Blob:
        key = digest_of(name, twin.__dict__ if twin else None, [d.__dict__ for d in pkgs], *CODE)
        out = self.cache / "layers" / f"twin-{name}-{arch}-{key}.tar.gz"
        with self._cached(out):
            return self._debian_layer_locked(name, arch, pkgs, below, twin, out)

    def _debian_layer_locked(
        self, name: str, arch: str, pkgs: list[Deb], below: list[Deb], twin: Twin | None, out: Path
    ) -> Blob:
        if out.with_suffix(".json").exists() and out.exists():
            return Blob.load(out.with_suffix(".json"))
        out.parent.mkdir(parents=True, exist_ok=True)
        universe = self.universes[arch]
        log(f"original {name} for {arch} ({len(pkgs)} packages)")
        with tempfile.TemporaryDirectory(dir=self.cache) as tmp:
            root = Path(tmp) / "root"
            root.mkdir()
            layers.make_skeleton(root, arch)  # Debian's own layout: no relocation of /usr/lib/<triplet>
            if twin is None:
                for d in ("root", "home", "var/tmp", "run"):
                    (root / d).mkdir(parents=True, exist_ok=True)
                os.chmod(root / "tmp", 0o1777)
                os.chmod(root / "root", 0o700)
            for deb in pkgs:
                layers.unpack(universe.files[deb.name], root)
            layers.trim_docs(root)
            # a dpkg database of everything installed so far (this layer's file replaces the base's)
            status = [
                re.sub(r"^(Package: .*)$", r"\1\nStatus: install ok installed", universe.controls[d.name], count=1,
                       flags=re.M)
                for d in sorted({*below, *pkgs}, key=lambda d: d.name)
            ]  # fmt: skip
            layers.write(root, "var/lib/dpkg/status", "\n".join(status))
            if twin is None:
                master = root / "usr/share/base-passwd"
                layers.write(root, "etc/passwd", (master / "passwd.master").read_text())
                layers.write(root, "etc/group", (master / "group.master").read_text())
                for d in ("var/lib/dpkg/info", "var/lib/dpkg/updates", "var/lib/apt/lists/partial",
                          "var/cache/apt/archives/partial"):
                    (root / d).mkdir(parents=True, exist_ok=True)  # fmt: skip
                layers.write(root, "var/lib/dpkg/available", "")
                layers.link(root, "usr/bin/awk", "mawk")
                layers.link(root, "usr/bin/sh", "dash")
                certs = sorted((root / "usr/share/ca-certificates").rglob("*.crt"))
                layers.write(root, "etc/ssl/certs/ca-certificates.crt", "".join(c.read_text() for c in certs))
                members = layers.top_members(root, ())
            else:
                # the official images install with pip as root, system-wide: no PEP 668 marker there
                for marker in root.glob("usr/lib/python3*/EXTERNALLY-MANAGED"):
                    marker.unlink()
                for path, target in twin.links.items():
                    layers.link(root, path.replace("{arch}", arch), target.replace("{arch}", arch))
                if twin.users:
                    master = Path(tmp) / "base-passwd"
                    master.mkdir()
                    layers.unpack(universe.files["base-passwd"], master)
                    passwd = (master / "usr/share/base-passwd/passwd.master").read_text()
                    group = (master / "usr/share/base-passwd/group.master").read_text()
                    for user, uid in twin.users.items():
                        passwd += f"{user}:x:{uid}:{uid}::/home/{user}:/bin/sh\n"
                        group += f"{user}:x:{uid}:\n"
                        (root / "home" / user).mkdir(parents=True, exist_ok=True)
                    layers.write(root, "etc/passwd", passwd)
                    layers.write(root, "etc/group", group)
                skip = set(layers.TOP_LINKS) | {"lib64"}
                members = [m for m in layers.top_members(root, skip) if not _empty_dir(root / m)]
            owners = {f"home/{u}": (uid, uid) for u, uid in (twin.users if twin else {}).items()}
            return layers.archive(root, members, out, owners=owners)


def wolfi_accounts() -> tuple[list[str], list[str]]:
    """/etc/passwd and /etc/group lines of wolfi-baselayout (rules/wolfi/accounts.yaml: a plain
    `section:` / `  name: id` file, read without a YAML library: build.py runs on the system Python)."""
    sections: dict[str, dict[str, int]] = {}
    current = None
    for line in (WOLFI / "accounts.yaml").read_text().splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        if not line.startswith(" ") and line.rstrip().endswith(":"):
            current = sections.setdefault(line.strip()[:-1], {})
        elif current is not None and ":" in line:
            name, _, value = line.strip().partition(":")
            current[name.strip()] = int(value.split("#")[0].strip())
    groups, users = sections.get("groups", {}), sections.get("users", {})
    passwd = []
    for name, uid in users.items():
        if uid == 0:
            home, shell = "/root", "/bin/sh"
        else:
            home, shell = ("/nonexistent" if name == "nobody" else "/"), "/sbin/nologin"
        passwd.append(f"{name}:x:{uid}:{groups.get(name, uid)}:{name}:{home}:{shell}")
    return passwd, [f"{name}:x:{gid}:" for name, gid in groups.items()]


BUSYBOX_SCRIPT = HERE / "busybox.sh"


def busybox_binaries(cache: Path) -> Path:
    """The directory with busybox-amd64 and busybox-arm64 (built by busybox.sh, once per version of
    that script; older builds are removed)."""
    top = cache / "busybox"
    out = top / digest_of(BUSYBOX_SCRIPT)
    with _BUSYBOX_LOCK:
        if not all((out / f"busybox-{arch}").exists() for arch in ("amd64", "arm64")):
            if top.is_dir():
                for old in top.iterdir():
                    if old.name not in ("src", out.name):
                        shutil.rmtree(old, ignore_errors=True)
            log("building busybox (scripts/standins/busybox.sh)")
            subprocess.run(["bash", str(BUSYBOX_SCRIPT), str(out)], check=True, stdin=subprocess.DEVNULL)
    return out


_BUSYBOX_LOCK = threading.Lock()


def _empty_dir(p: Path) -> bool:
    return p.is_dir() and not p.is_symlink() and not any(p.iterdir())
