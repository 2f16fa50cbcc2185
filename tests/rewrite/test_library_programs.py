"""Packages that are programs as well as libraries (imagemagick, graphviz, libvips) in the original final stage.

Adversary round 5, M4: the split runtime copied only their shared libraries, so `convert`, `magick` and `dot`,
which mini_magick, pydot and Sphinx shell out to, were gone without a word; a -dev runtime did not apk-add them
either. Their programs now count: installed on a -dev one (MIG569), and since fix89 (review 21 S21-2) a
distroless runtime becomes the -dev one that installs them (MIG238) unless a RUN step of the stage runs them
(MIG514 then names them: they may have served the build only).
"""

from __future__ import annotations

from migration_tools import builder_stage, final_stage, migrate

from migrator.api import migrate_text
from migrator.model import Options

PYTHON_APP = """\
FROM python:3.12-slim
RUN apt-get update && apt-get install -y --no-install-recommends {packages} && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY . .
RUN pip install -r requirements.txt
CMD ["python","app.py"]
"""


def _kept(packages: str) -> str:
    result = migrate(PYTHON_APP.format(packages=packages))
    assert final_stage(result).startswith("cgr.dev/chainguard/python:latest-dev\n")
    assert "MIG514" not in [f.code for f in result.findings]
    [kept] = [f.message for f in result.findings if f.code == "MIG238"]
    return kept


def test_imagemagick_and_graphviz_programs_are_installed_on_the_dev_runtime():
    kept = _kept("imagemagick graphviz ffmpeg")
    assert "installed imagemagick, graphviz, ffmpeg, whose programs no RUN step of the stage runs" in kept


def test_their_libraries_are_still_carried_for_bindings_that_load_them():
    result = migrate_text(PYTHON_APP.format(packages="imagemagick graphviz"), Options())
    builder, runtime = builder_stage(result), final_stage(result)
    assert "/usr/lib/libMagickWand-7.*.so.*" in builder and "/usr/lib/libgvc.so.*" in builder
    assert "COPY --from=builder /runtime-libs/usr/lib/ /usr/lib/" in runtime


def test_vips_tools_and_xsltproc_count_as_programs_too():
    assert "installed libvips, whose programs" in _kept("libvips-tools xsltproc")


def test_a_library_without_programs_is_still_only_carried():
    result = migrate_text(PYTHON_APP.format(packages="libpq5 libxml2"), Options())
    assert "MIG514" not in [f.code for f in result.findings]
    assert "MIG521" in [f.code for f in result.findings]


def test_a_dev_runtime_installs_imagemagick_like_its_other_packages():
    text = ("FROM ruby:3.3-alpine AS b\nWORKDIR /app\nCOPY . .\nRUN gem install rails\nFROM ruby:3.3-alpine\n"
            "RUN apk add --no-cache imagemagick nodejs\nWORKDIR /app\nCOPY --from=b /app /app\n"
            "COPY --from=b /usr/local/bundle /usr/local/bundle\n")
    result = migrate(text)
    runtime = final_stage(result)
    assert "RUN apk add --no-cache imagemagick nodejs" in runtime
    [installed] = [f.message for f in result.findings if f.code == "MIG569"]
    assert "imagemagick" in installed


def test_a_program_the_build_itself_runs_is_said_to_maybe_serve_only_the_build():
    text = PYTHON_APP.format(packages="graphviz").replace(
        "RUN pip install", "RUN dot -Tpng docs/arch.dot -o static/arch.png\nRUN pip install")
    result = migrate_text(text, Options())
    [lost] = [f.message for f in result.findings if f.code == "MIG514"]
    assert "the stage's RUN steps use graphviz: nothing is lost if only the build needs them" in lost


def test_a_library_only_name_of_the_same_wolfi_package_carries_only_the_libraries():
    """Alpine's vips, xz-libs and imagemagick-libs become Wolfi's libvips, xz and imagemagick, which hold the
    programs too; the stage asked for the libraries, so nothing is lost (rubygems.org and docuseal do this)."""
    text = ("FROM ruby:3.3-alpine\nRUN apk add --no-cache vips xz-libs zstd-libs imagemagick-libs\nWORKDIR /app\n"
            "COPY . .\nRUN bundle install\nCMD [\"bundle\",\"exec\",\"puma\"]\n")
    result = migrate_text(text, Options())
    assert "MIG514" not in [f.code for f in result.findings]
    [carried] = [f.message for f in result.findings if f.code == "MIG521"]
    assert "libvips" in carried and "imagemagick" in carried


def test_alpines_program_packages_count_like_debians():
    text = ("FROM ruby:3.3-alpine\nRUN apk add --no-cache graphviz xz=5.6.2-r0\nWORKDIR /app\n"
            "COPY . .\nRUN bundle install\nCMD [\"bundle\",\"exec\",\"puma\"]\n")
    result = migrate(text)
    assert "RUN apk add --no-cache graphviz xz\n" in final_stage(result)
    [kept] = [f.message for f in result.findings if f.code == "MIG238"]
    assert "installed graphviz, xz, whose programs" in kept


def test_build_dependencies_under_a_virtual_name_are_not_taken_for_programs_the_app_runs():
    text = ("FROM ruby:3.3-alpine\nRUN apk add --no-cache --virtual .build-deps graphviz build-base && bundle install"
            " && apk del .build-deps\nWORKDIR /app\nCOPY . .\nCMD [\"bundle\",\"exec\",\"puma\"]\n")
    lost = [f.message for f in migrate_text(text, Options()).findings if f.code == "MIG514"]
    assert not any("graphviz" in message for message in lost)
