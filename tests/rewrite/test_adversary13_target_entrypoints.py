"""Adversary 13, H4: a stage before the last with a CMD of its own (`docker build --target dev`, W MIG557) moved to
node:latest-dev or python:latest-dev, whose ENTRYPOINT is the interpreter, and kept no ENTRYPOINT: the target ran
`/usr/bin/node npm run dev`. It gets `ENTRYPOINT []` as the final stage does (MIG506), and the start check judges
such targets too (a second W MIG557 for one that cannot start).
"""

from __future__ import annotations

from pathlib import Path

from migrator.model import Result, Severity
from migrator.parse.dockerfile import parse
from migrator.rules.loader import load_rules
from migrator.validate.startable import check_start
from tests.migration_tools import builder_stage, codes, messages, migrate


def _not_info(result: Result) -> list[str]:
    return sorted(set(codes(result, Severity.WARNING) + codes(result, Severity.ERROR)))


NODE_TARGETS = """FROM node:20-alpine AS base
WORKDIR /app
COPY package*.json ./

FROM base AS development
RUN npm install
COPY . .
CMD ["npm", "run", "dev"]

FROM base AS production
RUN npm ci --omit=dev
COPY . .
USER node
CMD ["node", "server.js"]
"""

PYTHON_TARGETS = """FROM python:3.12-slim AS base
WORKDIR /app
COPY requirements.txt .
RUN pip install -r requirements.txt
COPY . .

FROM base AS dev
RUN pip install debugpy
CMD ["python", "manage.py", "runserver", "0.0.0.0:8000"]

FROM base AS prod
CMD ["gunicorn", "-b", "0.0.0.0:8000", "app.wsgi"]
"""


def test_a_node_target_stage_gets_entrypoint_reset_before_its_cmd(tmp_path: Path) -> None:
    (tmp_path / "package.json").write_text('{"name": "w", "scripts": {"dev": "nodemon server.js"}, '
                                           '"dependencies": {"express": "^4"}, "devDependencies": {"nodemon": "^3"}}')
    (tmp_path / "package-lock.json").write_text('{"lockfileVersion": 3}')
    (tmp_path / "server.js").write_text("require('express')\n")
    result = migrate(NODE_TARGETS, context=tmp_path)
    development = builder_stage(result).split("FROM base AS development\n")[1].split("\n\n")[0]
    assert development == 'USER root\nRUN npm install\nCOPY . .\nENTRYPOINT []\nCMD ["npm", "run", "dev"]'
    assert "cgr.dev/chainguard/node:latest-dev AS base" in result.dockerfile
    reset = [f for f in result.findings if f.code == "MIG506"]
    assert [(f.line, f.severity) for f in reset] == [(8, Severity.INFO), (14, Severity.INFO)]
    assert len(messages(result, "MIG557")) == 1  # (it starts now: no second MIG557)
    assert _not_info(result) == ["MIG220", "MIG557"]
    assert result.runtime is not None and result.runtime.status == "ok"


def test_a_python_target_stage_gets_entrypoint_reset_before_its_cmd(tmp_path: Path) -> None:
    (tmp_path / "requirements.txt").write_text("django\ngunicorn\n")
    (tmp_path / "manage.py").write_text("import django\n")
    result = migrate(PYTHON_TARGETS, context=tmp_path)
    dev = builder_stage(result).split("FROM base AS dev\n")[1].split("\n\n")[0]
    assert dev == ('RUN pip install debugpy\nENTRYPOINT []\n'
                   'CMD ["python", "manage.py", "runserver", "0.0.0.0:8000"]')
    assert 9 in [f.line for f in result.findings if f.code == "MIG506"]
    assert len(messages(result, "MIG557")) == 1
    assert result.runtime is not None and result.runtime.status == "ok"


def test_a_target_with_an_entrypoint_of_its_own_is_left_alone(tmp_path: Path) -> None:
    text = PYTHON_TARGETS.replace('CMD ["python", "manage.py"', 'ENTRYPOINT ["python"]\nCMD ["manage.py"')
    result = migrate(text, context=tmp_path)
    dev = builder_stage(result).split("FROM base AS dev\n")[1].split("\n\n")[0]
    assert dev == 'RUN pip install debugpy\nENTRYPOINT ["python"]\nCMD ["manage.py", "runserver", "0.0.0.0:8000"]'
    assert 9 not in [f.line for f in result.findings if f.code == "MIG506"]


def test_a_target_that_cannot_start_is_said(tmp_path: Path) -> None:
    (tmp_path / "package.json").write_text('{"name": "w", "devDependencies": {"nodemon": "^3"}}')
    (tmp_path / "server.js").write_text("\n")
    text = """FROM node:20-alpine AS dev
WORKDIR /app
COPY package.json ./
RUN npm install
COPY . .
CMD ["nodemon", "server.js"]

FROM node:20-alpine AS prod
WORKDIR /app
COPY . .
CMD ["node", "server.js"]
"""
    result = migrate(text, context=tmp_path)
    said = [f for f in result.findings if f.code == "MIG557"]
    assert [(f.line, f.severity) for f in said] == [(6, Severity.WARNING), (6, Severity.WARNING)]
    assert "stage 'dev' (docker build --target dev) cannot start its command: `nodemon` is not on the PATH" \
        in said[1].message
    assert result.runtime is not None and result.runtime.status == "ok"  # (the final stage starts)


def test_the_start_check_judges_a_target_that_keeps_the_interpreter_entrypoint() -> None:
    # the output before the fix: the target's CMD runs as the interpreter's argument
    text = """FROM cgr.dev/chainguard/node:latest-dev AS development
WORKDIR /app
COPY . .
CMD ["npm", "run", "dev"]

FROM cgr.dev/chainguard/node:latest
WORKDIR /app
COPY --from=development /app /app
ENTRYPOINT []
CMD ["node", "server.js"]
"""
    report, problems = check_start(parse(text), load_rules(), "cgr.dev/chainguard", targets=("development",))
    assert report is not None and report.status == "ok"
    (said,) = [p for p in problems if p.code == "MIG557"]
    assert said.line == 4 and "runs `/usr/bin/node npm run dev`" in said.message
    assert "add `ENTRYPOINT []`" in said.message
