"""Adversary 11 F7: programs the app's own libraries run at run time (pydub and openai-whisper run `ffmpeg`, pdf2image
runs poppler's `pdftoppm`), installed by the original final stage, were left in the builder: the distroless runtime
has neither, and the first transcription or PDF conversion fails. The runtime is now the language's -dev image, which
installs them with apk (W MIG238 says why, I MIG569 what). Libraries that only load shared libraries (.NET's
System.Drawing: libgdiplus, fontconfig, fonts) are carried into the distroless runtime with what they load."""

from __future__ import annotations

from pathlib import Path

from migration_tools import codes, messages, migrate

from migrator.model import Severity

PYTHON = ("FROM python:3.11-slim\n"
          "RUN apt-get update && apt-get install -y --no-install-recommends ffmpeg poppler-utils "
          "&& rm -rf /var/lib/apt/lists/*\n"
          "WORKDIR /app\nCOPY requirements.txt .\nRUN pip install --no-cache-dir -r requirements.txt\nCOPY . .\n"
          'CMD ["uvicorn", "main:app", "--host", "0.0.0.0", "--port", "8000"]\n')


def _runtime(dockerfile: str) -> str:
    return dockerfile.rsplit("\nFROM ", 1)[-1]


def test_programs_the_declared_libraries_run_are_installed_in_the_dev_runtime(tmp_path: Path) -> None:
    (tmp_path / "requirements.txt").write_text("openai-whisper==20231117\npydub\npdf2image>=1.16\nfastapi\nuvicorn\n")
    result = migrate(PYTHON, context=tmp_path)
    runtime = _runtime(result.dockerfile)
    assert runtime.startswith("cgr.dev/chainguard/python:latest-dev\n")
    assert "USER root\nRUN apk add --no-cache ffmpeg poppler-utils\nUSER 65532\n" in runtime
    assert "COPY --from=builder /opt/venv /opt/venv\n" in runtime  # (still a split: the venv from the builder)
    assert ("# Runtime stage on python (its -dev image: apk installs the programs the app runs)\n"
            "FROM cgr.dev/chainguard/python:latest-dev\n") in result.dockerfile
    [why] = [f for f in result.findings if f.code == "MIG238"]
    assert why.severity is Severity.WARNING and why.line == 1
    assert "pydub runs `ffmpeg` (ffmpeg)" in why.message
    assert "pdf2image runs `pdftoppm`, `pdfinfo` (poppler-utils)" in why.message
    assert "MIG514" not in codes(result) and "MIG569" in codes(result)
    assert result.runtime is not None and result.runtime.status == "ok"


def test_pyproject_and_poetry_dependencies_count_too(tmp_path: Path) -> None:
    (tmp_path / "requirements.txt").write_text("fastapi\n")
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "x"\ndependencies = ["pdf2image>=1.16"]\n')
    result = migrate(PYTHON, context=tmp_path)
    assert _runtime(result.dockerfile).startswith("cgr.dev/chainguard/python:latest-dev\n")
    [why] = [f for f in result.findings if f.code == "MIG238"]
    assert "pdf2image runs `pdftoppm`, `pdfinfo` (poppler-utils)" in why.message
    assert "installed ffmpeg, whose programs no RUN step of the stage runs" in why.message  # (fix89: S21-2)


def test_without_such_a_library_the_programs_are_kept_all_the_same(tmp_path: Path) -> None:
    """ffmpeg and poppler-utils installed in the final stage, no declared library runs them and no RUN step does:
    the app runs them at run time (fix89, review 21 S21-2), so the -dev runtime installs them (no W MIG514)."""
    (tmp_path / "requirements.txt").write_text("fastapi\nuvicorn\n")
    result = migrate(PYTHON, context=tmp_path)
    assert _runtime(result.dockerfile).startswith("cgr.dev/chainguard/python:latest-dev\n")
    assert "installed ffmpeg, poppler-utils, whose programs" in messages(result, "MIG238")[0]
    assert "MIG514" not in codes(result)


def test_without_the_build_context_the_programs_are_kept_too() -> None:
    result = migrate(PYTHON)
    assert _runtime(result.dockerfile).startswith("cgr.dev/chainguard/python:latest-dev\n")
    assert "the app's libraries" not in messages(result, "MIG238")[0]


def test_a_node_library_that_runs_ffmpeg(tmp_path: Path) -> None:
    (tmp_path / "package.json").write_text('{"name": "x", "dependencies": {"fluent-ffmpeg": "2"}}')
    dockerfile = ("FROM node:20-bookworm-slim\nRUN apt-get update && apt-get install -y ffmpeg\nWORKDIR /app\n"
                  "COPY . .\nRUN npm ci --omit=dev\nCMD [\"node\", \"server.js\"]\n")
    result = migrate(dockerfile, context=tmp_path)
    runtime = _runtime(result.dockerfile)
    assert runtime.startswith("cgr.dev/chainguard/node:latest-dev\n") and "RUN apk add --no-cache ffmpeg\n" in runtime
    assert "fluent-ffmpeg runs `ffmpeg` (ffmpeg)" in next(f for f in result.findings if f.code == "MIG238").message


def test_a_gem_that_runs_imagemagick(tmp_path: Path) -> None:
    (tmp_path / "Gemfile").write_text("source 'https://rubygems.org'\ngem 'rails'\ngem \"mini_magick\", '~> 4'\n")
    (tmp_path / "Gemfile.lock").write_text("")
    dockerfile = ("FROM ruby:3.3-slim\nRUN apt-get update && apt-get install -y imagemagick\nWORKDIR /app\n"
                  "COPY Gemfile Gemfile.lock ./\nRUN bundle install\nCOPY . .\nCMD [\"bundle\", \"exec\", \"puma\"]\n")
    result = migrate(dockerfile, context=tmp_path)
    assert "RUN apk add --no-cache imagemagick\n" in _runtime(result.dockerfile)
    assert "mini_magick runs `convert` (imagemagick)" in next(f for f in result.findings if f.code == "MIG238").message


def test_system_drawing_libraries_and_fonts_are_carried_to_the_aspnet_runtime() -> None:
    dockerfile = ("FROM mcr.microsoft.com/dotnet/sdk:8.0 AS build\nWORKDIR /src\nCOPY . .\n"
                  "RUN dotnet publish App.csproj -c Release -o /out\n\n"
                  "FROM mcr.microsoft.com/dotnet/aspnet:8.0\n"
                  "RUN apt-get update && apt-get install -y --no-install-recommends libgdiplus fontconfig fonts-dejavu\n"
                  "WORKDIR /app\nCOPY --from=build /out .\nENTRYPOINT [\"dotnet\", \"App.dll\"]\n")
    result = migrate(dockerfile)
    runtime = _runtime(result.dockerfile)
    assert runtime.startswith("cgr.dev/chainguard/aspnet-runtime:latest\n")
    for copied in ("/usr/lib/", "/etc/fonts/", "/usr/share/fonts/", "/usr/share/fontconfig/"):
        assert f"COPY --from=builder /runtime-libs{copied} {copied}\n" in runtime
    assert "/usr/lib/libgdiplus.so* /usr/lib/libfontconfig.so.*" in result.dockerfile
    carried = next(f for f in result.findings if f.code == "MIG521")
    assert "libgdiplus" in carried.message and "ttf-dejavu" in carried.message
    lost = [f.message for f in result.findings if f.code == "MIG514"]
    assert all("libgdiplus" not in m and "ttf-dejavu" not in m for m in lost)  # (fontconfig's fc-* programs only)


def test_every_package_of_the_table_is_a_wolfi_package() -> None:
    from fnmatch import fnmatchcase

    from migrator.rules.data import builtin_data
    from migrator.rules.loader import builtin_rules_dir

    names = (builtin_rules_dir() / "wolfi" / "packages.txt").read_text().split()
    table = builtin_data("library-programs.yaml")
    assert set(table) == {"python", "node", "ruby"}
    for libraries in table.values():
        for library, programs in libraries.items():
            assert programs, library
            for pattern in programs.values():
                assert any(fnmatchcase(n, pattern) for n in names), (library, pattern)


def test_a_headers_package_is_no_program(tmp_path: Path) -> None:
    (tmp_path / "requirements.txt").write_text("pydub\n")
    dockerfile = PYTHON.replace("ffmpeg poppler-utils", "libavcodec-dev")
    assert "MIG238" not in codes(migrate(dockerfile, context=tmp_path))
