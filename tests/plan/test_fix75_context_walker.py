"""fix75 item 2: BuildContext's tree walks (programs_under, files_matching, files_named) are one bounded walk
with a filter: sorted, never through a link to a directory, no file whose link leads out of the context, none
its .dockerignore leaves out, hidden directories and node_modules passed over where the reader says so."""

from __future__ import annotations

import os
from pathlib import Path

from migrator.plan.buildcontext import BuildContext


def _file(path: Path, executable: bool = False) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("x\n")
    if executable:
        os.chmod(path, 0o755)


def _context(tmp_path: Path) -> Path:
    root, outside = tmp_path / "ctx", tmp_path / "outside"
    _file(outside / "tool", executable=True)
    _file(outside / "away.csproj")
    for name in ("bin/app", "bin/libfoo.so.1", "bin/zz/helper", ".git/hooks/pre-commit", "node_modules/.bin/x",
                 "bin/run.sh"):
        _file(root / name, executable=True)
    _file(root / "bin/notes")  # (not executable)
    _file(root / "src/App/App.csproj")
    _file(root / "src/Lib/Lib.csproj")
    _file(root / ".hidden/Hidden.csproj")
    _file(root / "node_modules/pkg/Pkg.csproj")
    _file(root / "ignored/Ignored.csproj")
    (root / ".dockerignore").write_text("ignored\n")
    (root / "bin/linked").symlink_to(outside / "tool")
    (root / "Away.csproj").symlink_to(outside / "away.csproj")
    (root / "out").symlink_to(outside, target_is_directory=True)
    return root


def test_programs_under_keeps_executables_inside_the_context(tmp_path: Path) -> None:
    files = BuildContext(_context(tmp_path))
    assert files.programs_under("bin") == ["bin/app", "bin/libfoo.so.1", "bin/zz/helper"]
    assert files.programs_under(".") == ["bin/app", "bin/libfoo.so.1", "bin/zz/helper"]
    assert files.programs_under("out") is None and files.programs_under("nothing") is None
    assert BuildContext(None).programs_under(".") is None


def test_programs_under_is_bounded_by_the_names_looked_at_and_cached(tmp_path: Path) -> None:
    root = _context(tmp_path)
    files = BuildContext(root)
    assert files.programs_under("bin", limit=2) == ["bin/app", "bin/libfoo.so.1"]  # (bin/ looked at, not bin/zz)
    _file(root / "bin/new", executable=True)
    assert files.programs_under("bin") == ["bin/app", "bin/libfoo.so.1"]  # (read once per source)


def test_files_named_is_sorted_bounded_and_stays_inside(tmp_path: Path) -> None:
    files = BuildContext(_context(tmp_path))
    assert files.files_named((".csproj",)) == ["src/App/App.csproj", "src/Lib/Lib.csproj"]
    assert files.files_named((".csproj",), limit=1) == ["src/App/App.csproj"]
    assert files.files_named((".csproj", "app")) == ["bin/app", "src/App/App.csproj", "src/Lib/Lib.csproj"]
    assert BuildContext(None).files_named((".csproj",)) == []


def test_files_matching_passes_over_only_what_it_is_told(tmp_path: Path) -> None:
    files = BuildContext(_context(tmp_path))
    assert files.files_matching(".", ".csproj") == [".hidden/Hidden.csproj", "node_modules/pkg/Pkg.csproj",
                                                    "src/App/App.csproj", "src/Lib/Lib.csproj"]
    assert files.files_matching(".", ".csproj", skip=frozenset({".hidden", "node_modules"}), limit=1) == [
        "src/App/App.csproj"]
