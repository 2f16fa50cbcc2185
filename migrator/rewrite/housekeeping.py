"""Commands around package managers: cache removal, repositories, debconf, locales."""

from __future__ import annotations

from migrator.findings import area
from migrator.findings import packages as codes
from migrator.model import Finding
from migrator.parse.options import operands
from migrator.regex import glob_match
from migrator.regex import lazy as lazy_re
from migrator.rewrite.command import Cmd, Context, Outcome
from migrator.rewrite.packages import APT_ENVIRONMENT, package_file_finding, repository_setup

TYPE_CHECKING = False  # not typing's: importing typing costs 2 ms of a cold run (docs/performance.md)
if TYPE_CHECKING:
    from migrator.findings import shell as scodes
else:
    scodes = area("shell")  # (imported at the first shell code said)


CACHE_PATH = lazy_re(
    r"^/var/(lib/apt/lists|cache/(apt|yum|dnf|apk|zypp|debconf|ldconfig)|lib/(yum|dnf)|log/(apt|yum\.log|dnf[^/]*|dpkg\.log))"
    r"(/.*)?$"
)
# what Docker Hub tools that Wolfi's packages replace leave behind: pecl's download directory (`pecl install` becomes
# `apk add php-X.Y-ext`, so `rm -r /tmp/pear` without -f would fail the RUN)
_REPLACED_TOOL_PATH = lazy_re(r"^/tmp/pear(/.*)?$")
REPOSITORY_PATH = lazy_re(
    r"^/(etc/apt/(sources\.list|keyrings|trusted\.gpg)|usr/share/keyrings|etc/yum\.repos\.d|etc/zypp/repos\.d"
    r"|etc/apk/(repositories|keys)|etc/pki/rpm-gpg)"
)
APT_CONFIG_PATH = lazy_re(r"^/etc/(apt/(apt\.conf|preferences)|dpkg/dpkg\.cfg)")
_SYSTEM = {
    "locale-gen": "set `ENV LANG=C.UTF-8` (or install glibc-locales and set LANG)",
    "update-locale": "set `ENV LANG=...` instead",
    "dpkg-reconfigure": "Wolfi has no debconf; set `ENV TZ=...` (with tzdata) or `ENV LANG=...` instead",
}
_LOCALE_FILES = ("/etc/locale.gen", "/etc/default/locale")  # what locale-gen and update-locale read
_APT_CONFIG = {"apt-mark", "debconf-set-selections"}
_REPOSITORY_TOOLS = {"add-apt-repository", "apt-key", "yum-config-manager", "apt-add-repository"}
_OTHER_TOOLS = {
    "apt-cache", "apt-config", "dpkg-query", "dpkg-divert", "dpkg-architecture", "yum-builddep",
    "yumdownloader",
    "debconf-get-selections", "apt-file", "apt-listchanges", "rpmbuild", "rpmkeys",
}
# Debian/RHEL system tools that Wolfi images do not have (no init system, no Debian helper scripts)
_SYSTEM_TOOLS = {
    "a2enmod": "Apache's Debian helper scripts", "a2dismod": "Apache's Debian helper scripts",
    "a2ensite": "Apache's Debian helper scripts", "a2dissite": "Apache's Debian helper scripts",
    "a2enconf": "Apache's Debian helper scripts", "a2disconf": "Apache's Debian helper scripts",
    "update-rc.d": "init system", "invoke-rc.d": "init system", "service": "init system",
    "systemctl": "systemd", "lsb_release": "lsb-release",
}


def translate(cmd: Cmd, ctx: Context) -> Outcome | None:
    name = cmd.name
    if name in ("ln", "rm", "unlink") and "/etc/" in " ".join(w.text for w in cmd.words):
        from migrator.rewrite.package_layouts import dropped_links

        if (dropped := dropped_links(cmd, ctx)) is not None:
            return dropped
    if name == "rm":
        return _rm(cmd)
    if name in ("chown", "chgrp"):
        return _chown(cmd, ctx)
    if name in ("su", "runuser", "gosu", "su-exec", "install") and (unknown := _runs_as(cmd, ctx)):
        return unknown
    if name == "ln":
        return _link(cmd)
    if (cmd.words[0].value or "").startswith("/usr/local/bin/") and (moved := _usr_local_program(cmd)):
        return moved
    if name in ("curl", "wget", "sh", "bash"):
        return _saved_setup_script(cmd, ctx)
    if name.endswith(".sh") and _is_setup_command(cmd):
        return repository_setup(cmd.line, f"`{_text(cmd, 1)}`", ctx)
    if name == "rustup" and "rustup" not in ctx.stage.installed:
        message = (f"`{_text(cmd)}` left as written: Chainguard's rust image has no rustup (Wolfi's rust package is "
                   "one toolchain for the build machine's target), so it fails. Install the `rustup` package and a "
                   "toolchain with it, or drop the extra target or toolchain")
        return Outcome(fails=True, findings=[codes.UNSUPPORTED_PACKAGE_COMMAND.finding(cmd.line, message)])
    if name != "locale-gen" and any(w.value in _LOCALE_FILES for w in cmd.words[1:]):
        message = (f"`{_text(cmd)}` removed: Wolfi has no locale-gen and no {_LOCALE_FILES[0]}; glibc-locales ships "
                   "the locales compiled (set `ENV LANG=...`)")
        return Outcome(remove=True, findings=[scodes.SYSTEM_CONFIGURATION_REMOVED.finding(cmd.line, message)])
    if name in _SYSTEM:
        message = f"`{name}` removed: {_SYSTEM[name]}"
        return Outcome(remove=True, findings=[scodes.SYSTEM_CONFIGURATION_REMOVED.finding(cmd.line, message)])
    if name in _APT_CONFIG:
        return _apt_config(cmd.line, f"`{name}` removed: apk keeps no such state")
    if name in _REPOSITORY_TOOLS:
        return repository_setup(cmd.line, f"`{_text(cmd)}`", ctx)
    if name in ("rpm", "dpkg"):
        return _rpm_dpkg(cmd, ctx)
    in_place = any((w.value or "").startswith("-i") for w in cmd.words)
    if name == "sed" and in_place and _repository_args(cmd):
        message = "`sed -i` on a repository list removed: Wolfi packages come from apk.cgr.dev (no mirrors)"
        return Outcome(remove=True, findings=[codes.HOUSEKEEPING_REMOVED.finding(cmd.line, message)])
    if _repository_args(cmd) or _repository_key(cmd, ctx):
        return repository_setup(cmd.line, f"`{_text(cmd)}`", ctx)
    if name in _OTHER_TOOLS:
        return _unsupported(cmd)
    if name in ("xx-apt-get", "xx-apt"):
        message = (f"`{_text(cmd)}` left as written: tonistiigi/xx's apt helper drives apt, which Wolfi does not have, "
                   "so it fails there; `xx-apk add` is its apk counterpart (with Wolfi's package names)")
        return Outcome(fails=True, findings=[codes.UNSUPPORTED_PACKAGE_COMMAND.finding(cmd.line, message)])
    if name in _SYSTEM_TOOLS:
        message = f"`{_text(cmd)}` left as written: Wolfi images have no {_SYSTEM_TOOLS[name]}, so it fails there"
        return Outcome(fails=True, findings=[codes.UNSUPPORTED_PACKAGE_COMMAND.finding(cmd.line, message)])
    return None


_KEY_OPTIONS = {"--dearmor", "--dearmour", "--import", "--recv-keys", "--recv-key", "--keyserver", "--export"}


def _repository_key(cmd: Cmd, ctx: Context) -> bool:
    """`gpg --dearmor` (a keyring for apt), or `gpg1 --recv-keys` / `--export` in a stage that adds a
    repository: fetching the repository's signing key. (`gpg --verify` of a download is not.)"""
    if cmd.name not in ("gpg", "gpg1", "gpg2"):
        return False
    options = {(w.value or "").partition("=")[0] for w in cmd.words[1:] if w.is_option}
    if options & {"--dearmor", "--dearmour"}:
        return True
    return bool(options & _KEY_OPTIONS) and ctx.stage.sets_up_repositories


def _text(cmd: Cmd, words: int = 3) -> str:
    text = " ".join(w.text for w in cmd.words[:words])
    return text + " ..." if len(cmd.words) > words else text


def _rm(cmd: Cmd) -> Outcome | None:
    paths = [(i, w) for i, w in enumerate(cmd.words) if i and not w.is_option]
    caches = [(i, w) for i, w in paths if w.value is not None and CACHE_PATH.match(w.value)]
    leftovers = [(i, w) for i, w in paths if w.value is not None and _REPLACED_TOOL_PATH.match(w.value)]
    if not caches and not leftovers:
        return None
    listed = " ".join(w.text for _, w in caches + leftovers)
    why = "apk add --no-cache leaves no package cache behind" if caches else \
        "pecl's download directory: the extension is a Wolfi package now, and `rm` without -f would fail on it"
    finding = codes.HOUSEKEEPING_REMOVED.finding(cmd.line, f"`rm {listed}` removed: {why}")
    caches += leftovers
    if len(caches) == len(paths):
        return Outcome(remove=True, findings=[finding])
    return Outcome(delete={cmd.word_index(i) for i, _ in caches}, findings=[finding])


def _is_setup_command(cmd: Cmd) -> bool:
    from migrator.rewrite.repositories import is_setup_command

    return is_setup_command(cmd)


def _saved_setup_script(cmd: Cmd, ctx: Context) -> Outcome | None:
    """`curl -o setup.sh https://deb.nodesource.com/setup_20.x && bash setup.sh`: the piped form's two halves."""
    from migrator.rewrite.repositories import served_by, setup_script_url

    if cmd.name in ("sh", "bash"):
        script = next((w.value for w in cmd.words[1:] if not w.is_option), None)
        if script is None or script.lstrip("./") not in ctx.stage.setup_scripts:
            return None
        return repository_setup(cmd.line, f"`{_text(cmd)}`", ctx, ctx.stage.served.get(script.lstrip("./")))
    url = setup_script_url(cmd)
    saved = _output_file(cmd)
    if url is None or saved is None:
        return None
    ctx.stage.setup_scripts.add(saved.lstrip("./"))
    serves = served_by(url)
    if serves:
        ctx.stage.served[saved.lstrip("./")] = serves
    return repository_setup(cmd.line, f"`{cmd.name} {url}`", ctx, serves)


def _output_file(cmd: Cmd) -> str | None:
    """The file `curl -o FILE` / `wget -O FILE` writes (`-O` alone: the URL's last part)."""
    words = [w.value or "" for w in cmd.words[1:]]
    for index, word in enumerate(words):
        if word in ("-o", "--output") or (cmd.name == "wget" and word in ("-O", "--output-document")):
            return words[index + 1] if index + 1 < len(words) else None
        if cmd.name == "curl" and word.startswith("-") and not word.startswith("--") and word.endswith("o"):
            return words[index + 1] if index + 1 < len(words) else None
    if cmd.name == "curl" and any(w in ("-O", "--remote-name") or (w[:1] == "-" and w[1:2] != "-" and "O" in w)
                                  for w in words):
        url = next((w for w in words if "://" in w), "")
        return url.rstrip("/").rsplit("/", 1)[-1] or None
    if cmd.name == "wget" and not any(w in ("-O", "-qO-", "-O-") or w.startswith("-qO") for w in words):
        url = next((w for w in words if "://" in w), "")
        return url.rstrip("/").rsplit("/", 1)[-1] or None
    return None


_RUSTUP_INSTALLERS = ("sh.rustup.rs", "rustup-init")


def fetched_tools(text: str) -> set[str]:
    """Tools a script downloads and installs itself (`curl https://sh.rustup.rs | sh`)."""
    return {"rustup"} if any(marker in text for marker in _RUSTUP_INSTALLERS) else set()


def _usr_local_program(cmd: Cmd) -> Outcome | None:
    """`/usr/local/bin/python -m pip ...`: Docker Hub's interpreter path. Wolfi installs it in /usr/bin; the
    bare name finds it there, or in the virtual environment the migration put first on PATH, as the
    original found /usr/local/bin first on its PATH."""
    import posixpath

    from migrator.findings import shell as shell_codes
    from migrator.rules.data import builtin_data

    program = posixpath.basename(cmd.words[0].value or "")
    if not any(glob_match(program, p) for p in builtin_data("dockerhub.yaml").get("usr_local_bin") or []):
        return None
    message = (f"`{cmd.words[0].text}` -> `{program}`: Wolfi installs {program} in /usr/bin, and a virtual "
               "environment on PATH comes first, as /usr/local/bin did")
    return Outcome(replace={cmd.word_index(0): program},
                   findings=[shell_codes.LAYOUT_TRANSLATED.finding(cmd.line, message)])


def _link(cmd: Cmd) -> Outcome | None:
    """`ln -s /usr/local/bin/python /usr/bin/python`: Docker Hub's interpreter path; Wolfi's is /usr/bin."""
    import posixpath

    from migrator.findings import shell as shell_codes
    from migrator.rules.data import builtin_data

    options = [w.value or "" for w in cmd.words[1:] if w.is_option]
    if not any(o == "--symbolic" or (not o.startswith("--") and "s" in o) for o in options):
        return None
    paths = [(i, w) for i, w in enumerate(cmd.words) if i and not w.is_option]
    if len(paths) != 2 or any(w.value is None for _, w in paths):
        return None
    (index, source), (_, link) = paths
    program = posixpath.basename(source.value or "")
    patterns = builtin_data("dockerhub.yaml").get("usr_local_bin") or []
    if posixpath.dirname(source.value or "") != "/usr/local/bin" or not any(
        glob_match(program, p) for p in patterns
    ):
        return None
    text = " ".join(w.text for w in cmd.words)
    destination = link.value or ""
    into_usr_bin = destination.rstrip("/") == "/usr/bin" or posixpath.dirname(destination) == "/usr/bin"
    if into_usr_bin and posixpath.basename(destination.rstrip("/")) in (program, "bin"):
        message = (f"`{text}` removed: Wolfi installs {program} in /usr/bin already (the link would fail, or with -f "
                   "replace it by a link to a path that does not exist)")
        return Outcome(remove=True, findings=[shell_codes.LAYOUT_TRANSLATED.finding(cmd.line, message)])
    replace = {cmd.word_index(index): f"/usr/bin/{program}"}
    force = any(o == "--force" or (not o.startswith("--") and "f" in o) for o in options)
    if into_usr_bin and not force:  # /usr/bin/python may exist already on Wolfi: replace it
        position = next(i for i, w in enumerate(cmd.words) if i and w.is_option and "s" in (w.value or ""))
        replace[cmd.word_index(position)] = (cmd.words[position].value or "-s") + "f"
    message = f"`{text}`: /usr/local/bin/{program} -> /usr/bin/{program}, where Wolfi installs it"
    return Outcome(replace=replace, findings=[shell_codes.LAYOUT_TRANSLATED.finding(cmd.line, message)])


def _chown(cmd: Cmd, ctx: Context) -> Outcome | None:
    """`chown www-data:www-data /var/www`: Wolfi has no www-data; chown fails on a name it cannot resolve."""
    owner = next((w for w in cmd.words[1:] if not w.is_option), None)
    if owner is None or owner.value is None or owner.value.startswith("--reference"):
        return None
    # (busybox and coreutils chown read `user.group` too, when there is no colon)
    separator = ":" if ":" in owner.value or "." not in owner.value else "."
    user, _, group = owner.value.partition(separator) if cmd.name == "chown" else ("", "", owner.value)
    return unknown_accounts(cmd, ctx, user, group)


_SU_VALUED_SHORT = "scgGw"  # options of su and runuser that take a value
_SU_VALUED_LONG = frozenset({"--shell", "--command", "--group", "--supp-group", "--whitelist-environment"})


def _runs_as(cmd: Cmd, ctx: Context) -> Outcome | None:
    """`su www-data -s /bin/sh -c ...`, `runuser -u www-data`, `gosu www-data`, `install -o www-data`: a user
    or group by name, which fails on Wolfi when nothing creates it, as chown does."""
    words = [w.value or "" for w in cmd.words[1:]]
    user, group = "", ""
    if cmd.name in ("gosu", "su-exec"):
        user, _, group = next((w for w in words if not w.startswith("-")), "").partition(":")
    elif cmd.name == "install":
        user = _option_value(words, "-o", "--owner")
        group = _option_value(words, "-g", "--group")
    elif cmd.name in ("su", "runuser"):
        user = _option_value(words, "-u", "--user") if cmd.name == "runuser" else ""
        named = [w for w in operands(words, _SU_VALUED_SHORT, _SU_VALUED_LONG) if w != "-"]  # (`su - app`: login)
        user = user or next(iter(named), "")
    if "$" in user + group:
        return None
    return unknown_accounts(cmd, ctx, user, group) if user or group else None


def _option_value(words: list[str], short: str, long: str) -> str:
    for index, word in enumerate(words):
        if word in (short, long):
            return words[index + 1] if index + 1 < len(words) else ""
        if word.startswith(long + "="):
            return word.partition("=")[2]
    return ""


def unknown_accounts(cmd: Cmd, ctx: Context, user: str, group: str) -> Outcome | None:
    from migrator.rewrite.users import known_group_names, known_users

    installed = ctx.stage.installed  # a package may create a user of its own name (nginx, redis)
    unknown = [u for u in (user,) if u and not u.isdigit() and u not in known_users(ctx) | installed]
    unknown += [g for g in (group,) if g and not g.isdigit() and g not in known_group_names(ctx) | installed]
    if not unknown:
        return None
    for name in unknown:  # (the first pass's record: the writer creates those the original image shipped)
        ctx.stage.unresolved.setdefault(name, f"`{_text(cmd)}` (line {cmd.line})")
    if ctx.stage.image_uid == 0:  # wolfi-base runs as root: no user of its own to offer
        instead = "or use numeric ids"
    else:
        instead = f"or use the image's user ({ctx.stage.image_user}, uid {ctx.stage.image_uid})"
    names = list(dict.fromkeys(unknown))
    source = " (the source image's www-data is not there either)" if "www-data" in names else ""
    them = "it" if len(names) == 1 else "them"
    head = (f"`{_text(cmd)}`: {', '.join(names)} {'is' if len(names) == 1 else 'are'} not in Wolfi's base "
            f"layout{source}, and no earlier command of the stage creates {them}")
    packages = installed | set(ctx.stage.missing)  # a package apk refuses is still the one meant
    creators = sorted(p for p in packages if any(n.strip("_") in p or p in n for n in names))
    if creators:
        message = (f"{head}: unless {', '.join(creators)} creates {them} on Wolfi as on the source distribution, "
                   f"{cmd.name} fails. Create {them} first, {instead}")
        return Outcome(findings=[scodes.UNKNOWN_OWNER.finding(cmd.line, message)])
    if ctx.stage.runs_context_scripts:
        message = (f"{head}: unless a build-context script the stage runs creates {them}, {cmd.name} fails. "
                   f"Create {them} first, {instead}")
        return Outcome(findings=[scodes.UNKNOWN_OWNER.finding(cmd.line, message)])
    message = (f"{head}, and no package installed here is named like {them}: {cmd.name} fails there. "
               f"Create {them} first, {instead}")
    return Outcome(fails=True, findings=[scodes.OWNER_NEVER_CREATED.finding(cmd.line, message)])


def _rpm_dpkg(cmd: Cmd, ctx: Context) -> Outcome | None:
    options = [w.value or "" for w in cmd.words[1:] if w.is_option]
    if any(o in ("--import", "--add-architecture") for o in options):
        return repository_setup(cmd.line, f"`{_text(cmd)}`", ctx)
    installs = {"-i", "--install", "-U", "--upgrade", "-F", "--freshen"}
    short = [o for o in options if not o.startswith("--")]
    if any(o in installs for o in options) or any(o[1:2] in "iUF" for o in short):
        from migrator.rewrite.repositories import is_repository_package

        files = [w.value or w.text for w in cmd.words[1:] if not w.is_option]
        if files and all(is_repository_package(f) for f in files):
            return repository_setup(cmd.line, f"`{_text(cmd)}`", ctx)
        return Outcome(fails=True, findings=[package_file_finding(cmd.line, f"`{_text(cmd)}`")])
    if cmd.name in ctx.stage.installed:  # Wolfi packages dpkg and rpm: installed, `dpkg --print-architecture` works
        return None
    return _unsupported(cmd)


def _unsupported(cmd: Cmd) -> Outcome:
    text = " ".join(w.text for w in cmd.words[:3])
    hint = "use `uname -m` or the TARGETARCH build argument" if "architecture" in text else "use apk"
    return Outcome(
        fails=True,
        findings=[
            codes.UNSUPPORTED_PACKAGE_COMMAND.finding(
                cmd.line, f"`{text}` left as written: {cmd.name} does not exist in Wolfi ({hint})"
            )
        ],
    )


def _repository_args(cmd: Cmd) -> bool:
    return any(w.value is not None and REPOSITORY_PATH.match(w.value) for w in cmd.words[1:])


def _apt_config(line: int, message: str) -> Outcome:
    return Outcome(remove=True, findings=[codes.APT_CONFIGURATION_REMOVED.finding(line, message)])


def redirect_targets(targets: list[str], line: int, ctx: Context) -> Outcome | None:
    """What to do with output redirected into package-manager configuration or repository lists."""
    for target in targets:
        if target in _LOCALE_FILES:
            message = f"writing `{target}` removed: Wolfi has no locale-gen; glibc-locales ships the locales compiled"
            return Outcome(remove=True, findings=[scodes.SYSTEM_CONFIGURATION_REMOVED.finding(line, message)])
        if APT_CONFIG_PATH.match(target):
            message = f"writing `{target}` removed: apk has no such configuration"
            return Outcome(remove=True, findings=[codes.APT_CONFIGURATION_REMOVED.finding(line, message)])
        if REPOSITORY_PATH.match(target):
            return repository_setup(line, f"writing `{target}`", ctx)
    return None


def assignment(name: str, inner: list[Cmd | None], line: int) -> Finding | None:
    """`DEBIAN_FRONTEND=noninteractive` alone, or `saved="$(apt-mark showmanual)"`."""
    if name in APT_ENVIRONMENT:
        return codes.APT_CONFIGURATION_REMOVED.finding(line, f"`{name}=...` removed: apk never prompts")
    if inner and all(c is not None and c.name == "apt-mark" for c in inner):
        message = f"`{name}=$(apt-mark ...)` removed: apk keeps no such state"
        return codes.APT_CONFIGURATION_REMOVED.finding(line, message)
    return None


def assignment_names(names: list[str], line: int) -> Finding | None:
    """`export DEBIAN_FRONTEND=noninteractive`."""
    if all(name in APT_ENVIRONMENT for name in names):
        return codes.APT_CONFIGURATION_REMOVED.finding(
            line, f"`export {' '.join(names)}` removed: apk never prompts"
        )
    return None
