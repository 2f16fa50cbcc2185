"""Errors of the registry client. No httpx here: the CLI catches these without importing it."""

from __future__ import annotations

from migrator.model import MigratorError


class RegistryError(MigratorError):
    """A registry could not be asked (unreachable, refused the credentials, answered nonsense).

    The message is one line, names the registry, and never contains a credential or a token.
    The command stops with exit 2 and writes nothing.
    """


class RegistryUnreachable(RegistryError):
    pass


class RegistryAuthError(RegistryError):
    pass


def redact(text: str, secrets: list[str]) -> str:
    """`text` with every secret (token, password, basic-auth value) replaced by ***."""
    for secret in sorted((s for s in secrets if s and len(s) >= 4), key=len, reverse=True):
        text = text.replace(secret, "***")
    return text
