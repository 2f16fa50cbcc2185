"""Debian packages for the stand-ins: dependency closures and downloads, pinned to exact versions.

The machine's own apt configuration and package lists are used (both architectures must be known
to apt: `dpkg --add-architecture arm64` + `apt-get update`, which scripts/test-env does), but never
its dpkg status: apt resolves for an empty system, so what the host has installed (a newer nodejs
from another repository, say) cannot leak into the images.

apt is asked once per architecture, for everything every layer needs (a Universe); the closure of
any subset is then read from the packages' own Depends/Pre-Depends/Provides within that solution,
which is much faster than asking apt again for each layer and each apk name.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

APT_OPTS = ["-qq", "-o", "APT::Sandbox::User=root"]


@dataclass(frozen=True)
class Deb:
    name: str
    version: str
    arch: str  # amd64 | arm64 | all

    @property
    def spec(self) -> str:
        return f"{self.name}={self.version}"

    @property
    def filename(self) -> str:
        # apt-get download names files like this (the epoch's colon is escaped)
        return f"{self.name}_{self.version.replace(':', '%3a')}_{self.arch}.deb"


def run(argv: list[str], **kw) -> subprocess.CompletedProcess:
    kw.setdefault("stdout", subprocess.PIPE)
    kw.setdefault("stderr", subprocess.PIPE)
    kw.setdefault("text", True)
    proc = subprocess.run(argv, check=False, **kw)
    if proc.returncode != 0:
        sys.stderr.write((proc.stdout or "")[-3000:] + (proc.stderr or "")[-3000:])
        raise SystemExit(f"standins: command failed ({proc.returncode}): {' '.join(argv[:8])} ...")
    return proc


def arch_opts(arch: str) -> list[str]:
    return ["-o", f"APT::Architecture={arch}", "-o", f"APT::Architectures::={arch}", "-o", "APT::Architectures::=all"]


_INST = re.compile(r"^Inst (\S+) \((\S+) .*\[(\S+)\]\)")


def apt_solution(top: list[str], arch: str) -> list[Deb]:
    """Every package `apt-get install --no-install-recommends TOP` would install on an empty system."""
    with tempfile.NamedTemporaryFile() as empty, tempfile.TemporaryDirectory() as archives:
        (Path(archives) / "partial").mkdir()
        proc = run(
            [
                "apt-get",
                "install",
                "-s",
                "--no-install-recommends",
                *APT_OPTS,
                "-o",
                f"Dir::State::status={empty.name}",
                "-o",
                f"Dir::Cache::Archives={archives}",
                *arch_opts(arch),
                *top,
            ]
        )
    found: dict[str, Deb] = {}
    for line in proc.stdout.splitlines():
        m = _INST.match(line)
        if m:
            name = m.group(1).split(":")[0]
            found[name] = Deb(name, m.group(2), m.group(3))
    missing = [t for t in top if t not in found]
    if missing:
        raise SystemExit(f"standins: apt did not resolve {' '.join(missing)} for {arch}")
    return sorted(found.values(), key=lambda d: d.name)


def deb_dir(cache: Path, arch: str) -> Path:
    d = cache / "debs" / arch
    d.mkdir(parents=True, exist_ok=True)
    return d


def download(cache: Path, arch: str, debs: list[Deb]) -> dict[str, Path]:
    """name -> .deb file, downloading (exact versions) what the cache lacks."""
    out: dict[str, Path] = {}
    missing: list[Deb] = []
    for deb in debs:
        path = deb_dir(cache, "all" if deb.arch == "all" else arch) / deb.filename
        out[deb.name] = path
        if not path.exists():
            missing.append(deb)
    if missing:
        print(f"standins: downloading {len(missing)} packages for {arch}", file=sys.stderr, flush=True)
        with tempfile.TemporaryDirectory(dir=cache) as tmp:
            run(["apt-get", "download", *APT_OPTS, *arch_opts(arch), *(d.spec for d in missing)], cwd=tmp)
            for f in Path(tmp).glob("*.deb"):
                deb_arch = f.name[: -len(".deb")].split("_")[-1]
                shutil.move(str(f), deb_dir(cache, "all" if deb_arch == "all" else arch) / f.name)
    lost = [d.filename for d in missing if not out[d.name].exists()]
    if lost:
        raise SystemExit(f"standins: not downloaded for {arch}: {' '.join(lost)}")
    return out


def control(deb: Path) -> str:
    return run(["dpkg-deb", "-f", str(deb)]).stdout.strip() + "\n"


def _field(text: str, name: str) -> str:
    m = re.search(rf"^{name}: (.*(?:\n[ \t].*)*)", text, re.M)
    return " ".join(m.group(1).split()) if m else ""


def _alternatives(value: str) -> list[list[str]]:
    """'a (>= 1) | b:any, c' -> [['a', 'b'], ['c']]"""
    groups = []
    for clause in value.split(","):
        names = [re.sub(r"\s*\(.*?\)|\s*\[.*?\]|:\S+", "", alt).strip() for alt in clause.split("|")]
        names = [n for n in names if n]
        if names:
            groups.append(names)
    return groups


@dataclass
class Universe:
    """apt's solution for everything one architecture needs, downloaded, with each package's
    dependencies; closure() of any top packages is computed within it."""

    cache: Path
    arch: str
    debs: dict[str, Deb] = field(default_factory=dict)
    files: dict[str, Path] = field(default_factory=dict)
    controls: dict[str, str] = field(default_factory=dict)
    depends: dict[str, list[list[str]]] = field(default_factory=dict)
    provides: dict[str, list[str]] = field(default_factory=dict)

    def load(self, top: list[str]) -> None:
        for deb in apt_solution(sorted(set(top)), self.arch):
            self.debs[deb.name] = deb
        self.files = download(self.cache, self.arch, list(self.debs.values()))
        # the control data of all of them in one apt-cache call (dpkg-deb -f per package is slower)
        out = run(["apt-cache", "show", *APT_OPTS[1:], *arch_opts(self.arch), *(d.spec for d in self.debs.values())])
        for para in out.stdout.split("\n\n"):
            name = _field(para, "Package")
            if name in self.debs and name not in self.controls:
                self.controls[name] = para.strip() + "\n"
        for name in self.debs:
            text = self.controls.get(name) or control(self.files[name])
            self.controls[name] = text
            self.depends[name] = _alternatives(_field(text, "Pre-Depends")) + _alternatives(_field(text, "Depends"))
            for virtual in _alternatives(_field(text, "Provides")):
                self.provides.setdefault(virtual[0], []).append(name)

    def _pick(self, group: list[str]) -> str | None:
        for alt in group:
            if alt in self.debs:
                return alt
        for alt in group:
            for provider in self.provides.get(alt, []):
                return provider
        return None

    def closure(self, top: list[str]) -> list[Deb]:
        seen: set[str] = set()
        todo = list(top)
        while todo:
            name = todo.pop()
            if name in seen:
                continue
            if name not in self.debs:
                picked = self._pick([name])
                if picked is None:
                    raise SystemExit(f"standins: {name} is not in the {self.arch} package set")
                name = picked
                if name in seen:
                    continue
            seen.add(name)
            for group in self.depends[name]:
                dep = self._pick(group)
                if dep is not None and dep not in seen:
                    todo.append(dep)
        return sorted((self.debs[n] for n in seen), key=lambda d: d.name)
