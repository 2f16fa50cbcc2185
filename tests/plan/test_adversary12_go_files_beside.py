"""Adversary 12, G6: F8's fix copied the directories the Go sources name (http.Dir("assets"), os.ReadDir("locales"))
but not the plain files a program opens relative to its working directory (template.ParseFiles("index.html")
panics at start, os.ReadFile("settings.json") fails), nor a directory inside golang-migrate's `file://` URL
("file://db/migrations"). They are copied beside the binary now; a path a read call names that the build context
has not is said (W MIG567)."""

from __future__ import annotations

from pathlib import Path

from tests.migration_tools import final_stage, messages, migrate

DOCKERFILE = """FROM golang:1.22-bookworm
WORKDIR /app
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN go build -o main .
EXPOSE 8080
CMD ["./main"]
"""
MAIN = """package main

import (
\t"html/template"
\t"net/http"
\t"os"

\t"github.com/golang-migrate/migrate/v4"
)

func main() {
\tcfg, err := os.ReadFile("settings.json")
\tif err != nil {
\t\tpanic(err)
\t}
\t_ = cfg
\tt := template.Must(template.ParseFiles("index.html", "./partials.html"))
\t_ = t
\tm, _ := migrate.New("file://db/migrations", os.Getenv("DATABASE_URL"))
\tm.Up()
\tos.ReadDir("locales")
\thttp.Handle("/assets/", http.StripPrefix("/assets/", http.FileServer(http.Dir("assets"))))
\thttp.ListenAndServe(":8080", nil)
}
"""


def _context(tmp_path: Path, main: str = MAIN, files: tuple[str, ...] = ("index.html", "partials.html",
                                                                        "settings.json")) -> Path:
    (tmp_path / "go.mod").write_text("module x\n")
    (tmp_path / "go.sum").write_text("")
    for directory in ("db/migrations", "locales", "assets", "docs"):
        (tmp_path / directory).mkdir(parents=True)
    (tmp_path / "db/migrations/1_init.up.sql").write_text("")
    for name in files:
        (tmp_path / name).write_text("x")
    (tmp_path / "README.md").write_text("x")
    (tmp_path / "main.go").write_text(main)
    (tmp_path / "Dockerfile").write_text(DOCKERFILE)
    return tmp_path


def test_files_and_url_directories_the_program_reads_are_copied_beside_it(tmp_path: Path) -> None:
    result = migrate(DOCKERFILE, context=_context(tmp_path))
    runtime = final_stage(result)
    for path in ("main", "assets", "locales", "db", "index.html", "partials.html", "settings.json"):
        assert f"COPY --from=builder /app/{path} /app/{path}\n" in runtime, path
    for path in ("go.mod", "go.sum", "main.go", "README.md", "docs", "Dockerfile"):
        assert f"/app/{path} " not in runtime, path
    said = messages(result, "MIG518")
    assert any("`settings.json`" in m for m in said) and any("`db/`" in m for m in said)
    assert not messages(result, "MIG567")


def test_a_file_a_read_call_names_that_the_context_lacks_is_said(tmp_path: Path) -> None:
    result = migrate(DOCKERFILE, context=_context(tmp_path, files=("index.html", "partials.html")))
    runtime = final_stage(result)
    assert "settings.json" not in runtime and "COPY --from=builder /app/index.html /app/index.html\n" in runtime
    (warning,) = messages(result, "MIG567")
    assert warning.startswith("`settings.json` (os.ReadFile in main.go) is read relative to the working directory /app")


def test_absolute_paths_urls_and_globs_are_not_taken_for_missing_files(tmp_path: Path) -> None:
    main = MAIN.replace('os.ReadFile("settings.json")', 'os.ReadFile("/etc/app/settings.json")').replace(
        '"file://db/migrations"', '"postgres://db:5432/app"').replace(
        '"index.html", "./partials.html"', '"index.html"').replace(
        'os.ReadDir("locales")', 'template.ParseGlob("views/*.tmpl")')
    result = migrate(DOCKERFILE, context=_context(tmp_path, main=main))
    (warning,) = messages(result, "MIG567")  # views/ is not in the context: the glob is said, the rest not
    assert warning.startswith("`views/*.tmpl` (ParseGlob in main.go)")
