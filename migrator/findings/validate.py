"""Finding codes for the 'validate' area."""

from migrator.findings import Code
from migrator.model import Severity

CODES: tuple[Code, ...] = ()
