"""Shared libraries (and PHP extensions) carried into a distroless runtime with their whole closure.

Review class 10: the runtime used to copy only the globs the rules name (`libpango-1.0.so.*`), not
what those libraries load; a directory glob (`/usr/lib/ImageMagick-7*`) was flattened into /usr/lib;
a glob whose package was not installed failed the COPY. Now a builder step stages the files under
/runtime-libs at their own paths and resolves the rest with the dynamic loader. The step's shell is
run here with busybox (Wolfi's applet set, MIGRATOR_TEST_BUSYBOX) against this machine's libraries.
"""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from migration_tools import builder_stage, final_stage

from migrator.api import migrate_text
from migrator.model import Options
from migrator.rewrite.needs import STAGED, staged_directories, staging_run

L_SO_CLOSURE = """\
FROM python:3.12-slim
RUN apt-get update && apt-get install -y libpango-1.0-0 libpangocairo-1.0-0 imagemagick
COPY . /app
RUN pip install weasyprint wand
CMD ["python", "/app/render.py"]
"""


def test_the_runtime_copies_the_staged_tree_not_single_globs():
    result = migrate_text(L_SO_CLOSURE, Options())
    builder, runtime = builder_stage(result), final_stage(result)
    assert "for path in /usr/lib/libpango-1.0.so.*" in builder and "/usr/lib/ImageMagick-7*" in builder
    assert '"$ld" --list' in builder  # the closure is resolved where the libraries are
    assert "COPY --from=builder /runtime-libs/usr/lib/ /usr/lib/" in runtime
    assert "/usr/lib/ImageMagick-7* /usr/lib/" not in runtime  # no longer flattened
    [carried] = [f.message for f in result.findings if f.code == "MIG521"]
    assert "every shared library they load" in carried


def test_php_extensions_reach_a_distroless_php_runtime():
    text = ("FROM php:8.2-fpm\nRUN docker-php-ext-install zip && echo 'memory_limit=512M' > $PHP_INI_DIR/conf.d/app.ini\n"
            "COPY . /var/www/html\n")
    result = migrate_text(text, Options())
    builder, runtime = builder_stage(result), final_stage(result)
    assert "RUN apk add --no-cache php-zip && echo 'memory_limit=512M' > /etc/php/conf.d/app.ini" in builder
    assert "for path in /usr/lib/php/modules/* /etc/php/conf.d/*;" in builder
    assert "COPY --from=builder /runtime-libs/etc/php/conf.d/ /etc/php/conf.d/" in runtime
    assert "MIG522" not in [f.code for f in result.findings]


def _busybox() -> str | None:
    path = os.environ.get("MIGRATOR_TEST_BUSYBOX")
    if not path:
        return None
    listed = subprocess.run([path, "--list"], capture_output=True, text=True, timeout=10).stdout.split()
    return path if {"sh", "find", "awk", "sort", "cp", "mkdir", "ls", "head"} <= set(listed) else None


BUSYBOX = _busybox()
LIBRARY_DIR = next((d for d in ("/usr/lib/x86_64-linux-gnu", "/usr/lib/aarch64-linux-gnu", "/usr/lib")
                    if glob.glob(f"{d}/libxml2.so.*")), None)


@pytest.mark.skipif(BUSYBOX is None or LIBRARY_DIR is None or not glob.glob("/lib*/ld-linux-*.so.*")
                    or shutil.which("ldd") is None,
                    reason="needs MIGRATOR_TEST_BUSYBOX (Wolfi's applets), libxml2, glibc's loader and ldd here")
def test_the_staging_step_runs_on_busybox_and_collects_the_closure(tmp_path: Path) -> None:
    assert BUSYBOX is not None and LIBRARY_DIR is not None
    applets = tmp_path / "bin"
    applets.mkdir()
    for applet in subprocess.run([BUSYBOX, "--list"], capture_output=True, text=True).stdout.split():
        (applets / applet).symlink_to(BUSYBOX)
    modules = next(iter(glob.glob(f"{LIBRARY_DIR}/gconv")), None)
    paths = [f"{LIBRARY_DIR}/libxml2.so.*", f"{LIBRARY_DIR}/libnot-installed.so.*", *([modules] if modules else [])]
    staged = tmp_path / "staged"
    script = staging_run(paths, staged_directories(paths))[len("RUN "):].replace(STAGED, str(staged))
    done = subprocess.run([BUSYBOX, "sh", "-c", script], capture_output=True, text=True, timeout=60,
                          env={"PATH": str(applets)})
    assert done.returncode == 0, done.stderr
    names = {p.name for p in staged.rglob("*")}
    assert {n for n in names if n.startswith("libxml2.so.")}  # the library itself, its soname link too
    needed = subprocess.run(["ldd", glob.glob(f"{LIBRARY_DIR}/libxml2.so.*")[0]], capture_output=True, text=True)
    loaded = {line.split()[0] for line in needed.stdout.splitlines() if "=>" in line}
    assert loaded - {"libc.so.6", "libm.so.6"} <= names  # what it loads, glibc's own left out
    assert "libc.so.6" not in names
    if modules:  # a directory is copied as a directory, at its own path
        assert (staged / modules.lstrip("/")).is_dir()
    assert not (staged / STAGED.lstrip("/")).exists() and not list(staged.rglob("libnot-installed*"))
