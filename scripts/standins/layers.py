"""Image layers from Debian packages: unpack, lay out like Wolfi, archive reproducibly.

A layer is built in an empty directory whose top-level links (bin -> usr/bin, lib -> usr/lib, ...)
make Debian's paths land where a merged-/usr system has them. Libraries Debian keeps in
/usr/lib/<triplet>/ are then moved to /usr/lib/, where Wolfi has them (migrated Dockerfiles copy
`/usr/lib/libpq.so.*` from a builder stage); the base layer links /usr/lib/<triplet> to `.` so
Debian's binaries still find everything. The links themselves are only archived in the base layer.

Archives are written by GNU tar (sorted names, mtime 0, root-owned) and compressed with `gzip -n`,
so the same inputs give byte-identical layers: the same blob in every image that shares it.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import posixpath
import shutil
import subprocess
import tarfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

TRIPLET = {"amd64": "x86_64-linux-gnu", "arm64": "aarch64-linux-gnu"}
TOP_LINKS = {"bin": "usr/bin", "sbin": "usr/sbin", "lib": "usr/lib"}
DOC_DIRS = ("man", "info", "lintian", "locale", "linda", "bug", "menu", "doc-base", "apport")


def skeleton_links(arch: str) -> dict[str, str]:
    """path -> link target of the merged-/usr skeleton (only the base layer archives them)."""
    links = dict(TOP_LINKS)
    if arch == "amd64":
        links["lib64"] = "usr/lib64"
    links[f"usr/lib/{TRIPLET[arch]}"] = "."
    return links


def make_skeleton(root: Path, arch: str) -> None:
    for d in ("usr/bin", "usr/sbin", "usr/lib", "etc", "var", "tmp"):
        (root / d).mkdir(parents=True, exist_ok=True)
    if arch == "amd64":
        (root / "usr/lib64").mkdir(exist_ok=True)
    for link, target in TOP_LINKS.items():
        (root / link).symlink_to(target)
    if arch == "amd64":
        (root / "lib64").symlink_to("usr/lib64")
    # /usr/lib/<triplet> stays a real directory while packages are unpacked: relocate() empties it


def unpack(deb: Path, root: Path) -> None:
    fsys = subprocess.Popen(["dpkg-deb", "--fsys-tarfile", str(deb)], stdout=subprocess.PIPE)
    tar = subprocess.run(
        ["tar", "-x", "--keep-directory-symlink", "--no-same-owner", "-C", str(root)], stdin=fsys.stdout, check=False
    )
    assert fsys.stdout is not None
    fsys.stdout.close()
    if fsys.wait() != 0 or tar.returncode != 0:
        raise SystemExit(f"standins: cannot unpack {deb}")


def relocate(root: Path, arch: str) -> list[str]:
    """Move /usr/lib/<triplet>/* to /usr/lib/, rewriting relative links; returns the collisions."""
    triplet = TRIPLET[arch]
    src = root / "usr/lib" / triplet
    if not src.is_dir() or src.is_symlink():
        return []
    collisions = []
    for dirpath, dirnames, filenames in os.walk(src, topdown=True):
        rel_dir = Path(dirpath).relative_to(src)
        dest_dir = root / "usr/lib" / rel_dir
        dest_dir.mkdir(parents=True, exist_ok=True)
        for name in [*filenames, *(d for d in dirnames if (Path(dirpath) / d).is_symlink())]:
            old = Path(dirpath) / name
            new = dest_dir / name
            if old.is_symlink():
                target = os.readlink(old)
                if not target.startswith("/"):
                    where = "/" + (Path("usr/lib") / triplet / rel_dir).as_posix()
                    absolute = os.path.normpath(os.path.join(where, target))
                    absolute = _untriplet(absolute, triplet)
                    target = os.path.relpath(absolute, "/" + (Path("usr/lib") / rel_dir).as_posix())
                if new.is_symlink() or new.exists():
                    if not (new.is_symlink() and os.readlink(new) == target):
                        collisions.append(str(new.relative_to(root)))
                    new.unlink()
                new.symlink_to(target)
                old.unlink()
            else:
                if new.exists() or new.is_symlink():
                    if not (new.is_file() and _same(old, new)):
                        collisions.append(str(new.relative_to(root)))
                    new.unlink()
                os.replace(old, new)
        dirnames[:] = [d for d in dirnames if not (Path(dirpath) / d).is_symlink()]
    shutil.rmtree(src)
    return collisions


def _untriplet(path: str, triplet: str) -> str:
    for prefix in (f"/usr/lib/{triplet}", f"/lib/{triplet}"):
        if path == prefix or path.startswith(prefix + "/"):
            return "/usr/lib" + path[len(prefix) :]
    return path


def _same(a: Path, b: Path) -> bool:
    return a.stat().st_size == b.stat().st_size and a.read_bytes() == b.read_bytes()


def trim_docs(root: Path) -> None:
    share = root / "usr/share"
    for d in DOC_DIRS:
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


def link(root: Path, path: str, target: str) -> None:
    """A symbolic link, replacing whatever is there."""
    p = root / path.lstrip("/")
    if p.is_symlink() or p.is_file():
        p.unlink()
    p.parent.mkdir(parents=True, exist_ok=True)
    p.symlink_to(target)


def write(root: Path, path: str, text: str | bytes, mode: int = 0o644) -> None:
    """A file, replacing (never writing through) what is there: parents may be hard-linked copies."""
    p = root / path.lstrip("/")
    p.parent.mkdir(parents=True, exist_ok=True)
    if p.is_symlink() or p.exists():
        p.unlink()
    if isinstance(text, str):
        p.write_text(text)
    else:
        p.write_bytes(text)
    os.chmod(p, mode)


# ---------------------------------------------------------------------------------------------
# archives and blobs
# ---------------------------------------------------------------------------------------------


@dataclass
class Blob:
    """A compressed layer in the cache: `digest` names the .gz, `diff_id` the tar inside."""

    path: Path
    digest: str
    diff_id: str
    size: int

    def to_json(self) -> dict[str, object]:
        return {"path": self.path.name, "digest": self.digest, "diff_id": self.diff_id, "size": self.size}

    @classmethod
    def load(cls, meta: Path) -> Blob:
        d = json.loads(meta.read_text())
        return cls(meta.parent / d["path"], d["digest"], d["diff_id"], int(d["size"]))


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return "sha256:" + h.hexdigest()


def archive(root: Path, members: Iterable[str], out: Path, owners: dict[str, tuple[int, int]] | None = None) -> Blob:
    """tar + gzip `members` (paths relative to root) into `out` (.tar.gz) with a .json beside it.

    Everything is owned by root unless `owners` names a path (and everything below it)."""
    names = sorted(m for m in members if (root / m).exists() or (root / m).is_symlink())
    tmp_tar = out.with_suffix(".tmp.tar")
    base = [
        "tar",
        "--sort=name",
        "--mtime=@0",
        "--numeric-owner",
        "--anchored",
        "--format=posix",
        "--pax-option=exthdr.name=%d/PaxHeaders/%f,delete=atime,delete=ctime",
        "-C",
        str(root),
    ]
    owners = owners or {}
    owned = sorted(owners)
    exclude = [f"--exclude={p}" for p in owned]
    subprocess.run([*base, "--owner=0", "--group=0", *exclude, "-cf", str(tmp_tar), "--", *names], check=True)
    for path in owned:
        if (root / path).exists():
            uid, gid = owners[path]
            subprocess.run(
                [*base, f"--owner={uid}", f"--group={gid}", "-rf", str(tmp_tar), "--", path], check=True
            )
    diff_id = sha256_file(tmp_tar)
    tmp_gz = out.with_suffix(".tmp.gz")
    with open(tmp_gz, "wb") as fh:
        subprocess.run(["gzip", "-n", "-1", "-c", str(tmp_tar)], stdout=fh, check=True)
    tmp_tar.unlink()
    os.replace(tmp_gz, out)
    blob = Blob(out, sha256_file(out), diff_id, out.stat().st_size)
    out.with_suffix(".json").write_text(json.dumps(blob.to_json()))
    return blob


def top_members(root: Path, skip: Iterable[str]) -> list[str]:
    """The entries directly under root, and under usr/lib, minus the skeleton links in `skip`."""
    skipped = set(skip)
    out = []
    for p in sorted(root.iterdir()):
        rel = p.name
        if rel in skipped:
            continue
        if rel == "usr":
            for q in sorted(p.iterdir()):
                r2 = f"usr/{q.name}"
                if r2 in skipped:
                    continue
                if r2 == "usr/lib":
                    out.extend(f"usr/lib/{x.name}" for x in sorted(q.iterdir()) if f"usr/lib/{x.name}" not in skipped)
                else:
                    out.append(r2)
        else:
            out.append(rel)
    return out


def canonical(name: str, arch: str) -> str | None:
    """Where a path of a Debian package lands in a stand-in (None: left out: the skeleton's own
    directories and documentation)."""
    name = (name[2:] if name.startswith("./") else name).strip("/")
    if not name:
        return None
    first, _, rest = name.partition("/")
    if first in ("bin", "sbin", "lib", "lib64"):
        name = f"usr/{first}" + (f"/{rest}" if rest else "")
    triplet = f"usr/lib/{TRIPLET[arch]}"
    if name == triplet:
        return None
    if name.startswith(triplet + "/"):
        name = "usr/lib/" + name[len(triplet) + 1 :]
    if name in ("usr", "usr/bin", "usr/sbin", "usr/lib", "usr/lib64", "usr/share", "etc", "var"):
        return None
    parts = name.split("/")
    if parts[:2] == ["usr", "share"] and len(parts) > 2:
        if parts[2] in DOC_DIRS:
            return None
        if parts[2] == "doc" and len(parts) > 4 and parts[4] != "copyright":
            return None
    return name


def relocated_tar(deb: Path, arch: str, extra_links: dict[str, str]) -> tuple[bytes, list[str]]:
    """A Debian package's files as one tar, laid out like the layers (merged /usr, libraries in
    /usr/lib), root-owned with mtime 0; and the list of its paths (directories end in /)."""
    fsys = subprocess.Popen(["dpkg-deb", "--fsys-tarfile", str(deb)], stdout=subprocess.PIPE)
    assert fsys.stdout is not None
    buf = io.BytesIO()
    names: list[str] = []
    with tarfile.open(fileobj=fsys.stdout, mode="r|") as tin, tarfile.open(
        fileobj=buf, mode="w", format=tarfile.GNU_FORMAT
    ) as tout:
        for member in tin:
            new = canonical(member.name, arch)
            if new is None:
                continue
            original_dir = posixpath.dirname("/" + (member.name[2:] if member.name.startswith("./") else member.name))
            if member.issym() and not member.linkname.startswith("/"):
                absolute = _untriplet(
                    posixpath.normpath(posixpath.join(_unmerged(original_dir), member.linkname)), TRIPLET[arch]
                )
                member.linkname = posixpath.relpath(absolute, posixpath.dirname("/" + new))
            elif member.islnk():
                target = canonical(member.linkname, arch)
                if target is None:
                    continue
                member.linkname = target
            data = tin.extractfile(member) if member.isreg() else None
            member.name = new
            member.uid = member.gid = 0
            member.uname = member.gname = ""
            member.mtime = 0
            tout.addfile(member, data)
            names.append(new + ("/" if member.isdir() else ""))
        for path, target in sorted(extra_links.items()):
            info = tarfile.TarInfo(path)
            info.type = tarfile.SYMTYPE
            info.linkname = target
            info.mode = 0o777
            tout.addfile(info)
            names.append(path)
    if fsys.wait() != 0:
        raise SystemExit(f"standins: cannot read {deb}")
    return buf.getvalue(), names


def _unmerged(directory: str) -> str:
    """/bin/x -> /usr/bin/x: where a directory of a package really is on a merged-/usr system."""
    first = directory.lstrip("/").split("/", 1)[0]
    if first in ("bin", "sbin", "lib", "lib64"):
        return "/usr" + directory
    return directory
