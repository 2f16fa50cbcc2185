"""A yarn start command on node's -dev image for a project that names Yarn 2+ in package.json.

The -dev image's /usr/bin/yarn is Wolfi's yarn 1.22 and corepack is installed but not enabled. Yarn 1.22.20+
refuses a project whose "packageManager" names another Yarn ("This project's package.json defines
"packageManager": "yarn@4.1.1". However the current global version of Yarn is 1.22.22"): without `corepack
enable` in the runtime stage (or a yarnPath release the project ships), the container exits at start. The
builder's `corepack enable` does not reach a fresh runtime stage (adversary 11 F18)."""

from __future__ import annotations

import posixpath
import re

from migrator.validate.stage_files import Context
from migrator.validate.stage_view import StageView

_ENABLED = re.compile(r"\bcorepack\s+enable\b")


def classic_yarn_reason(view: StageView, context: Context, program: str | None) -> str | None:
    """Why `yarn` cannot start the project on the stage's image, or None."""
    if posixpath.basename(program or "") != "yarn" or view.model is None or not view.model.known:
        return None
    if not view.model.has_program("corepack") or _ENABLED.search(view.runs):
        return None
    from migrator.plan.node_package import package_in  # (json and typing: only for a yarn start on -dev)

    package = package_in(view.chain[-1], context.staged, context.rules, context.files, view.workdir)
    if package is None or package.release_path:
        return None
    name, _, version = package.package_manager.partition("@")
    if name != "yarn" or not version[:1].isdigit() or version.startswith("1."):
        return None
    image = view.image.rsplit("/", 1)[-1]
    return (f"`yarn` on {image} is Wolfi's yarn 1.22 and corepack is not enabled in this stage, while "
            f"{posixpath.join(view.workdir, 'package.json')} names \"packageManager\": \"{package.package_manager}\": "
            "yarn 1.22 refuses to run the project and the container exits at start; run `corepack enable` (as root) "
            "in the runtime stage with the corepack cache the build used, or start the app with node")
