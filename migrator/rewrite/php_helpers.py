"""Docker Hub php's helper scripts in RUN lines -> Wolfi's PHP extension packages.

Docker Hub's php images compile extensions into their own PHP with `docker-php-ext-install`,
`docker-php-ext-configure`, `docker-php-ext-enable`, `pecl install` (or mlocati's
`install-php-extensions`). None of these exist on Wolfi, where each extension is a package
(`php-<ext>`, or `php-8.X-<ext>` for a PECL extension with no generic name) that installs the module
and the ini line that loads it. Built with Wolfi's own options: configure flags have nothing to do.
Docker Hub's `php.ini-production` is Wolfi's /etc/php/php.ini already.
"""

from __future__ import annotations

import posixpath
import re

from migrator.findings import area
from migrator.rewrite.command import Cmd, Context, Outcome

TYPE_CHECKING = False  # not typing's: importing typing costs 2 ms of a cold run (docs/performance.md)
if TYPE_CHECKING:
    from migrator.findings import shell as codes
else:
    codes = area("shell")  # (imported at the first shell code said)


INSTALLERS = frozenset({"docker-php-ext-install", "docker-php-ext-enable", "install-php-extensions"})
_OPTIONS_WITH_VALUE = frozenset({"--ini-name", "-j", "--jobs"})
_PECL_HOUSEKEEPING = frozenset({"channel-update", "clear-cache", "config-set", "update-channels"})


def translate(cmd: Cmd, ctx: Context) -> Outcome | None:
    name = cmd.name
    if name in INSTALLERS or (name == "pecl" and _verb(cmd) == "install"):
        return _install(cmd, ctx)
    if name == "docker-php-ext-configure":
        flags = " ".join(w.text for w in cmd.words[2:])
        message = (f"`{_text(cmd)}` removed: Wolfi's extension packages are built with their own options"
                   + (f" (`{flags}` is not applied; check that Wolfi's build has what you need)" if flags else ""))
        return Outcome(remove=True, findings=[codes.DOCKERHUB_HELPER_TRANSLATED.finding(cmd.line, message)])
    if name == "docker-php-source" or (name == "pecl" and _verb(cmd) in _PECL_HOUSEKEEPING):
        message = f"`{_text(cmd)}` removed: Wolfi's extension packages need no PHP source or PECL channel"
        return Outcome(remove=True, findings=[codes.DOCKERHUB_HELPER_TRANSLATED.finding(cmd.line, message)])
    if name in ("cp", "mv", "ln") and (ini := _production_ini(cmd)) is not None:
        return ini
    return None


def _verb(cmd: Cmd) -> str:
    return next((w.value or "" for w in cmd.words[1:] if not w.is_option), "")


def _text(cmd: Cmd) -> str:
    return " ".join(w.text for w in cmd.words)


def _extensions(cmd: Cmd) -> list[str] | None:
    """Extension names of the command, without versions (`apcu-5.1.8`, `redis@6`); None when one is
    only known at build time."""
    names: list[str] = []
    skip = cmd.name == "pecl"  # `pecl install`: the verb comes first
    words = cmd.words[1:]
    index = 0
    while index < len(words):
        word = words[index]
        value = word.value
        index += 1
        if value is None:
            return None
        if value in _OPTIONS_WITH_VALUE:
            index += 1
        elif value.startswith("-"):
            continue
        elif skip:
            skip = False
        else:
            names.append(re.split(r"[-@]\d|@", value, maxsplit=1)[0].lower())
    return names


def wolfi_extension(name: str, ctx: Context, stream: str | None) -> tuple[str, ...] | None:
    """The Wolfi packages of a PHP extension (empty: compiled into the image's PHP `stream`), or None. An extension
    Wolfi builds only per stream (php-8.4-swoole) is the image's stream's build, else the newest."""
    from migrator.rules.streams import in_stream
    from migrator.rules.wolfi import is_wolfi_name

    if stream is not None and stream in ctx.rules.runtime_libs.get("php_builtin", {}).get(name, ()):
        return ()
    known = ctx.rules.runtime_libs.get("php_extensions", {})
    if name in known:
        return tuple(known[name])
    for candidate in (f"php-{name}", f"php-pecl-{name}"):
        if is_wolfi_name(candidate):
            return (candidate,)
    builds = _stream_builds(name)
    php = ctx.rules.languages.get("php")
    own = [b for b in builds if stream is not None and php is not None and in_stream(b, stream, php)]
    return ((own or builds)[-1],) if builds else None


def _stream_builds(name: str) -> tuple[str, ...]:
    """The per-stream packages of an extension with no generic name (php-8.2-swoole .. php-8.4-swoole)."""
    from migrator.rewrite.equivalents import numbered

    for template in (f"php-8.{{N}}-{name}", f"php-8.{{N}}-pecl-{name}"):
        if builds := numbered(template):
            return builds
    return ()


def served_php(ctx: Context) -> str | None:
    """The PHP stream of the stage's image (8.5 on php:latest-fpm-dev), or None off a php image."""
    if ctx.stage.image_name != "php":
        return None
    stream = ctx.rules.served_version("php", ctx.stage.image_tag or "latest")
    return stream if stream[:1].isdigit() else None


def _off_stream(resolved: dict[str, tuple[str, ...] | None], stream: str | None, ctx: Context
                ) -> dict[str, tuple[str, ...]]:
    """The extensions whose packages are all PHP streams' own, none the image's stream's: a virtual name
    (php-opcache) -> the packages that provide it, an extension built per stream only (swoole) -> its builds. apk
    would install another stream's module and PHP beside the image's."""
    from migrator.plan.versions import streams
    from migrator.rules.streams import in_stream, of_a_stream, stream_builds
    from migrator.rules.wolfi import providers

    php = ctx.rules.languages.get("php")
    if stream is None or php is None:
        return {}
    shipped = streams(php.name)
    found: dict[str, tuple[str, ...]] = {}
    for name, packages in resolved.items():
        for package in packages or ():
            if built := providers(package):
                if all(of_a_stream(p, php, shipped) for p in built) and not stream_builds(package, stream, php):
                    found[package] = built
            elif of_a_stream(package, php, shipped) and not in_stream(package, stream, php):
                found[name] = _stream_builds(name) or (package,)
    return found


def _install(cmd: Cmd, ctx: Context) -> Outcome:
    names = _extensions(cmd)
    stream = served_php(ctx)
    resolved = {n: wolfi_extension(n, ctx, stream) for n in names or []}
    missing = [n for n, packages in resolved.items() if packages is None]
    if names is None or missing or not names:
        what = ", ".join(missing) if missing else "the extensions (only known at build time)"
        message = (f"`{_text(cmd)}` left as written: it is a Docker Hub php helper that Wolfi does not have, and "
                   f"migrator knows no Wolfi package for {what}, so the RUN fails. Install the extension's Wolfi "
                   "package (`apk search php-`) or build it with phpize in the builder")
        return Outcome(fails=True, findings=[codes.DOCKERHUB_HELPER_LEFT.finding(cmd.line, message)])
    packages = list(dict.fromkeys(p for found in resolved.values() for p in found or ()))
    if off := _off_stream(resolved, stream, ctx):
        listed = "; ".join(f"{virtual} is built only as {', '.join(built)}" for virtual, built in off.items())
        message = (f"`{_text(cmd)}` left as written: {listed}, not for the PHP {stream} "
                   f"{ctx.stage.image_name}:{ctx.stage.image_tag} serves, so `apk add` would bring another PHP "
                   "beside it (or fail on the conflict) and the RUN fails. Leave the extension out if PHP "
                   f"{stream} has it built in, or build it with phpize in the builder")
        return Outcome(fails=True, findings=[codes.DOCKERHUB_HELPER_LEFT.finding(cmd.line, message)])
    builtin = [n for n, found in resolved.items() if found == ()]
    note = f"; {', '.join(builtin)} compiled into Wolfi's php" if builtin else ""
    if builtin and stream is not None:
        note += f" {stream}"
    if not packages:
        message = f"`{_text(cmd)}` removed: nothing to install{note}"
        return Outcome(remove=True, findings=[codes.DOCKERHUB_HELPER_TRANSLATED.finding(cmd.line, message)])
    earlier = ctx.stage.php_helper_packages
    if all(p in earlier for p in packages):
        by = ", ".join(f"`{p}` (from `{earlier[p]}`)" for p in packages)
        message = (f"`{_text(cmd)}` removed: {by} is installed already, and a Wolfi extension package installs "
                   f"and enables its extension{note}")
        return Outcome(remove=True, findings=[codes.DOCKERHUB_HELPER_TRANSLATED.finding(cmd.line, message)])
    packages = [p for p in packages if p not in earlier]
    earlier.update((p, _text(cmd)) for p in packages)
    ctx.stage.installed.update(packages)
    text = f"apk add --no-cache {' '.join(packages)}"
    message = (f"`{_text(cmd)}` -> `{text}`: Docker Hub's php helper does not exist on Wolfi, where each "
               f"extension is a package that installs and enables it{note}")
    return Outcome(whole=text, installs=True, adds=True,
                   findings=[codes.DOCKERHUB_HELPER_TRANSLATED.finding(cmd.line, message)])


def _production_ini(cmd: Cmd) -> Outcome | None:
    """`cp "$PHP_INI_DIR/php.ini-production" "$PHP_INI_DIR/php.ini"`: Docker Hub ships the two templates;
    Wolfi's /etc/php/php.ini is the production one, and there is no -development file."""
    sources = [w for w in cmd.words[1:] if not w.is_option][:-1]
    kinds = {posixpath.basename(w.text.strip("\"'")) for w in sources}
    if kinds == {"php.ini-production"}:
        message = f"`{_text(cmd)}` removed: Wolfi's /etc/php/php.ini is PHP's production configuration already"
        return Outcome(remove=True, findings=[codes.DOCKERHUB_HELPER_TRANSLATED.finding(cmd.line, message)])
    if kinds == {"php.ini-development"}:
        message = (f"`{_text(cmd)}` left as written: Wolfi ships only the production php.ini (/etc/php/php.ini), "
                   "so the file does not exist and the RUN fails; set the development values in a file under "
                   "/etc/php/conf.d instead")
        return Outcome(fails=True, findings=[codes.DOCKERHUB_HELPER_LEFT.finding(cmd.line, message)])
    return None
