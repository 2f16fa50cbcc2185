"""The runtime of an app whose npm library drives a headless browser (plan.browsers, rules/browsers.yaml).

A browser the library downloaded in the builder reaches the runtime with the builder's cache (rules/run-data.yaml);
a -dev runtime installs the libraries it loads and a font with apk. A runtime that cannot (no apk), and a browser of
the OS, which Wolfi does not package, are errors that say what is missing (MIG240).
"""

from __future__ import annotations

from migrator.findings import finding
from migrator.model import Finding
from migrator.plan.browsers import DOWNLOADED, BrowserUse, browser_use
from migrator.plan.ecosystems.base import RuntimePlan
from migrator.plan.planner import FilePlan
from migrator.regex import lazy as lazy_re

# `playwright install --with-deps chromium`: the flag and the space before it (the install itself stays)
_WITH_DEPS = lazy_re(r"(\bplaywright(?:@[^\s;&|]+)?\s+install\b(?:[ \t]+(?!--with-deps\b)[^\s;&|]+)*)"
                     r"[ \t]+--with-deps(?=[\s;&|]|$)")


def browser_of(plan: FilePlan, installed: tuple[str, ...]) -> BrowserUse | None:
    """The browser the app's declared npm library drives, as the final stage sets it up; None without the app's
    package.json on disk."""
    from migrator.rewrite.writer import final_package, stage_facts

    if plan.files.root is None or plan.root_of(plan.final).ecosystem != "node":
        return None
    package = final_package(plan)
    if package is None:
        return None
    return browser_use(package.dependencies - package.dev_only, stage_facts(plan, plan.final), installed)


def browser_runtime(plan: FilePlan, runtime_plan: RuntimePlan, runtime_image: str,
                    installed: tuple[str, ...]) -> list[Finding]:
    """A -dev runtime installs what a downloaded browser loads; otherwise the error that says what is missing."""
    use = browser_of(plan, installed)
    if use is None:
        return []
    image = plan.rules.image_model(runtime_image)
    name = runtime_image.rsplit("/", 1)[-1]
    line = plan.final.stage.from_item.line
    if use.source == DOWNLOADED and image.has_program("apk"):
        provided = plan.rules.image_facts(name.split(":")[0]).packages
        runtime_plan.packages += [p for p in use.packages if p not in runtime_plan.packages and p not in provided]
        return []
    if use.source == DOWNLOADED:
        return [finding("MIG240", line, f"{use.library} starts {use.browser}, which {use.how} downloads in the "
                        f"builder: the {name} runtime has none of the shared libraries it loads "
                        f"({', '.join(use.packages)}) and no apk to install them, so the first page render fails; "
                        "run the app on node's -dev image, which installs them with apk, or drive a browser that "
                        "runs as a service (puppeteer.connect, playwright's connect)")]
    return [finding("MIG240", _line_of(plan, use) or line, _system_message(use, name))]


def _system_message(use: BrowserUse, runtime: str) -> str:
    arm = "(built for linux arm64 from Puppeteer 25.11 on only)"
    if use.library == "puppeteer":
        fix = (f"let `npm ci` download Puppeteer's Chrome for Testing in the builder {arm}: drop "
               "PUPPETEER_SKIP_DOWNLOAD and PUPPETEER_EXECUTABLE_PATH (or the executablePath the app passes)")
    elif use.library == "puppeteer-core":
        fix = f"depend on puppeteer instead, which downloads Chrome for Testing at `npm ci` {arm}"
    else:
        fix = ("run `npx playwright install chromium` in the builder and launch Playwright's own Chromium (no "
               "executablePath or channel)")
    return (f"{use.library} drives a browser of the OS ({use.how}), which Wolfi does not package: no Chromium or "
            f"Chrome is in the Wolfi repository, so the {runtime} runtime has no browser to start and the first page "
            f"render fails; {fix}: this tool then gives the runtime that browser and installs the libraries it loads "
            "(MIG238); or drive a browser that runs as a service (puppeteer.connect to a browserless or chrome "
            "container)")


def _line_of(plan: FilePlan, use: BrowserUse) -> int:
    """The ENV line that points the library at the OS's browser (PUPPETEER_EXECUTABLE_PATH=...), or the RUN that
    installs its package; 0 when neither is found."""
    import re

    package = use.how.split()[1] if use.how.startswith("the ") else None
    variable = use.how.split("=", 1)[0]
    for stage in plan.final.stage.chain():
        for instruction in stage.instructions:
            if package is None and instruction.keyword == "ENV" and variable in instruction.body:
                return instruction.line
            if package is not None and instruction.keyword == "RUN" and re.search(
                    rf"(?<![\w.-]){re.escape(package)}(?![\w.-])", instruction.body):
                return instruction.line
    return 0


def without_system_deps(raw: str, line: int) -> tuple[str, list[Finding]]:
    """A RUN of the final stage with `playwright install --with-deps`, whose apt-get fails on Wolfi, without the flag,
    where the runtime installs the libraries the browser loads with apk (MIG241)."""
    dropped = _WITH_DEPS.sub(r"\1", raw)
    if dropped == raw:
        return raw, []
    return dropped, [finding("MIG241", line, "`--with-deps` dropped from `playwright install`: it installs the "
                             "browsers' libraries with apt-get, which Wolfi does not have (the step would fail); "
                             "the runtime installs the libraries the browser loads with apk instead (MIG238)")]
