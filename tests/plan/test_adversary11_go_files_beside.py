"""Adversary 11, F8: a single-stage Go web app (`COPY . .`, `go build -o server`, `CMD ["./server"]`) reads
templates/ and serves static/ relative to its working directory; the runtime copied the binary alone and the
program panicked at start with no finding. The Go sources in the build context are read for the directories they
name; without the context a warning (MIG567) says what may be missing."""

from __future__ import annotations

from pathlib import Path

from tests.migration_tools import final_stage, messages, migrate

DOCKERFILE = 'FROM golang:1.22\nWORKDIR /app\nCOPY . .\nRUN go build -o server ./cmd/app\nCMD ["./server"]\n'
MAIN = """package main

import (
\t"embed"
\t"html/template"
\t"net/http"
)

//go:embed assets
var assets embed.FS

var tpl = template.Must(template.ParseGlob("templates/*.html"))

func main() {
\thttp.Handle("/static/", http.FileServer(http.Dir("./static")))
\thttp.ListenAndServe(":8080", nil)
}
"""


def _context(tmp_path: Path) -> Path:
    for directory in ("templates", "static", "assets", "cmd/app", "docs"):
        (tmp_path / directory).mkdir(parents=True, exist_ok=True)
    (tmp_path / "cmd/app/main.go").write_text(MAIN)
    (tmp_path / "templates/index.html").write_text("<html></html>")
    (tmp_path / "Dockerfile").write_text(DOCKERFILE)
    return tmp_path


def test_the_directories_the_go_sources_read_are_copied_beside_the_binary(tmp_path: Path) -> None:
    runtime = final_stage(migrate(DOCKERFILE, context=_context(tmp_path)))
    assert "COPY --from=builder /app/templates /app/templates" in runtime
    assert "COPY --from=builder /app/static /app/static" in runtime
    assert "/app/assets" not in runtime and "/app/docs" not in runtime  # embedded; never named


def test_without_the_build_context_a_warning_says_they_may_be_missing() -> None:
    result = migrate(DOCKERFILE)
    (warning,) = messages(result, "MIG567")
    assert "/app" in warning and "--context" in warning


def test_a_program_started_outside_the_source_tree_gets_no_warning() -> None:
    text = 'FROM golang:1.22\nWORKDIR /src\nCOPY . .\nRUN go build -o /usr/local/bin/app .\nWORKDIR /\nCMD ["app"]\n'
    assert not messages(migrate(text), "MIG567")
