"""E MIG412 explains a path of the source image only for the images that have it (rules: dockerhub_paths
`images` / `families`): a python stage is not told about node's or postgres' entrypoint script, a node stage is;
a Debian path is said on every Debian-based image and on no Alpine one."""

from __future__ import annotations

from pathlib import Path

import pytest
from migration_tools import messages, migrate

from migrator.model import MigratorError, Options
from migrator.rules import load_rules

STAGE = "FROM {image}\nRUN {command}\nCOPY app.py /app/\nCMD [\"python\", \"/app/app.py\"]\n"


@pytest.mark.parametrize(("image", "command", "told"), [
    ("python:3.12", "chmod +x /usr/local/bin/docker-entrypoint.sh", False),
    ("python:3.12", "sed -i s/a/b/ /usr/local/bin/node", False),
    ("ruby:3.3", "ls /usr/local/lib/node_modules", False),
    ("node:20", "chmod +x /usr/local/bin/docker-entrypoint.sh", True),
    ("postgres:16", "chmod +x /usr/local/bin/docker-entrypoint.sh", True),
    ("node:20", "sed -i s/a/b/ /usr/local/bin/node", True),
    ("python:3.12", "chmod +x /etc/init.d/foo", True),
    ("python:3.12-alpine", "chmod +x /etc/init.d/foo", False),
])
def test_a_source_image_path_is_explained_only_for_its_images(image: str, command: str, told: bool) -> None:
    found = messages(migrate(STAGE.format(image=image, command=command)), "MIG412")
    assert bool(found) is told, found
    if found:
        assert " is a path of the source image (" in found[0]


def test_a_shared_path_is_explained_without_naming_another_image() -> None:
    [message] = messages(migrate(STAGE.format(image="postgres:16",
                                              command="chmod +x /usr/local/bin/docker-entrypoint.sh")), "MIG412")
    assert "node" not in message and "the Docker Hub image's entrypoint script" in message


def test_a_rules_entry_without_images_applies_to_every_source_image(tmp_path: Path) -> None:
    rules = tmp_path / "rules.yaml"
    rules.write_text("dockerhub_paths:\n  /usr/local/bin/node: \"every image: said for python too\"\n")
    text = STAGE.format(image="python:3.12", command="sed -i s/a/b/ /usr/local/bin/node")
    [message] = messages(migrate(text, Options(rules_files=(rules,))), "MIG412")
    assert "every image: said for python too" in message


def test_a_rules_entry_with_an_unknown_family_is_refused(tmp_path: Path) -> None:
    rules = tmp_path / "rules.yaml"
    rules.write_text("dockerhub_paths:\n  /opt/x: {why: x, families: [gentoo]}\n")
    with pytest.raises(MigratorError, match="families: unknown family 'gentoo'"):
        load_rules((rules,))


FILES_STAGE = ("FROM {image} AS files\nFROM python:3.12\nRUN pip install flask\nCOPY --from=files {path} /x/\n"
               "COPY app.py /app/\nCMD [\"python\", \"/app/app.py\"]\n")


def test_a_copy_from_a_stage_is_told_only_about_its_own_images_paths() -> None:
    # nginx's start-up scripts: nginx's stage is kept on nginx (MIG215); a python stage never had them, so neither
    # the stage is kept for them nor E MIG543 explains them with nginx's words
    kept = migrate(FILES_STAGE.format(image="nginx:1.27", path="/docker-entrypoint.d"))
    assert messages(kept, "MIG215") and not messages(kept, "MIG543")
    other = migrate(FILES_STAGE.format(image="python:3.12", path="/docker-entrypoint.d"))
    assert not messages(other, "MIG215") and not messages(other, "MIG543")


def test_a_copy_of_its_own_images_path_from_a_migrated_stage_is_still_an_error() -> None:
    text = ("FROM node:20 AS tools\nRUN echo hi > /tmp/x\nFROM python:3.12\nRUN pip install flask\n"
            "COPY --from=tools /usr/local/lib/node_modules /x/\nCOPY app.py /app/\nCMD [\"python\", \"/app/app.py\"]\n")
    found = messages(migrate(text), "MIG543")
    assert found and all("Docker Hub node's global npm prefix" in message for message in found)
