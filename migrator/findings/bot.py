"""Finding codes for the 'bot' area."""

from migrator.findings import Code
from migrator.model import Severity

CODES: tuple[Code, ...] = ()
