"""Final stages whose role no Chainguard image plays: refused plainly, left untouched.

- WebAssembly images (`FROM scratch` + a .wasm module as the command, `--platform=wasi/wasm`) run on
  a Wasm runtime, not on Linux;
- systemd images (`/sbin/init`, `/lib/systemd/systemd`, STOPSIGNAL SIGRTMIN+3) boot an init system
  no Chainguard image has;
- root filesystems (`FROM scratch`, a tree copied to `/`, then RUN with the shell it brought):
  a base image is built, and Chainguard images are the base;
- Apache with mod_php (`apache2-foreground`, `apache2 -D FOREGROUND`, `httpd`) when the stage
  configures Apache (a2enmod, /etc/apache2, .htaccess): there is no Chainguard Apache + mod_php
  image. A php:*-apache stage that only relies on the default start moves to php-fpm instead
  (plan.ecosystems.php), with nginx in front.
"""

from __future__ import annotations

import posixpath

from migrator.parse.dockerfile import Instruction
from migrator.plan.stages import Stage, StagedFile
from migrator.plan.startcommand import effective_command
from migrator.regex import lazy as lazy_re
from migrator.rules.loader import RuleSet

_SYSTEMD = frozenset({"/sbin/init", "/usr/sbin/init", "/lib/systemd/systemd", "/usr/lib/systemd/systemd", "systemd",
                      "init"})
_APACHE = lazy_re(r"^(apache2-foreground|apache2|httpd|apachectl|httpd-foreground)$")
_APACHE_CONFIG = lazy_re(r"\ba2(enmod|ensite|enconf|dismod|dissite|disconf)\b|/etc/apache2|/etc/httpd|\.htaccess"
                            r"|/usr/local/apache2")


def chain(stage: Stage) -> list[Stage]:
    found = [stage]
    while found[-1].parent is not None:
        found.append(found[-1].parent)  # type: ignore[arg-type]
    return list(reversed(found))


def refused_role(final: Stage, rules: RuleSet) -> str | None:
    """Why the final stage cannot be migrated, or None."""
    stages = chain(final)
    root = stages[0]
    instructions = [i for stage in stages for i in stage.instructions]
    defaults = rules.upstream_defaults(root.ref.short_name, root.ref.tag) if root.ref else None
    effective = effective_command([s.instructions for s in stages], defaults.entrypoint if defaults else (),
                                  defaults.cmd if defaults else ())
    argv = [posixpath.basename(w) if i == 0 else w for i, w in enumerate(effective.argv)]
    if _is_wasm(stages, argv):
        return ("a WebAssembly image (a .wasm module run by a Wasm runtime, not a Linux program): Chainguard "
                "images are Linux images; keep this image as it is")
    if _is_systemd(effective.argv, instructions):
        return ("a systemd image (the command boots an init system): Chainguard images run one program as a "
                "nonroot user and have no systemd; keep this image, or run each service in its own container")
    if _assembles_a_root_filesystem(root, instructions):
        return ("a root filesystem is assembled here (FROM scratch, a whole tree copied to / and commands run "
                "with the shell it brought): this builds a base image, not an application; Chainguard images are "
                "the base: keep this image, or build the application on wolfi-base (chainguard-base) instead")
    if _starts_apache(effective.argv) and _configures_apache(instructions):
        return ("Apache httpd with mod_php, configured by this stage (a2enmod, /etc/apache2 or .htaccess): there "
                "is no Chainguard Apache + mod_php image; move the app to php-fpm behind nginx by hand (the "
                "Apache configuration must be rewritten for nginx) or keep this image")
    return None


def left_as_written(final: Stage, staged: StagedFile, rules: RuleSet) -> set[int]:
    """The stages a refused final stage leaves untouched: its chain, and for a root filesystem also the stages
    that assemble the tree (an Alpine `apk --root` run on Wolfi's apk fails)."""
    if refused_role(final, rules) is None:
        return set()
    stages = chain(final)
    kept = {s.index for s in stages}
    instructions = [i for stage in stages for i in stage.instructions]
    if not _assembles_a_root_filesystem(stages[0], instructions):
        return kept
    pending = list(stages)
    while pending:
        stage = pending.pop()
        for instruction in stage.instructions:
            reference = instruction.flags.get("from") if instruction.keyword in ("COPY", "ADD") else None
            source = staged.stage_by_reference(reference, before=stage.index) if reference else None
            for feeding in chain(source) if source is not None else []:
                if feeding.index not in kept:
                    kept.add(feeding.index)
                    pending.append(feeding)
    return kept


def _assembles_a_root_filesystem(root: Stage, instructions: list[Instruction]) -> bool:
    """`FROM scratch`, `COPY --from=rootfs /out/ /`, then RUN: the RUN lines can only run with the shell the
    copied tree brought, so the tree is an operating system (lsio's base images, s6-overlay)."""
    if root.ref is None or root.ref.short_name != "scratch":
        return False
    whole_tree = any(i.keyword in ("COPY", "ADD") and _destination(i) == "/" for i in instructions)
    return whole_tree and any(i.keyword == "RUN" for i in instructions)


def _destination(instruction: Instruction) -> str | None:
    words = instruction.json_args() or instruction.body.split()
    words = [w for w in words if not w.startswith("--")]
    return posixpath.normpath(words[-1]) if len(words) >= 2 else None


def _is_wasm(stages: list[Stage], argv: list[str]) -> bool:
    platforms = [s.platform or "" for s in stages]
    if any("wasi" in p or "wasm" in p for p in platforms):
        return True
    return bool(argv) and any(word.endswith(".wasm") for word in argv[:2])


def _is_systemd(argv: tuple[str, ...], instructions: list[Instruction]) -> bool:
    if argv and argv[0] in _SYSTEMD:
        return True
    return any(i.keyword == "STOPSIGNAL" and "RTMIN+3" in i.body.upper() for i in instructions)


def _starts_apache(argv: tuple[str, ...]) -> bool:
    words = [w for arg in argv for w in arg.replace(";", " ").replace("&&", " ").split()]
    return any(_APACHE.match(posixpath.basename(word)) for word in words)


def _configures_apache(instructions: list[Instruction]) -> bool:
    return any(_APACHE_CONFIG.search(i.raw) for i in instructions if i.keyword in ("RUN", "COPY", "ADD"))
