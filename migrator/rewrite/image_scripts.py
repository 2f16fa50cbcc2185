"""An ENTRYPOINT that restates the source image's own pass-through script (Docker Hub node's docker-entrypoint.sh,
which only execs its arguments, with `node` in front of an option or a file; php's docker-php-entrypoint, `php` in
front of an option): the Chainguard image has no such script, and the command means the same without it. The
script and the program it puts in front are data (rules/chainguard-images.yaml, upstream: entrypoint_execs)."""

from __future__ import annotations

import posixpath

from migrator.findings import finding
from migrator.model import Finding
from migrator.parse.dockerfile import argv_json
from migrator.plan.facts import StageFacts
from migrator.rules.loader import ChainguardImage, UpstreamDefaults

_SCRIPT_HOME = "/usr/local/bin"  # (where docker-library's images keep their entrypoint scripts)


def is_image_script(word: str, upstream: UpstreamDefaults | None, facts: StageFacts, image: ChainguardImage) -> bool:
    """Does `word` name the source image's pass-through entrypoint script (by its name, or where the image keeps it),
    which neither the Chainguard image nor the Dockerfile provides?"""
    from migrator.plan.placed_programs import made_by_dockerfile

    if upstream is None or upstream.entrypoint_execs is None or not upstream.entrypoint:
        return False
    script = posixpath.basename(upstream.entrypoint[0])
    named = word == script or word == posixpath.join(_SCRIPT_HOME, script)
    return named and not image.has_program(script) and not made_by_dockerfile(facts, word)


def without_image_script(argv: list[str], cmd: list[str] | None, line: int, upstream: UpstreamDefaults | None,
                         facts: StageFacts, image: ChainguardImage) -> tuple[list[str], Finding] | None:
    """The ENTRYPOINT `argv` without the source image's pass-through script in front, and the finding that says so;
    None when it does not start with one, or the Dockerfile makes a file of that name itself. `cmd`: the CMD in force
    in exec form (what the script got after the ENTRYPOINT's own arguments)."""
    if upstream is None or upstream.entrypoint_execs is None or not argv or not is_image_script(argv[0], upstream,
                                                                                               facts, image):
        return None
    program, rest = upstream.entrypoint_execs, argv[1:]
    handed = handed_program(upstream, rest or cmd or [""]) is not None
    kept = [program, *rest] if handed else rest
    message = (f"ENTRYPOINT {argv_json(kept)}: `{argv[0]}` is the source image's own entrypoint script, which only "
               f"runs its arguments (`{program}` first when they start with an option or a file for it), and "
               f"{image.name} has no such script" + (f"; `{program}` now comes first itself" if handed else ""))
    return kept, finding("MIG538", line, message)


def handed_program(upstream: UpstreamDefaults | None, argv: list[str] | None) -> str | None:
    """The program the source image's pass-through script puts in front of `argv` (the words it is given): an
    option, or a file of the kind the script hands on (node's `server.js`, redis's `redis.conf`); None when the
    script runs `argv` as the command it is, or the image has no such script."""
    if upstream is None or upstream.entrypoint_execs is None or argv is None:
        return None
    first = argv[0] if argv else ""
    files = upstream.entrypoint_execs_files
    if not first or first.startswith("-") or (files and posixpath.splitext(first)[1] in files):
        return upstream.entrypoint_execs
    return None
