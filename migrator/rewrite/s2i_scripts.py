"""Red Hat's source-to-image (s2i) image scripts in RUN lines.

The s2i images (ubi8/python-39, ubi9/nodejs-20...; rules/commands.yaml `s2i_images`) ship `fix-permissions DIR`:
it gives DIR's files to group 0 and makes them group-writable, directories and programs group-executable
(sclorg/s2i-base-container core/root/usr/bin/fix-permissions), and never fails. No Chainguard image has it, so
the command becomes what it does: `chgrp -R 0 DIR && chmod -R g+rwX DIR` as root; as another user, which on Wolfi
is not in group 0, the chmod of the files that user owns, as the script did. s2i's /usr/libexec/s2i scripts
(assemble, run) do what no command can say: they are source-image paths (MIG412, MIG543).
"""

from __future__ import annotations

import re

from migrator.findings import area
from migrator.regex import glob_match
from migrator.rewrite.command import Cmd, Context, Outcome

TYPE_CHECKING = False  # not typing's: importing typing costs 2 ms of a cold run (docs/performance.md)
if TYPE_CHECKING:
    from migrator.findings import shell as codes
else:
    codes = area("shell")  # (imported at the first shell code said)


_PATH = "/usr/bin/fix-permissions"
_S2I_SCRIPT = re.compile(r"[\"']?\$(?:STI_SCRIPTS_PATH|\{STI_SCRIPTS_PATH\})[\"']?/([\w.-]+)[\"']?$")


def translate(cmd: Cmd, ctx: Context) -> Outcome | None:
    if not cmd.words:
        return None
    if (script := _S2I_SCRIPT.match(cmd.words[0].text)) and "STI_SCRIPTS_PATH" not in ctx.stage.stage_variables:
        # (`$STI_SCRIPTS_PATH/assemble`: the s2i image's variable, /usr/libexec/s2i; the literal path is MIG412's too)
        message = (f"`{cmd.words[0].text}` left as written: /usr/libexec/s2i/{script.group(1)} is a path of the source "
                   "image (s2i's scripts; no Chainguard image has them), so it fails there: install the app with its "
                   "own commands (pip install, npm ci...)")
        return Outcome(fails=True, findings=[codes.SOURCE_PATH_MISSING.finding(cmd.line, message)])
    if cmd.name != "fix-permissions" or cmd.words[0].value not in ("fix-permissions", _PATH):
        return None
    if cmd.words[0].value != _PATH and not is_s2i_image(ctx.stage.source_image):
        return None  # (another image's fix-permissions: jupyter's docker-stacks have their own)
    if any(path.rsplit("/", 1)[-1] == "fix-permissions" for _, path in ctx.stage.copied):
        return None  # the stage's own script
    operands = [w for w in cmd.words[1:] if not w.is_option]
    if len(operands) != 1 or not operands[0].text:
        return None  # (`fix-permissions` alone exits; a second operand is its find option: -P)
    directory = operands[0].text
    if ctx.stage.run_user is None:
        ported = f"chgrp -R 0 {directory} && chmod -R g+rwX {directory}"
        how = "as root"
    else:
        ported = f'find {directory} -user "$(id -u)" -exec chmod g+rwX {{}} +'
        how = (f"as {ctx.stage.run_user}, which on Wolfi is not in group 0 and cannot give files to it: only the "
               "chmod of the files it owns, as the script did")
    message = (f"`{' '.join(w.text for w in cmd.words)}` -> `{ported}`: the s2i image's fix-permissions, which no "
               f"Chainguard image has, ported to what it does ({how})")
    return Outcome(whole=ported, findings=[codes.S2I_SCRIPT_PORTED.finding(cmd.line, message)])


def is_s2i_image(image: str) -> bool:
    """Whether `image` (a reference without its tag) is one of Red Hat's s2i images."""
    from migrator.rules.data import builtin_data

    name = image.split("@", 1)[0]
    if ":" in name.rsplit("/", 1)[-1]:
        name = name.rsplit(":", 1)[0]  # (its tag)
    return bool(name) and any(glob_match(name, pattern) for pattern in builtin_data("commands.yaml").get(
        "s2i_images") or [])
