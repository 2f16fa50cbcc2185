"""Adversary 12, G15: a prebuilt program from the build context whose ELF interpreter is musl's loader
(/lib/ld-musl-x86_64.so.1: built on Alpine) was copied onto glibc-dynamic with verdict ok; no Chainguard image has
that loader, so it cannot start (`exec ...: no such file or directory`)."""

from __future__ import annotations

import struct
from pathlib import Path

import pytest
from migration_tools import errors, migrate, verdict

from migrator.plan.buildcontext import BuildContext

MUSL = "/lib/ld-musl-x86_64.so.1"
GLIBC = "/lib64/ld-linux-x86-64.so.2"


def _elf(interpreter: str | None, wide: bool = True, order: str = "<") -> bytes:
    """A minimal ELF executable: its header, one program header (PT_INTERP, or PT_LOAD for a static program),
    and the interpreter's path after them."""
    path = interpreter.encode() + b"\0" if interpreter else b""
    kind = 3 if interpreter else 1
    if wide:
        header_size, entry_size = 64, 56
        ident = b"\x7fELF" + bytes([2, 1 if order == "<" else 2, 1]) + bytes(9)
        header = ident + struct.pack(order + "HHIQQQIHHHHHH", 2, 62, 1, 0, header_size, 0, 0, header_size,
                                     entry_size, 1, 64, 0, 0)
        program = struct.pack(order + "IIQQQQQQ", kind, 4, header_size + entry_size, 0, 0, len(path), len(path), 1)
    else:
        header_size, entry_size = 52, 32
        ident = b"\x7fELF" + bytes([1, 1 if order == "<" else 2, 1]) + bytes(9)
        header = ident + struct.pack(order + "HHIIIIIHHHHHH", 2, 40, 1, 0, header_size, 0, 0, header_size,
                                     entry_size, 1, 40, 0, 0)
        program = struct.pack(order + "IIIIIIII", kind, header_size + entry_size, 0, 0, len(path), len(path), 4, 1)
    return header + program + path + bytes(64)


@pytest.mark.parametrize(("interpreter", "wide", "order"), [
    (MUSL, True, "<"),
    (GLIBC, True, "<"),
    ("/lib/ld-musl-armhf.so.1", False, "<"),
    ("/lib/ld-musl-s390x.so.1", True, ">"),
    (None, True, "<"),
])
def test_the_elf_interpreter_is_read(tmp_path: Path, interpreter: str | None, wide: bool, order: str) -> None:
    (tmp_path / "app").write_bytes(_elf(interpreter, wide, order))
    (tmp_path / "run.sh").write_text("#!/bin/sh\nexec app\n")
    files = BuildContext(tmp_path)
    assert files.elf_interpreter("app") == interpreter
    assert files.elf_interpreter("run.sh") is None and files.elf_interpreter("missing") is None


_ALPINE = """FROM alpine:3.19
RUN apk add --no-cache ca-certificates tzdata
COPY {source} /usr/local/bin/
USER 65534
ENTRYPOINT ["/usr/local/bin/myapp"]
CMD ["serve"]
"""


def test_a_musl_program_from_the_context_is_an_error_and_cannot_start(tmp_path: Path) -> None:
    (tmp_path / "myapp").write_bytes(_elf(MUSL))
    result = migrate(_ALPINE.format(source="myapp"), context=tmp_path)
    found = errors(result, "MIG319")
    assert len(found) == 1 and "`myapp`" in found[0] and MUSL in found[0]
    status, reason = verdict(result)
    assert status == "broken" and "musl" in reason
    assert not errors(result, "MIG540")  # (one error for one file)


def test_a_musl_helper_copied_in_a_directory_is_named(tmp_path: Path) -> None:
    (tmp_path / "bin").mkdir()
    (tmp_path / "bin" / "myapp").write_bytes(_elf(None))
    (tmp_path / "bin" / "helper").write_bytes(_elf(MUSL))
    (tmp_path / "bin" / "fixture").write_bytes(_elf(MUSL))  # (not executable: data of a test, not a program)
    (tmp_path / "bin" / "README.md").write_text("tools\n")
    (tmp_path / "bin" / "myapp").chmod(0o755)
    (tmp_path / "bin" / "helper").chmod(0o755)
    result = migrate(_ALPINE.format(source="bin/"), context=tmp_path)
    found = errors(result, "MIG319")
    assert len(found) == 1 and "`bin/helper`" in found[0]
    assert verdict(result)[0] == "ok"  # the program started is static


@pytest.mark.parametrize("interpreter", [GLIBC, None])
def test_glibc_and_static_programs_are_fine(tmp_path: Path, interpreter: str | None) -> None:
    (tmp_path / "myapp").write_bytes(_elf(interpreter))
    result = migrate(_ALPINE.format(source="myapp"), context=tmp_path)
    assert not errors(result, "MIG319")
    assert verdict(result)[0] == "ok"
