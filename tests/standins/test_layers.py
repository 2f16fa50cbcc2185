"""The stand-in builder's own logic, without an engine: where Debian's files land (merged /usr,
libraries in /usr/lib as in Wolfi), and that what the stand-ins claim matches the Wolfi facts."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

STANDINS = Path(__file__).resolve().parents[2] / "scripts" / "standins"
sys.path.insert(0, str(STANDINS))

import catalog  # noqa: E402
import compose  # noqa: E402
import layers  # noqa: E402


@pytest.mark.parametrize(
    ("name", "where"),
    [
        ("./bin/ls", "usr/bin/ls"),
        ("./sbin/ldconfig", "usr/sbin/ldconfig"),
        ("./lib/x86_64-linux-gnu/libc.so.6", "usr/lib/libc.so.6"),
        ("./usr/lib/x86_64-linux-gnu/pkgconfig/zlib.pc", "usr/lib/pkgconfig/zlib.pc"),
        ("./usr/lib/gcc/x86_64-linux-gnu/12/cc1", "usr/lib/gcc/x86_64-linux-gnu/12/cc1"),
        ("./usr/share/doc/jq/copyright", "usr/share/doc/jq/copyright"),
        ("./usr/share/doc/jq/changelog.gz", None),
        ("./usr/share/man/man1/jq.1.gz", None),
        ("./usr/lib/x86_64-linux-gnu/", None),
        ("./usr/", None),
        ("./", None),
        ("./etc/.hidden", "etc/.hidden"),
    ],
)
def test_debian_paths_land_where_wolfi_has_them(name, where):
    assert layers.canonical(name, "amd64") == where


def test_relocate_moves_libraries_and_keeps_links_working(tmp_path: Path):
    root = tmp_path
    lib = root / "usr/lib/aarch64-linux-gnu"
    (lib / "jni").mkdir(parents=True)
    (root / "usr/lib/jni").mkdir(parents=True)
    (root / "usr/lib/jni/real.so").write_text("jni")
    (lib / "libfoo.so.1").write_text("foo")
    (lib / "libfoo.so").symlink_to("libfoo.so.1")
    (lib / "jni/up.so").symlink_to("../../jni/real.so")  # relative to the triplet directory
    (lib / "abs.so").symlink_to("/usr/lib/aarch64-linux-gnu/libfoo.so.1")
    assert layers.relocate(root, "arm64") == []
    assert not lib.exists()
    assert (root / "usr/lib/libfoo.so.1").read_text() == "foo"
    assert os.readlink(root / "usr/lib/libfoo.so") == "libfoo.so.1"
    # the link moved one directory up: rewritten so that it still reaches its file
    assert (root / "usr/lib/jni/up.so").resolve() == (root / "usr/lib/jni/real.so").resolve()
    assert os.readlink(root / "usr/lib/abs.so") == "/usr/lib/aarch64-linux-gnu/libfoo.so.1"  # via the base's link


def test_images_stack_the_layers_they_subtract():
    catalog.check()
    names = {c.name for c in catalog.COMPONENTS}
    for image in catalog.IMAGES:
        assert set(image.components) <= names, image.name
        assert image.components[:2] == ["base", "glibc"] or image.components == ["base"], image.name


def wolfi_names() -> set[str]:
    facts = STANDINS.parents[1] / "rules" / "wolfi"
    names = set((facts / "packages.txt").read_text().split())
    names |= {line.split("\t", 1)[0] for line in (facts / "provides.tsv").read_text().splitlines() if line}
    return names


def test_apk_installs_only_names_wolfi_has():
    assert sorted(set(catalog.APK_HONOURED) - wolfi_names()) == []


def test_every_dev_image_has_apk_and_no_runtime_image_has():
    for image in catalog.IMAGES:
        has_apk = "apk" in image.components
        dev = image.tags[0].endswith("-dev") or image.name in ("wolfi-base", "chainguard-base")
        assert has_apk == dev, image.name
        assert ("apkcache" in image.components) == has_apk


def test_accounts_are_wolfi_baselayouts():
    passwd, group = compose.wolfi_accounts()
    assert passwd[0] == "root:x:0:0:root:/root:/bin/sh"
    assert "nobody:x:65534:65534:nobody:/nonexistent:/sbin/nologin" in passwd
    assert "wheel:x:10:" in group and "nogroup:x:65533:" in group
