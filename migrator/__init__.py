"""migrator: turn existing Dockerfiles into multi-stage builds on Chainguard Images.

The library API lives in :mod:`migrator.api` (``migrate_text``, ``migrate_path``); this package
module stays import-light because the pre-commit hook starts a process per commit.
"""

__version__ = "0.1.0"
