"""`RUN ln -sf /bin/bash /bin/sh` (Debian files that make sh bash): the stage's RUN steps and its `#!/bin/sh` scripts
run with bash. A stage on wolfi-base installs bash before the link (else /bin/sh dangles and every later RUN
fails), and a start script whose `#!` is /bin/sh gets a runtime with bash and the link, not busybox sh
(adversary round 11, F11)."""

from __future__ import annotations

from pathlib import Path

import pytest
from migration_tools import codes, messages, migrate, status

BASH_SYNTAX = '#!/bin/sh\nset -e\nARGS=(--port 3000)\nexec node server.js "${ARGS[@]}"\n'
NODE = ("FROM node:20-slim\nRUN {link}\nWORKDIR /app\nCOPY . .\nRUN npm ci --omit=dev\n"
        'CMD ["./scripts/start.sh"]\n')


def _context(tmp_path: Path, script: str = BASH_SYNTAX) -> Path:
    (tmp_path / "scripts").mkdir()
    (tmp_path / "scripts" / "start.sh").write_text(script)
    (tmp_path / "package.json").write_text('{"name":"x","version":"1.0.0"}')
    return tmp_path


@pytest.mark.parametrize("link", ["ln -sf /bin/bash /bin/sh", "ln -s -f bash /bin/sh",
                                  "ln -snf /usr/bin/bash /usr/bin/sh"])
def test_a_sh_script_where_sh_was_bash_gets_bash_and_the_link(tmp_path: Path, link: str) -> None:
    result = migrate(NODE.format(link=link), context=_context(tmp_path))
    assert result.dockerfile == ("FROM cgr.dev/chainguard/wolfi-base:latest\n"
                                 "RUN apk add --no-cache nodejs npm bash\n"
                                 f"RUN {link}\nWORKDIR /app\nCOPY . .\nRUN npm ci --omit=dev\n"
                                 'CMD ["./scripts/start.sh"]\n')
    assert status(result) == "single-stage" and "MIG541" not in codes(result)
    assert any("bash is installed for the script" in m for m in messages(result, "MIG542"))


def test_without_the_link_a_sh_script_keeps_busybox_sh(tmp_path: Path) -> None:
    result = migrate(NODE.format(link="echo no link"), context=_context(tmp_path))
    assert "FROM cgr.dev/chainguard/node:latest\n" in result.dockerfile and "bash" not in result.dockerfile
    assert "MIG541" in codes(result)


def test_a_build_stage_on_wolfi_base_installs_bash_before_the_link() -> None:
    text = ("FROM debian:12 AS build\nRUN ln -sf /bin/bash /bin/sh\nRUN apt-get update && apt-get install -y gcc make\n"
            "COPY . /src\nRUN make -C /src\n\nFROM gcr.io/distroless/base-debian12\nCOPY --from=build /src/app /app\n"
            'CMD ["/app"]\n')
    result = migrate(text)
    assert result.dockerfile.startswith("FROM cgr.dev/chainguard/wolfi-base:latest AS build\n"
                                        "RUN apk add --no-cache bash\nRUN ln -sf /bin/bash /bin/sh\n")
    assert any("makes /bin/sh bash" in m for m in messages(result, "MIG551"))


def test_a_link_in_a_build_stage_only_leaves_the_runtime_alone(tmp_path: Path) -> None:
    text = ("FROM node:20-slim AS deps\nRUN ln -sf /bin/bash /bin/sh\nWORKDIR /app\nCOPY . .\nRUN npm ci --omit=dev\n\n"
            "FROM node:20-slim\nWORKDIR /app\nCOPY --from=deps /app /app\nCMD [\"./scripts/start.sh\"]\n")
    result = migrate(text, context=_context(tmp_path))
    assert result.dockerfile.rstrip().endswith('CMD ["./scripts/start.sh"]')
    assert "FROM cgr.dev/chainguard/node:latest\n" in result.dockerfile


@pytest.mark.parametrize(("runs", "need"), [("", "bash"), ("RUN ln -sf /bin/bash /bin/sh\n", None)])
def test_a_runtime_with_bash_still_needs_the_link(tmp_path: Path, runs: str, need: str | None) -> None:
    from migrator.parse.dockerfile import parse
    from migrator.plan.buildcontext import BuildContext
    from migrator.rules.loader import load_rules
    from migrator.validate.startable import check_start

    (tmp_path / "start.sh").write_text(BASH_SYNTAX)
    output = parse(f"FROM cgr.dev/chainguard/node:latest-dev\nUSER root\n{runs}COPY start.sh /start.sh\n"
                   'ENTRYPOINT ["/start.sh"]\n')
    report, _ = check_start(output, load_rules(), "cgr.dev/chainguard", True, "bash", BuildContext(tmp_path), {},
                            "`ln -sf /bin/bash /bin/sh` (line 2)")
    assert report is not None and report.need == need
    if need:
        assert "node:latest-dev's /bin/sh is busybox sh" in report.reason and "ln -sf /bin/bash /bin/sh" in report.reason


def test_debians_own_way_of_making_sh_bash_is_an_error_the_tool_explains(tmp_path: Path) -> None:
    # `dpkg-reconfigure dash` is Debian housekeeping the migration drops: the link is gone, so the script would
    # run under busybox sh; the error says what the stage needs
    (tmp_path / "scripts").mkdir()
    (tmp_path / "scripts" / "start.sh").write_text('#!/bin/sh\nARGS=(-s)\nexec curl "${ARGS[@]}" localhost\n')
    text = ('FROM debian:12\nRUN echo "dash dash/sh boolean false" | debconf-set-selections \\\n'
            " && DEBIAN_FRONTEND=noninteractive dpkg-reconfigure dash\n"
            "RUN apt-get update && apt-get install -y curl\nCOPY scripts /scripts\nCMD [\"/scripts/start.sh\"]\n")
    result = migrate(text, context=tmp_path)
    [error] = messages(result, "MIG549")
    assert "dpkg-reconfigure dash" in error and "`apk add bash` and `ln -sf /bin/bash /bin/sh`" in error


def test_debconf_alone_is_no_link_for_the_build_stages() -> None:
    text = ('FROM debian:12\nRUN echo "dash dash/sh boolean false" | debconf-set-selections '
            "&& dpkg-reconfigure dash\nRUN apt-get update && apt-get install -y curl\nCMD [\"curl\", \"-V\"]\n")
    assert "bash" not in migrate(text).dockerfile


@pytest.mark.parametrize("command", ['["sh", "./scripts/start.sh"]', "./scripts/start.sh",
                                     '["sh", "-c", "./scripts/start.sh"]'])
def test_sh_started_with_the_script_where_sh_was_bash_gets_bash_too(tmp_path: Path, command: str) -> None:
    text = NODE.format(link="ln -sf /bin/bash /bin/sh").replace('["./scripts/start.sh"]', command)
    result = migrate(text, context=_context(tmp_path))
    assert result.dockerfile.startswith("FROM cgr.dev/chainguard/wolfi-base:latest\n"
                                        "RUN apk add --no-cache nodejs npm bash\nRUN ln -sf /bin/bash /bin/sh\n")
    assert result.dockerfile.endswith(f"CMD {command}\n") and status(result) == "single-stage"
