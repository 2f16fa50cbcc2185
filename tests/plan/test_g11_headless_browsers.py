"""Defect G11: a Node app that renders pages with a headless browser (puppeteer, puppeteer-core, playwright) lost its
browser in the migration: the distroless node runtime got neither the browser the builder downloaded nor the
libraries it loads, and the only finding was the generic W MIG514; the first page render failed.

Now a browser the library downloads in the builder (Puppeteer's Chrome at `npm ci`, Playwright's Chromium at
`playwright install`) reaches the runtime from the builder's cache, and the runtime is node's -dev image, which
installs the libraries it loads and a font with apk (W MIG238; rules/browsers.yaml). `--with-deps`, whose apt-get
fails on Wolfi, is dropped (I MIG241). Wolfi packages no Chromium: an app pointed at the OS's chromium gets an
error that says so and what to do (E MIG240)."""

from __future__ import annotations

from pathlib import Path

import pytest
from migration_tools import builder_stage, codes, final_stage, messages, migrate

from migrator.model import Severity

LIBRARIES = ("libnss libnspr glib dbus-libs libatk-1.0 libatk-bridge-2.0 at-spi2-core cups-libs libdrm mesa-gbm "
             "libx11 libxcb libxcomposite libxdamage libxext libxfixes libxkbcommon libxrandr pango cairo alsa-lib "
             "libexpat1 fontconfig font-liberation")

DEBIAN_CHROMIUM = (
    "FROM node:20-bookworm-slim\n"
    "RUN apt-get update && apt-get install -y --no-install-recommends chromium fonts-liberation \\\n"
    "    && rm -rf /var/lib/apt/lists/*\n"
    "ENV PUPPETEER_SKIP_CHROMIUM_DOWNLOAD=true \\\n"
    "    PUPPETEER_EXECUTABLE_PATH=/usr/bin/chromium\n"
    "WORKDIR /app\nCOPY package*.json ./\nRUN npm ci --omit=dev\nCOPY . .\nEXPOSE 3000\n"
    'CMD ["node", "server.js"]\n')

ALPINE_CHROMIUM = (
    "FROM node:20-alpine\n"
    "RUN apk add --no-cache chromium nss freetype harfbuzz ca-certificates ttf-freefont\n"
    "ENV PUPPETEER_SKIP_DOWNLOAD=true \\\n"
    "    PUPPETEER_EXECUTABLE_PATH=/usr/bin/chromium-browser\n"
    "WORKDIR /app\nCOPY package.json package-lock.json ./\nRUN npm ci --omit=dev\nCOPY . .\n"
    'CMD ["node", "index.js"]\n')

PUPPETEER_DOWNLOAD = (
    "FROM node:20-bookworm\n"
    "RUN apt-get update && apt-get install -y --no-install-recommends \\\n"
    "      libnss3 libatk1.0-0 libatk-bridge2.0-0 libcups2 libdrm2 libxkbcommon0 libxcomposite1 \\\n"
    "      libxdamage1 libxfixes3 libxrandr2 libgbm1 libasound2 libpango-1.0-0 libcairo2 fonts-liberation \\\n"
    "    && rm -rf /var/lib/apt/lists/*\n"
    "WORKDIR /usr/src/app\nCOPY package.json package-lock.json ./\nRUN npm ci\nCOPY . .\n"
    'CMD ["node", "render.js"]\n')

PLAYWRIGHT = (
    "FROM node:20-bookworm\nWORKDIR /app\nCOPY package.json package-lock.json ./\nRUN npm ci\n"
    "RUN npx playwright install --with-deps chromium\nCOPY . .\n"
    'CMD ["node", "scrape.js"]\n')


def _context(tmp_path: Path, dependencies: str, dev: str = "") -> Path:
    devs = f', "devDependencies": {{{dev}}}' if dev else ""
    (tmp_path / "package.json").write_text(f'{{"name": "app", "dependencies": {{{dependencies}}}{devs}}}')
    (tmp_path / "package-lock.json").write_text('{"lockfileVersion": 3, "packages": {}}')
    return tmp_path


def _installs(runtime: str) -> set[str]:
    [line] = [line for line in runtime.splitlines() if line.startswith("RUN apk add --no-cache ")]
    return set(line.split()[4:])


def test_debian_chromium_for_puppeteer_is_an_error_wolfi_has_no_chromium(tmp_path: Path) -> None:
    result = migrate(DEBIAN_CHROMIUM, context=_context(tmp_path, '"express": "4", "puppeteer": "^22.0.0"'))
    runtime = final_stage(result)
    assert runtime.startswith("cgr.dev/chainguard/node:latest\n")  # (no browser to install: nothing gained by -dev)
    assert "ENV PUPPETEER_SKIP_CHROMIUM_DOWNLOAD=true \\\n    PUPPETEER_EXECUTABLE_PATH=/usr/bin/chromium\n" in runtime
    [error] = [f for f in result.findings if f.code == "MIG240"]
    assert error.severity is Severity.ERROR and error.line == 4  # (the ENV that points puppeteer at it)
    assert "puppeteer drives a browser of the OS (PUPPETEER_EXECUTABLE_PATH=/usr/bin/chromium)" in error.message
    assert "Wolfi does not package" in error.message and "Chrome for Testing" in error.message
    assert "MIG302" in codes(result, "error")  # (`apk add chromium` fails in the builder, as it said before)
    assert "MIG238" not in codes(result)
    assert result.runtime is not None and result.runtime.status == "ok"  # (it starts; the first render fails)


def test_alpine_chromium_for_puppeteer_core(tmp_path: Path) -> None:
    result = migrate(ALPINE_CHROMIUM, context=_context(tmp_path, '"puppeteer-core": "^22.0.0", "fastify": "4"'))
    [error] = messages(result, "MIG240")
    assert error.startswith("puppeteer-core drives a browser of the OS "
                            "(PUPPETEER_EXECUTABLE_PATH=/usr/bin/chromium-browser)")
    assert "depend on puppeteer instead, which downloads Chrome for Testing" in error
    assert [f.line for f in result.findings if f.code == "MIG240"] == [3]
    assert final_stage(result).startswith("cgr.dev/chainguard/node:latest\n")
    assert result.runtime is not None and result.runtime.status == "ok"


def test_puppeteer_core_with_the_os_chromium_and_no_variable(tmp_path: Path) -> None:
    """puppeteer-core downloads nothing: a chromium package the stage installs is the browser it is given."""
    dockerfile = ALPINE_CHROMIUM.replace("ENV PUPPETEER_SKIP_DOWNLOAD=true \\\n    PUPPETEER_EXECUTABLE_PATH="
                                         "/usr/bin/chromium-browser\n", "")
    result = migrate(dockerfile, context=_context(tmp_path, '"puppeteer-core": "^22.0.0"'))
    [error] = [f for f in result.findings if f.code == "MIG240"]
    assert "(the chromium package)" in error.message and error.line == 2  # (the RUN that installs it)


def test_a_skipped_download_and_the_os_chromium_without_a_variable(tmp_path: Path) -> None:
    """uptime-kuma's way: PUPPETEER_SKIP_CHROMIUM_DOWNLOAD and Debian's chromium, the path in the app's code."""
    dockerfile = DEBIAN_CHROMIUM.replace(" \\\n    PUPPETEER_EXECUTABLE_PATH=/usr/bin/chromium\n", "\n")
    assert "EXECUTABLE" not in dockerfile
    result = migrate(dockerfile, context=_context(tmp_path, '"puppeteer": "^22.0.0"'))
    [error] = [f for f in result.findings if f.code == "MIG240"]
    assert error.line == 2 and "puppeteer drives a browser of the OS (the chromium package)" in error.message
    assert "drop PUPPETEER_SKIP_DOWNLOAD and PUPPETEER_EXECUTABLE_PATH" in error.message


def test_puppeteer_downloaded_chrome_gets_its_libraries_and_the_cache(tmp_path: Path) -> None:
    result = migrate(PUPPETEER_DOWNLOAD, context=_context(tmp_path, '"puppeteer": "^23.0.0"'))
    runtime = final_stage(result)
    assert runtime.startswith("cgr.dev/chainguard/node:latest-dev\n")
    assert "\nUSER root\nRUN apk add --no-cache " in runtime and "\nUSER 65532\n" in runtime
    assert set(LIBRARIES.split()) <= _installs(runtime)
    assert "COPY --from=builder /root/.cache/puppeteer /home/node/.cache/puppeteer\n" in runtime
    [why] = [f for f in result.findings if f.code == "MIG238"]
    assert why.severity is Severity.WARNING
    assert "puppeteer starts Chrome for Testing, which `npm ci` downloads in the builder" in why.message
    assert "linux arm64" in why.message
    assert "MIG514" not in codes(result) and "MIG240" not in codes(result)
    assert result.runtime is not None and result.runtime.status == "ok"


def test_playwright_install_with_deps_loses_the_flag_and_the_runtime_installs_the_libraries(tmp_path: Path) -> None:
    result = migrate(PLAYWRIGHT, context=_context(tmp_path, '"playwright": "^1.45.0"'))
    assert "RUN npx playwright install chromium\n" in builder_stage(result)
    runtime = final_stage(result)
    assert runtime.startswith("cgr.dev/chainguard/node:latest-dev\n")
    assert _installs(runtime) == set(LIBRARIES.split())
    assert "COPY --from=builder /root/.cache/ms-playwright /home/node/.cache/ms-playwright\n" in runtime
    [dropped] = [f for f in result.findings if f.code == "MIG241"]
    assert dropped.severity is Severity.INFO and dropped.line == 5
    assert "MIG577" not in codes(result)
    assert "`npx playwright install chromium` downloads" in messages(result, "MIG238")[0]
    assert result.runtime is not None and result.runtime.status == "ok"


def test_a_versioned_npx_playwright(tmp_path: Path) -> None:
    dockerfile = PLAYWRIGHT.replace("npx playwright install", "npx -y playwright@1.45.0 install")
    result = migrate(dockerfile, context=_context(tmp_path, '"@playwright/test": "^1.45.0"'))
    assert "RUN npx -y playwright@1.45.0 install chromium\n" in builder_stage(result)
    assert "COPY --from=builder /root/.cache/ms-playwright /home/node/.cache/ms-playwright\n" in final_stage(result)
    assert "MIG241" in codes(result) and "MIG577" not in codes(result)


def test_playwright_without_the_build_context_is_as_before() -> None:
    """Nothing is guessed without package.json: --with-deps stays an error, the runtime distroless."""
    result = migrate(PLAYWRIGHT)
    assert "RUN npx playwright install --with-deps chromium\n" in builder_stage(result)
    assert final_stage(result).startswith("cgr.dev/chainguard/node:latest\n")
    assert "MIG577" in codes(result, "error") and "MIG238" not in codes(result) and "MIG241" not in codes(result)


@pytest.mark.parametrize("skip", ["ENV PUPPETEER_SKIP_DOWNLOAD=true\n", "ENV PUPPETEER_SKIP_CHROMIUM_DOWNLOAD=1\n"])
def test_a_skipped_download_gives_no_browser_to_carry(tmp_path: Path, skip: str) -> None:
    dockerfile = PUPPETEER_DOWNLOAD.replace("WORKDIR /usr/src/app\n", f"{skip}WORKDIR /usr/src/app\n")
    result = migrate(dockerfile, context=_context(tmp_path, '"puppeteer": "^23.0.0"'))
    assert final_stage(result).startswith("cgr.dev/chainguard/node:latest\n")
    assert "/.cache/puppeteer" not in result.dockerfile
    assert "MIG238" not in codes(result) and "MIG240" not in codes(result)


def test_puppeteer_browsers_install_downloads_whatever_the_variables_say(tmp_path: Path) -> None:
    dockerfile = PUPPETEER_DOWNLOAD.replace(
        "RUN npm ci\n", "ENV PUPPETEER_SKIP_DOWNLOAD=true\nRUN npm ci\n"
                        "RUN npx puppeteer browsers install chrome --path /opt/browsers\n")
    result = migrate(dockerfile, context=_context(tmp_path, '"puppeteer": "^23.0.0"'))
    runtime = final_stage(result)
    assert runtime.startswith("cgr.dev/chainguard/node:latest-dev\n")
    assert "COPY --from=builder /opt/browsers /opt/browsers\n" in runtime and "/.cache/puppeteer" not in runtime
    assert "`npx puppeteer browsers install chrome --path /opt/browsers` downloads" in messages(result, "MIG238")[0]


def test_a_dev_dependency_is_pruned_before_the_runtime(tmp_path: Path) -> None:
    result = migrate(PUPPETEER_DOWNLOAD, context=_context(tmp_path, '"express": "4"', dev='"puppeteer": "23"'))
    assert final_stage(result).startswith("cgr.dev/chainguard/node:latest\n")
    assert "MIG238" not in codes(result)


def test_the_cache_directory_the_stage_sets(tmp_path: Path) -> None:
    dockerfile = PUPPETEER_DOWNLOAD.replace("WORKDIR /usr/src/app\n",
                                            "ENV PUPPETEER_CACHE_DIR=/opt/puppeteer\nWORKDIR /usr/src/app\n")
    result = migrate(dockerfile, context=_context(tmp_path, '"puppeteer": "^23.0.0"'))
    runtime = final_stage(result)
    assert "ENV PUPPETEER_CACHE_DIR=/opt/puppeteer\n" in runtime
    assert "COPY --from=builder /opt/puppeteer /opt/puppeteer\n" in runtime


def test_a_puppeteer_configuration_file_may_move_the_cache(tmp_path: Path) -> None:
    """`cacheDirectory` in .puppeteerrc.cjs (often under the project): no COPY of a ~/.cache/puppeteer that may not
    exist (it would fail the build); the RUN is named instead (MIG591), and the libraries are still installed."""
    context = _context(tmp_path, '"puppeteer": "^23.0.0"')
    (context / ".puppeteerrc.cjs").write_text("module.exports = {cacheDirectory: __dirname + '/.cache/puppeteer'};\n")
    result = migrate(PUPPETEER_DOWNLOAD, context=context)
    assert "/.cache/puppeteer /home" not in result.dockerfile
    assert final_stage(result).startswith("cgr.dev/chainguard/node:latest-dev\n")
    [named] = [f for f in result.findings if f.code == "MIG591"]
    assert named.line == 8 and "the app's .puppeteerrc.cjs may set it" in named.message


def test_an_install_without_scripts_downloads_nothing(tmp_path: Path) -> None:
    dockerfile = PUPPETEER_DOWNLOAD.replace("RUN npm ci\n", "RUN npm ci --ignore-scripts\n")
    result = migrate(dockerfile, context=_context(tmp_path, '"puppeteer": "^23.0.0"'))
    assert "MIG238" not in codes(result) and "/.cache/puppeteer" not in result.dockerfile


def test_the_browser_table_names_wolfi_packages_and_no_chromium() -> None:
    from migrator.rules.data import builtin_data
    from migrator.rules.loader import builtin_rules_dir

    names = set((builtin_rules_dir() / "wolfi" / "packages.txt").read_text().split())
    table = builtin_data("browsers.yaml")
    for package in table["libraries"] + table["fonts"]:
        assert package in names, package
    assert table["system"]["wolfi"] is None and "chromium" not in names  # (the facts snapshot packages none)
    assert {rule["downloads"] for rule in table["node"].values()} <= {"install", "command", "never"}
