"""fix64 item 6: the build context's trees are walked through BuildContext, the project's one reader of context
files (it keeps every read inside the context, symlinks too, and bounds what it walks): the Go sources read for
directories the program opens beside itself (go_files), Django settings modules (run_data), and copied trees."""

from __future__ import annotations

from pathlib import Path

from migration_tools import final_stage, messages, migrate

from migrator.plan.buildcontext import BuildContext

GO = """\
FROM golang:1.22
WORKDIR /src
COPY . .
RUN go build -o app .
CMD ["./app"]
"""


def _go_project(root: Path, outside: Path) -> None:
    for name in ("templates", "static", "secrets", "vendor/lib"):
        (root / name).mkdir(parents=True)
    (root / "main.go").write_text('package main\nfunc main() { _ = "templates/index.html" }\n')
    (root / "vendor" / "lib" / "lib.go").write_text('package lib\nvar _ = "static/app.css"\n')
    (outside / "linked").mkdir()
    (outside / "linked" / "away.go").write_text('package away\nvar _ = "secrets/key.pem"\n')
    (root / "linked").symlink_to(outside / "linked", target_is_directory=True)
    (root / "away.go").symlink_to(outside / "linked" / "away.go")


def test_go_sources_are_read_inside_the_context_only(tmp_path: Path) -> None:
    root, outside = tmp_path / "ctx", tmp_path / "outside"
    root.mkdir(), outside.mkdir()
    _go_project(root, outside)
    result = migrate(GO, context=root)
    assert "COPY --from=builder /src/templates /src/templates\n" in final_stage(result)
    assert "/src/static" not in final_stage(result)  # (named in vendor/ only)
    assert "/src/secrets" not in final_stage(result)  # (named only by Go files reached through links out)
    assert [m for m in messages(result, "MIG518") if "copied beside the binary" in m] == [
        "/src/templates copied beside the binary: the Go sources read `templates/` relative to the working "
        "directory /src, and the original image had it there"]


def test_files_matching_is_sorted_bounded_and_stays_inside(tmp_path: Path) -> None:
    root, outside = tmp_path / "ctx", tmp_path / "outside"
    root.mkdir(), outside.mkdir()
    _go_project(root, outside)
    (root / "b.go").write_text("package main\n")
    files = BuildContext(root)
    assert files.files_matching(".", ".go", skip=frozenset({"vendor"})) == ["b.go", "main.go"]
    assert files.files_matching(".", ".go") == ["b.go", "main.go", "vendor/lib/lib.go"]
    assert files.files_matching(".", ".go", limit=1) == ["b.go"]
    assert files.files_matching("linked", ".go") is None  # (a link out of the context is no context directory)
    assert files.files_matching("nothing", ".go") is None
    assert BuildContext(None).files_matching(".", ".go") is None


def test_glob_stays_inside_the_context(tmp_path: Path) -> None:
    root, outside = tmp_path / "ctx", tmp_path / "outside"
    root.mkdir(), outside.mkdir()
    _go_project(root, outside)
    files = BuildContext(root)
    assert files.glob("*.go") == ["main.go"]  # (away.go links out)
    assert files.glob("*/*.go") == []
    assert files.glob("../outside/*") == []
    assert files.glob("*", limit=2) == sorted(files.glob("*", limit=2)) and len(files.glob("*", limit=2)) == 2
