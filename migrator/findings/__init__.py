"""The catalogue of finding codes.

Codes are grouped by area, one module per area (``read``, ``images``, ``packages``, ``shell``,
``stages``, ``validate``, ``registry``, ``config``, ``bot``); each module lists its codes as ``CODES``. A code is
stable forever: rename the title, never the code. ``migrate --explain CODE`` prints ``Code.doc``.

    MIG1xx reading the Dockerfile       MIG5xx multi-stage / runtime
    MIG2xx base images                  MIG6xx validation (MIG64x: the image registry)
    MIG3xx packages                     MIG7xx configuration, hooks, scanning
    MIG4xx RUN commands and users       MIG8xx pull-request bot
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass

from migrator.model import Finding, Severity

AREAS = ("read", "images", "packages", "shell", "stages", "validate", "registry", "config", "bot")


@dataclass(frozen=True)
class Code:
    code: str
    severity: Severity
    title: str
    doc: str

    def finding(self, line: int, message: str | None = None) -> Finding:
        return Finding(self.code, self.severity, line, message or self.title)


_catalog: dict[str, Code] | None = None


def catalog() -> dict[str, Code]:
    global _catalog
    if _catalog is None:
        table: dict[str, Code] = {}
        for area in AREAS:
            module = importlib.import_module(f"migrator.findings.{area}")
            for code in module.CODES:
                if code.code in table:
                    raise RuntimeError(f"duplicate finding code {code.code}")
                table[code.code] = code
        _catalog = table
    return _catalog


def lookup(code: str) -> Code:
    try:
        return catalog()[code.upper()]
    except KeyError:
        raise KeyError(code) from None


def finding(code: str, line: int, message: str | None = None) -> Finding:
    """Build a finding for a catalogued code; the message defaults to the code's title."""
    return lookup(code).finding(line, message)
