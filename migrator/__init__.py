"""migrator: turn existing Dockerfiles into multi-stage builds on Chainguard Images.

The library API lives in :mod:`migrator.api` (``migrate_text``, ``migrate_path``); this package
module stays import-light because the pre-commit hook starts a process per commit.
"""

__version__ = "0.1.0"


def _pathlib_without_urllib() -> None:
    """Import pathlib without urllib.parse (and its ipaddress): 1.5-2 ms of a cold run, for
    `Path.as_uri`, which migrator never calls. pathlib takes `quote_from_bytes` from urllib.parse
    when it is imported (Python 3.10-3.12); it gets a function that imports the real one when it
    is first called. The stand-in is in `sys.modules` only while pathlib is being imported: any
    later `import urllib.parse` is the real module."""
    import sys

    if "pathlib" in sys.modules or "urllib.parse" in sys.modules:
        return
    from types import ModuleType

    def quote_from_bytes(*args: object, **kwargs: object) -> str:
        from urllib.parse import quote_from_bytes as quote

        return quote(*args, **kwargs)  # type: ignore[arg-type]

    stand_in = ModuleType("urllib.parse")
    vars(stand_in)["quote_from_bytes"] = quote_from_bytes
    sys.modules["urllib.parse"] = stand_in
    try:
        import pathlib  # noqa: F401
    finally:
        if sys.modules.get("urllib.parse") is stand_in:
            del sys.modules["urllib.parse"]


_pathlib_without_urllib()
