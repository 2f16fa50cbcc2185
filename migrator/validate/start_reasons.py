"""The words of the start check's verdicts: where a program was found, why it is missing, why a command keeps a
shell and what to do on an image without one."""

from __future__ import annotations

import posixpath

from migrator.plan.startcommand import (
    inner_program,
    is_shell,
    is_shell_c,
    looks_like_script,
)
from migrator.rules.loader import RuleSet
from migrator.validate.stage_files import Located
from migrator.validate.stage_view import StageView


def short_image(image: str) -> str:
    return image.rsplit("/", 1)[-1]


def where_found(located: Located) -> str:
    return {"image": f"in the image at {located.path}", "copied": f"copied to {located.path}",
            "created": f"created at {located.path} by the stage"}[located.how]


def unknown_file(program: str) -> str:
    return (f"`{program}` comes from the build context without an extension: it may be a script (this tool cannot "
            "read it)")


def missing_reason(program: str, view: StageView, rules: RuleSet) -> str:
    image = short_image(view.image)
    language = rules.language_of(posixpath.basename(program))
    hint = f"; the {language.runtime_name} image has it" if language and not view.has_language(language) else ""
    if "/" in program and (why := _source_image_path(program, rules)) is not None:
        hint += f": it is a path of the source image ({why})"
    if "/" in program:
        return f"`{program}` is not in {image} and no COPY puts it there{hint}"
    return f"`{program}` is not on the PATH of {image} and no COPY puts it there{hint}"


def _source_image_path(program: str, rules: RuleSet) -> str | None:
    """Why the Chainguard images lack the path of a program only the source image had (rules: `dockerhub_paths`)."""
    from migrator.regex import glob_root

    return next((why for pattern, why in rules.dockerhub_paths.items()
                 if glob_root(posixpath.normpath(program), pattern) is not None), None)


def shell_kept_reason(program: str, argv: tuple[str, ...], view: StageView, unknown: bool = False,
                       bash: bool = False) -> str:
    image = short_image(view.image)
    model = view.model
    dev = model is not None and model.is_dev
    if dev:
        shell = "busybox sh and bash, and also apk and build tools"
        where = f"the final stage stays on {image}, which has a shell ({shell})"
        distroless = f"to run on {image.split(':')[0]}:latest"
    else:
        shell = ("busybox sh, and bash is installed for the script" if bash else
                 "busybox sh: a script that needs bash fails")
        where = f"the runtime is {image}, which has a shell ({shell})"
        distroless = "to use a distroless image"
    kept = f"the final stage stays on {image}, which has one" if dev else f"{image} keeps one"
    if is_shell_c(argv):
        why = _why_shell(argv[2], view)
        if why is not None:
            return (f"the command needs a shell ({why}), so {kept}; put that in a script of the app's "
                    f"own or in ENV, and start the program in exec form {distroless}")
        inner = _inner_text(argv[2], view)
        if inner and looks_like_script(inner):
            return (f"the command runs the script `{inner}` through `{argv[0]} -c`, so {kept}; port what the "
                    f"script does and start the program directly {distroless}")
        start = f"start `{inner}` directly" if inner else "start the program directly"
        return (f"the command runs through `{argv[0]} -c`, so {kept}; write it in exec form "
                f"({start}) {distroless}")
    if is_shell(program):
        script = next((word for word in argv[1:] if not word.startswith("-")), None)
        what = f"port what `{script}` does and start the program directly" if script else \
            "start the program directly"
        kept += " (bash is installed for it)" if bash and not dev else ""
        return f"the command starts a shell (`{' '.join(argv[:2])}`), so {kept}: {what} {distroless}"
    what = f"{unknown_file(program)}, so" if unknown else f"`{program}` is a shell script, so"
    return f"{what} {where}; port what the script does and start the program directly {distroless}"


def without_a_shell(argv: tuple[str, ...], view: StageView) -> str:
    """What to do about a command that starts a shell, on an image without one."""
    if is_shell_c(argv):
        why = _why_shell(argv[2], view)
        inner = _inner_text(argv[2], view)
        if why is not None:
            return f"it needs a shell ({why}): put that in the app or in ENV, and start the program in exec form"
        if inner and not looks_like_script(inner):
            return f"start `{inner}` directly, in exec form"
    script = next((w for w in argv[1:] if not w.startswith("-")), None) if not is_shell_c(argv) else (
        _inner_text(argv[2], view))
    if script:
        return f"`{script}` is a script: port what it does (ENV for settings, build-time steps in the builder) and " \
               "start the program directly"
    return "start the program directly, in exec form"


def _why_shell(body: str, view: StageView) -> str | None:
    """Why a `sh -c` body cannot be written in exec form (shell syntax, an unknown variable...), or None."""
    from migrator.rewrite.commands import shell_argv, without_env, without_exec

    command, _, why = without_exec(body.strip())
    if why is not None:
        return why
    argv, why, _ = shell_argv(command, view.env)
    if argv is not None and posixpath.basename(argv[0]) == "env":  # (distroless images have no env)
        argv, why = without_env(argv)
    return why if argv is None else None


def _inner_text(body: str, view: StageView) -> str | None:
    """The program a `sh -c` body starts, its variables expanded from the stage's ENV (None: not known)."""
    from migrator.parse.variables import expand_args

    expanded, missing = expand_args(body, view.env) if "$" in body else (body, [])
    program = None if missing else inner_program(expanded)
    return program if program and "$" not in program else None
