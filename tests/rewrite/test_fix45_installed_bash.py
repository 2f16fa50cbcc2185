"""A stage that needs bash on wolfi-base gets one `apk add bash` (MIG551) unless its own RUN lines, as written
out, already install it: the writer reads that from the installs it translated, not from its text again."""

from __future__ import annotations

from pathlib import Path

import pytest
from migration_tools import codes, migrate

from migrator.model import Options

SCRIPT_STAGE = 'FROM alpine:3.19\n{install}\nCOPY run.sh /run.sh\nCMD ["/run.sh"]\n'


@pytest.mark.parametrize("install", ["RUN apk add --no-cache bash curl", "RUN apk --no-cache add curl bash",
                                     "RUN apk update && apk add bash && rm -rf /var/cache/apk/*"])
def test_stage_that_installs_bash_itself_gets_no_second_install(tmp_path: Path, install: str) -> None:
    (tmp_path / "run.sh").write_text("#!/bin/bash\nset -euo pipefail\necho ready\n")
    result = migrate(SCRIPT_STAGE.format(install=install), Options(context=tmp_path))
    assert result.dockerfile.count("bash") == 1  # (its own install only)
    assert "MIG551" not in codes(result)


def test_stage_that_needs_bash_without_installing_it_gets_it_once(tmp_path: Path) -> None:
    (tmp_path / "run.sh").write_text("#!/bin/bash\nset -euo pipefail\necho ready\n")
    result = migrate(SCRIPT_STAGE.format(install="RUN apk add --no-cache curl"), Options(context=tmp_path))
    assert "RUN apk add --no-cache bash\nRUN apk add --no-cache curl\n" in result.dockerfile
    assert result.dockerfile.count("bash") == 1
    assert "MIG551" in codes(result)
