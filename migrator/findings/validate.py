"""Finding codes for the 'validate' area."""

from migrator.findings import Code

CODES: tuple[Code, ...] = ()
