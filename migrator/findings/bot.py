"""Finding codes for the 'bot' area."""

from migrator.findings import Code

CODES: tuple[Code, ...] = ()
