"""The one library API that the CLI, the pre-commit hook, the scanner and the bot all call.

    result = migrate_text(text, Options(registry="cgr.dev/acme"), path="Dockerfile")
    result.dockerfile, result.changed, result.stages, result.findings

Pipeline: parse -> plan -> rewrite -> render (see the sub-packages of the same names), then, only
with `Options(pin=True)` or `verify_tags=True`, the registry step (`migrator.registry`).
"""

from __future__ import annotations

from pathlib import Path

from migrator.model import MigratorError, Options, Result


def migrate_text(text: str, options: Options | None = None, path: str = "Dockerfile") -> Result:
    """Migrate Dockerfile text. Raises MigratorError for text that is not a Dockerfile, and its
    subclass RegistryError when `pin` / `verify_tags` need a registry that cannot be asked."""
    from migrator.pipeline import run

    options = options or Options()
    result = run(text, options, path)
    if options.pin or options.verify_tags:
        from migrator.registry.resolve import resolve_references

        result = resolve_references(result, options)
    return result


def read_dockerfile(path: Path) -> str:
    """Read a Dockerfile as text, refusing what cannot be one (one-line MigratorError)."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise MigratorError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise MigratorError(f"{path}: is a directory") from None
    except OSError as exc:
        raise MigratorError(f"{path}: cannot read ({exc.strerror})") from None
    return decode_dockerfile(data, str(path))


def decode_dockerfile(data: bytes, name: str) -> str:
    if not data.strip():
        raise MigratorError(f"{name}: file is empty")
    if b"\x00" in data[:8192]:
        raise MigratorError(f"{name}: binary content, not a Dockerfile")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        try:
            return data.decode("latin-1")
        except UnicodeDecodeError:  # pragma: no cover - latin-1 decodes every byte
            raise MigratorError(f"{name}: not valid text") from None


def migrate_path(path: Path, options: Options | None = None) -> Result:
    return migrate_text(read_dockerfile(path), options, str(path))
