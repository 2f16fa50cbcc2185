"""Accounts a stage's programs run as that no Wolfi package creates.

Wolfi's nginx is built `--user=nginx` and neither it nor wolfi-baselayout creates an nginx user or group:
started as root, its master stops with `getpwnam("nginx") failed`. An nginx.conf the stage copies in may
name another account (`user www-data;`, Debian's), which fails the same way. These accounts are created
atop the stage, as the original image's users are (MIG562)."""

from __future__ import annotations

import posixpath
import re

from migrator.parse.dockerfile import Instruction
from migrator.plan.buildcontext import BuildContext
from migrator.regex import lazy as lazy_re

_USER_DIRECTIVE = lazy_re(r"(?m)^\s*user\s+([A-Za-z_][\w.-]*)(?:\s+[A-Za-z_][\w.-]*)?\s*;")
_WRITTEN_USER = lazy_re(r"(?:^|[\s'\"]|\\n)user\s+([A-Za-z_][\w.-]*)(?:\s+[A-Za-z_][\w.-]*)?\s*;")
_NGINX_CONF = "/etc/nginx/nginx.conf"
_PACKAGE = "the"  # (how every reason here starts; MIG562's start with USER, --chown or a command)


def is_package_reason(why: str) -> bool:
    """Whether `why` (what names an account the writer creates) is one of `package_accounts`'."""
    return why.startswith(f"{_PACKAGE} ")


def package_accounts(installed: set[str], instructions: list[Instruction],
                     files: BuildContext | None) -> dict[str, str]:
    """account name -> what needs it, for the packages the stage installs (rules/wolfi/package-accounts.yaml)
    and the `user` directive of an nginx.conf it copies from the build context."""
    from migrator.rules.data import builtin_data

    wanted = builtin_data("wolfi/package-accounts.yaml").get("package_users") or {}
    named: dict[str, str] = {}
    for package in sorted(installed):
        if package in wanted:
            named.setdefault(str(wanted[package]), f"{_PACKAGE} {package} package (built to run as {wanted[package]})")
    if "nginx" not in {str(wanted.get(p)) for p in installed} or files is None:
        return named
    for instruction in instructions:
        conf = _copied_nginx_conf(instruction)
        text = files.text(conf) if conf is not None else None
        match = _USER_DIRECTIVE.search(_without_comments(text)) if text else None
        if instruction.keyword == "RUN" and _NGINX_CONF in instruction.logical:
            match = _WRITTEN_USER.search(instruction.logical)  # (`printf 'user nobody;\n...' > nginx.conf`)
        if match:
            named = {name: why for name, why in named.items() if name != "nginx"}  # (the directive wins)
            account = match.group(1)
            named[account] = f"{_PACKAGE} nginx.conf written at line {instruction.line} (`user {account};`)"
    return named


def _copied_nginx_conf(instruction: Instruction) -> str | None:
    """The build-context source a plain COPY puts at /etc/nginx/nginx.conf."""
    if instruction.keyword not in ("COPY", "ADD") or "from" in instruction.flags:
        return None
    words = instruction.words()
    if len(words) != 2:
        return None
    source, target = words
    if target.rstrip("/") == _NGINX_CONF:
        return source
    if target.endswith("/") and target.rstrip("/") == posixpath.dirname(_NGINX_CONF):
        return source if posixpath.basename(source) == "nginx.conf" else None
    return None


def _without_comments(text: str) -> str:
    return re.sub(r"#[^\n]*", "", text)
