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

from migrator.model import Finding, Severity
from migrator.records import dataclass

TYPE_CHECKING = False  # not typing's: importing typing costs 2 ms of a cold run (docs/performance.md)
if TYPE_CHECKING:
    from typing import Any

AREAS = ("read", "images", "packages", "shell", "stages", "validate", "registry", "config", "bot")


@dataclass(frozen=True)
class Code:
    code: str
    severity: Severity
    title: str
    doc: str

    def __init__(self, code: str, severity: Severity, title: str, doc: str) -> None:
        # written out: a run loads a few hundred codes, and records would compile an initialiser for them, the
        # run's only compile in most files (the interpreter's first compile costs 1 ms: docs/performance.md)
        self.__dict__.update(code=code, severity=severity, title=title, doc=doc)

    def finding(self, line: int, message: str | None = None) -> Finding:
        return Finding(self.code, self.severity, line, message or self.title)


# the areas a code's hundred is in (the numbering above): a finding loads its area, not all nine
AREAS_OF_HUNDRED = {"1": ("read",), "2": ("images",), "3": ("packages",), "4": ("shell",), "5": ("stages",),
                    "6": ("validate", "registry"), "7": ("config",), "8": ("bot",)}

_loaded: dict[str, Code] = {}
_loaded_areas: set[str] = set()


def _load(areas: tuple[str, ...]) -> None:
    for area in areas:
        if area in _loaded_areas:
            continue
        module = importlib.import_module(f"migrator.findings.{area}")
        for code in module.CODES:
            if code.code in _loaded:
                raise RuntimeError(f"duplicate finding code {code.code}")
            _loaded[code.code] = code
        _loaded_areas.add(area)


def catalog() -> dict[str, Code]:
    _load(AREAS)
    return _loaded


def lookup(code: str) -> Code:
    code = code.upper()
    if code not in _loaded:
        _load(AREAS_OF_HUNDRED.get(code[3:4], AREAS))
    if code not in _loaded:
        _load(AREAS)  # a code outside its hundred's areas: still found, and the catalogue test says so
    try:
        return _loaded[code]
    except KeyError:
        raise KeyError(code) from None


class _Area:
    """An area's module, imported when one of its codes is first used: a module that may say a code of an area
    imports it with `area()` (most files get no code of most areas, and an area is a module of docs to read)."""

    def __init__(self, name: str) -> None:
        self._name = name

    def __getattr__(self, name: str) -> Code:
        return getattr(importlib.import_module(f"migrator.findings.{self._name}"), name)  # type: ignore[no-any-return]


def area(name: str) -> Any:
    """The codes of area `name` (`area("shell").RUN_UNPARSED`), its module imported at the first use of one."""
    return _Area(name)


def finding(code: str, line: int, message: str | None = None) -> Finding:
    """Build a finding for a catalogued code; the message defaults to the code's title."""
    return lookup(code).finding(line, message)
