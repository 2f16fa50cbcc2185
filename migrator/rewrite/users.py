"""useradd / groupadd / usermod / Debian adduser -> busybox `adduser` / `addgroup`.

busybox's applets differ from shadow's and Debian's where it matters for a build (checked by running
busybox 1.35/1.36 in a root with Wolfi's /etc files, see tests/rewrite/test_busybox_users.py):

- `adduser -G GROUP` takes a group NAME that must exist ("unknown group 1000" otherwise): a gid is
  resolved to the group the stage created with it, or the group is created first with that gid;
- `adduser -S` without `-G` puts the user in `nogroup`, while `useradd -r` and `adduser --system
  --group` give it a group of its own name: that group is created first, as `chown app:app` needs it;
- a group that Wolfi's base layout lacks (`sudo`, `users`, `www-data`, `docker`) is created before a
  user joins it, unless the stage created it.
"""

from __future__ import annotations

from migrator.findings import area
from migrator.records import dataclass, field
from migrator.regex import lazy as lazy_re
from migrator.rewrite.command import Cmd, Context, Outcome, Token

TYPE_CHECKING = False  # not typing's: importing typing costs 2 ms of a cold run (docs/performance.md)
if TYPE_CHECKING:
    from migrator.findings import shell as codes
else:
    codes = area("shell")  # (imported at the first shell code said)


USER_COMMANDS = frozenset({"useradd", "groupadd", "usermod", "groupmod", "userdel", "groupdel", "adduser", "addgroup"})

# option -> (busybox flag or "" to drop it, takes a value)
_USERADD: dict[str, tuple[str, bool]] = {
    "-m": ("home", False), "--create-home": ("home", False),
    "-M": ("-H", False), "--no-create-home": ("-H", False),
    "-r": ("-S", False), "--system": ("-S", False),
    "-u": ("-u", True), "--uid": ("-u", True),
    "-g": ("-G", True), "--gid": ("-G", True),
    "-G": ("groups", True), "--groups": ("groups", True),
    "-s": ("-s", True), "--shell": ("-s", True),
    "-d": ("-h", True), "--home-dir": ("-h", True), "--home": ("-h", True),
    "-c": ("-g", True), "--comment": ("-g", True),
    "-N": ("nogroup", False), "--no-user-group": ("nogroup", False), "-U": ("", False), "--user-group": ("", False),
    "-l": ("", False), "--no-log-init": ("", False),
}
_USERDEL: dict[str, tuple[str, bool]] = {
    "-r": ("--remove-home", False), "--remove": ("--remove-home", False), "-f": ("", False), "--force": ("", False),
}
_GROUPDEL: dict[str, tuple[str, bool]] = {"-f": ("", False), "--force": ("", False)}
_GROUPADD: dict[str, tuple[str, bool]] = {
    "-g": ("-g", True), "--gid": ("-g", True),
    "-r": ("-S", False), "--system": ("-S", False),
    "-f": ("", False), "--force": ("", False),
}
_USERMOD: dict[str, tuple[str, bool]] = {
    "-a": ("", False), "--append": ("", False),
    "-G": ("groups", True), "--groups": ("groups", True),
}
_CHANGE_FLAGS = ("-u", "gid", "-G", "-h", "-s")  # what usermod/groupmod may change in a user migrator creates
_USERMOD_FOLD: dict[str, tuple[str, bool]] = {
    **_USERMOD,
    "-u": ("-u", True), "--uid": ("-u", True), "-g": ("gid", True), "--gid": ("gid", True),
    "-d": ("-h", True), "--home": ("-h", True), "-s": ("-s", True), "--shell": ("-s", True),
    "-o": ("", False), "--non-unique": ("", False), "-m": ("", False), "--move-home": ("", False),
}
_GROUPMOD_FOLD: dict[str, tuple[str, bool]] = {
    "-g": ("gid", True), "--gid": ("gid", True), "-o": ("", False), "--non-unique": ("", False),
}
_DEBIAN_ADDUSER: dict[str, tuple[str, bool]] = {
    "--disabled-password": ("", False), "--disabled-login": ("", False),
    "--gecos": ("-g", True), "--comment": ("-g", True),
    "--home": ("-h", True), "--shell": ("-s", True),
    "--uid": ("-u", True), "--gid": ("-G", True), "--ingroup": ("-G", True),
    "-u": ("-u", True),  # Debian's adduser reads options with Getopt::Long: `-u` abbreviates --uid
    "--system": ("-S", False), "--group": ("group", False),
    "--no-create-home": ("-H", False),
    "--quiet": ("", False), "-q": ("", False), "--force-badname": ("", False),
    "--allow-badname": ("", False), "--allow-bad-names": ("", False), "--allow-all-names": ("", False),
}
_DEBIAN_ADDGROUP: dict[str, tuple[str, bool]] = {
    "--system": ("-S", False), "--gid": ("-g", True),
    "--quiet": ("", False), "-q": ("", False), "--force-badname": ("", False),
    "--allow-badname": ("", False), "--allow-bad-names": ("", False), "--allow-all-names": ("", False),
}
_ADDUSER_ORDER = ("-S", "-u", "-G", "-h", "-s", "-g", "-H")


@dataclass
class _Parsed:
    flags: dict[str, str] = field(default_factory=dict)  # busybox flag -> value ("" when none)
    positional: list[Token] = field(default_factory=list)
    unsupported: list[str] = field(default_factory=list)


def _into_group(cmd: Cmd, ctx: Context) -> Outcome | None:
    """`adduser app users` / `addgroup app www-data` (add a user to a group): both must exist on Wolfi, and
    Wolfi's base layout has no `users` and no `www-data`."""
    from migrator.rewrite.housekeeping import unknown_accounts

    words = [w.value for w in cmd.words[1:]]
    if len(words) != 2 or any(w is None or w.startswith("-") or "$" in w for w in words):
        return None
    found = unknown_accounts(cmd, ctx, "", words[1] or "")  # the group: Wolfi lacks users, www-data
    if found is not None:
        found.users = True
    return found


def translate(cmd: Cmd, ctx: Context) -> Outcome | None:
    name = cmd.name
    if name not in USER_COMMANDS:
        return None
    debian_style = any((w.value or "").startswith("--") for w in cmd.words[1:])
    if name in ("adduser", "addgroup") and ctx.family in ("alpine", "wolfi") and _busybox_options(cmd):
        debian_style = False  # Alpine's busybox: long options such as --ingroup are its own
    if name in ("adduser", "addgroup") and not debian_style:
        if (existing := _busybox_existing(cmd, ctx)) is not None:
            return existing
        _remember_busybox(cmd, ctx)
        return _into_group(cmd, ctx) or Outcome(users=True)  # already busybox (or `adduser USER GROUP`)
    table = {
        "useradd": _USERADD, "groupadd": _GROUPADD, "usermod": _USERMOD, "groupmod": {},
        "userdel": _USERDEL, "groupdel": _GROUPDEL, "adduser": _DEBIAN_ADDUSER, "addgroup": _DEBIAN_ADDGROUP,
    }[name]
    if name in ("usermod", "groupmod") and (folded := _fold_change(cmd, ctx)) is not None:
        return folded
    parsed = _parse(cmd, table)
    if parsed.unsupported or not _valid(name, parsed):
        if "shadow" in ctx.stage.installed:  # the stage installs shadow: useradd and usermod exist
            # a source image's user it changes is created first; the last word is the user (an option the
            # table lacks leaves its value among the words)
            target = parsed.positional[-1].value if name in ("usermod", "groupmod") and parsed.positional else None
            if target in ctx.stage.source_users and target not in known_users(ctx):
                ctx.stage.unresolved.setdefault(target, f"`{name} ... {target}` (line {cmd.line})")
            _remember_shadow_created(name, parsed, ctx)
            return Outcome(users=True)
        return _untranslatable(cmd, parsed)
    if name == "adduser" and "group" in parsed.flags and "-S" not in parsed.flags:
        name, parsed = "addgroup", _as_group(parsed)
    if name in _CREATORS and (existing := _existing_account(cmd, name, parsed, ctx)) is not None:
        return existing
    if name == "useradd" and "nogroup" not in parsed.flags and "-G" not in parsed.flags:
        parsed.flags["group"] = ""  # useradd gives the user a group of its own name (USERGROUPS_ENAB)
    if name == "useradd" and "home" not in parsed.flags and ctx.family != "fedora":
        parsed.flags["-H"] = ""  # shadow's useradd makes no home without -m (Debian's login.defs); busybox does
    if name in ("userdel", "groupdel") and _shipped_only_by_source(parsed.positional[0], ctx):
        return _deleted_source_account(cmd, parsed.positional[0].text)
    text = _render(name, parsed, ctx)
    if text is None:
        return _untranslatable(cmd, parsed)
    prefix = " ".join(t.text for t in cmd.prefix if t.value != "sudo" and "=" in t.text)
    whole = f"{prefix} {text}" if prefix else text
    message = f"`{' '.join(w.text for w in cmd.words)}` translated to busybox `{text}`"
    finding = codes.USER_COMMAND_TRANSLATED.finding(cmd.line, message)
    return Outcome(whole=whole, users=True, findings=[finding])


_CREATORS = frozenset({"useradd", "groupadd", "adduser", "addgroup"})


def _remember_shadow_created(name: str, parsed: _Parsed, ctx: Context) -> None:
    """The account a creation left as written for shadow (an option busybox lacks) makes: later commands of the
    stage may name it (`chown app:app`). useradd gives the user a group of its own name unless told otherwise."""
    target = parsed.positional[0].value if name in _CREATORS and len(parsed.positional) == 1 else None
    if not target or "$" in target:
        return
    if name in ("groupadd", "addgroup"):
        _remember_group(ctx, target, parsed.flags.get("-g"))
        return
    ctx.stage.user_names.add(target)
    if name == "useradd" and "nogroup" not in parsed.flags and "-G" not in parsed.flags:
        _remember_group(ctx, target, None)


def _existing_account(cmd: Cmd, name: str, parsed: _Parsed, ctx: Context) -> Outcome | None:
    """The creation of an account that exists already, which busybox fails on ("in use"), removed: one the
    Chainguard image has (`useradd nonroot`), or a group the stage made, created again where the original
    went on (Debian's `addgroup --system app` finds its system group and exits 0; `groupadd -f`)."""
    target = parsed.positional[0].value or ""
    group = name in ("groupadd", "addgroup")
    if _image_account(target, ctx):
        asked = parsed.flags.get("-g") if group else parsed.flags.get("-u")
        return _image_account_removed(cmd, target, group, asked, ctx, [] if group else _groups(
            parsed.flags.get("groups")) or [])
    words = {w.value for w in cmd.words[1:]}
    again = "-S" in parsed.flags if name == "addgroup" else bool(words & {"-f", "--force"}) and name == "groupadd"
    if group and again and target in ctx.stage.group_names:
        written = " ".join(w.text for w in cmd.words)
        message = (f"`{written}` removed: the stage created group {target} before, and busybox addgroup fails on "
                   "a group in use where the original went on")
        return Outcome(remove=True, findings=[codes.USER_COMMAND_TRANSLATED.finding(cmd.line, message)])
    return None


def _image_account(name: str, ctx: Context) -> bool:
    """The Chainguard image has a user and group of that name: its own user (not root), or another it ships."""
    return (name == ctx.stage.image_user and ctx.stage.image_uid != 0) or name in ctx.stage.image_accounts


def _busybox_existing(cmd: Cmd, ctx: Context) -> Outcome | None:
    """A busybox `adduser`/`addgroup` (from an Alpine image) of an account the Chainguard image has."""
    created = _busybox_created(cmd)
    if created is None or not _image_account(created[0], ctx):
        return None
    target, options = created
    group = cmd.name == "addgroup"
    return _image_account_removed(cmd, target, group, options.get("-g" if group else "-u"), ctx, [])


def _image_account_removed(cmd: Cmd, target: str, group: bool, asked: str | None, ctx: Context,
                           groups: list[str]) -> Outcome:
    from migrator.findings import packages as package_codes

    own = target == ctx.stage.image_user
    if asked and own:
        _remember_group(ctx, target, asked)  # (a later `-g 999` names the image's group)
    if not group:
        ctx.stage.user_names.add(target)
    what = "group" if group else "user"
    number = "gid" if group else "uid"
    has = f" ({number} {ctx.stage.image_uid})" if own else ""
    image = ctx.stage.image_name or "the Chainguard image"
    message = (f"`{' '.join(w.text for w in cmd.words)}` removed: {image} already has the {what} {target}{has}, "
               f"and busybox {'addgroup' if group else 'adduser'} fails on a name in use; the image's {what} is "
               "used as it is")
    if asked and not (own and asked == str(ctx.stage.image_uid)):
        message += (f". The original asked for {number} {asked}: files given to {asked} (COPY --chown={asked}, "
                    f"chown {asked}) must be given to {target}" + (f" ({ctx.stage.image_uid})" if own else "")
                    + " instead")
    finding = package_codes.IMAGE_ACCOUNT_NOT_RECREATED.finding(cmd.line, message)
    joins = [c for g in groups for c in (_ensure_group(g, ctx), f"addgroup {target} {g}") if c]
    if joins:  # (`useradd -G docker nonroot`: the image's user still joins its groups)
        return Outcome(whole=" && ".join(joins), users=True, findings=[finding])
    return Outcome(remove=True, findings=[finding])


def _fold_change(cmd: Cmd, ctx: Context) -> Outcome | None:
    """`usermod -u 1000 www-data`, `groupmod -g 1000 www-data`, `usermod -d /home/app -s /bin/bash app` on a
    user migrator creates (a source image's user the writer adds, or the stage's own translated useradd):
    busybox cannot change a user, so the user is created that way instead (the first pass records the
    change in `account_changes`) and the command goes. None: not such a user or change (MIG402 then)."""
    if "shadow" in ctx.stage.installed:
        return None  # usermod and groupmod exist: kept as written
    parsed = _parse(cmd, _USERMOD_FOLD if cmd.name == "usermod" else _GROUPMOD_FOLD)
    if parsed.unsupported or len(parsed.positional) != 1:
        return None
    target = parsed.positional[0].value or ""
    changes = {flag: value for flag, value in parsed.flags.items() if flag in _CHANGE_FLAGS}
    if "gid" in changes and not _numeric_or_variable(changes["gid"], ctx):
        changes["-G"] = changes.pop("gid")  # `usermod -g staff app`: a primary group by name
    elif cmd.name == "usermod" and "gid" in changes and _known_groups(ctx).get(changes["gid"], target) != target:
        changes["-G"] = _known_groups(ctx)[changes.pop("gid")]  # `usermod -g 1000 app`: group 1000 exists
    groups = _groups(parsed.flags.get("groups"))
    if not changes or groups is None or not all(_plain_or_variable(v, ctx) for v in changes.values()):
        return None
    if cmd.name == "groupmod" and not ctx.stage.rendered_users.get(target, target in ctx.stage.source_users):
        return None  # a group that is not a user's own: busybox cannot change it
    if ctx.stage.probing:
        creates_source = target in ctx.stage.source_users and target not in known_users(ctx)
        if target not in ctx.stage.rendered_users and not creates_source:
            return None
        ctx.stage.account_changes.setdefault(target, {}).update(changes)
        ctx.stage.unresolved.setdefault(target, f"`{cmd.name} ... {target}` (line {cmd.line})")
    elif target not in ctx.stage.rendered_users and target not in ctx.stage.source_created:
        return None
    joins = [c for g in groups for c in (_ensure_group(g, ctx), f"addgroup {target} {g}") if c]
    written = " ".join(w.text for w in cmd.words)
    made = ", ".join(f"{_CHANGE_NAMES[flag]} {value}" for flag, value in changes.items())
    done = f"replaced by `{' && '.join(joins)}` (its groups)" if joins else "removed"
    message = (f"`{written}` {done}: Wolfi has no {cmd.name} and busybox cannot change a user; {target} is "
               f"created with {made} instead")
    finding = codes.ACCOUNT_CHANGE_FOLDED.finding(cmd.line, message)
    if joins:
        return Outcome(whole=" && ".join(joins), users=True, findings=[finding])
    return Outcome(remove=True, users=True, findings=[finding])


_CHANGE_NAMES = {"-u": "uid", "gid": "gid", "-G": "primary group", "-h": "home", "-s": "shell"}


def _plain_or_variable(value: str, ctx: Context) -> bool:
    """A literal value, or one ARG/ENV variable the stage itself sets (`$PUID`, `${PGID}`)."""
    if not any(char in value for char in "$`\"'\\ "):
        return True
    if len(value) > 2 and value[0] == value[-1] == '"':
        value = value[1:-1]  # ("$PUID")
    variable = value[2:-1] if value.startswith("${") and value.endswith("}") else value[1:]
    return value.startswith("$") and variable.isidentifier() and variable in ctx.stage.stage_variables


def _numeric_or_variable(value: str, ctx: Context) -> bool:
    return value.isdigit() or (value.startswith("$") and _plain_or_variable(value, ctx))


def folded_adduser(name: str, uid: str | None, changes: dict[str, str]) -> str:
    """The busybox commands creating `name` with a usermod/groupmod's changes (uid, gid, home, shell)."""
    uid = changes.get("-u", uid)
    gid = changes.get("gid")
    options = {flag: value for flag, value in changes.items() if flag in ("-h", "-s", "-G")}
    first = ""
    if uid is not None:
        options["-u"] = uid
    if gid is not None and gid != uid and "-G" not in options:
        first, options["-G"] = f"addgroup -g {gid} {name} && ", name  # (else busybox's group gets gid = uid)
    parts = ["adduser", "-D"]
    for flag in _ADDUSER_ORDER:
        if flag in options:
            parts += [flag, options[flag]]
    return first + " ".join([*parts, name])


def _shipped_only_by_source(target: Token, ctx: Context) -> bool:
    """`userdel -r ubuntu` on ubuntu:24.04: the user came with the original image and Wolfi has no such user."""
    name = target.value or ""
    return name in ctx.stage.source_users and name not in known_users(ctx) and name not in known_group_names(ctx)


def _deleted_source_account(cmd: Cmd, name: str) -> Outcome:
    applet = "deluser" if cmd.name == "userdel" else "delgroup"
    message = (f"`{' '.join(w.text for w in cmd.words)}` removed: {name} came with the original image, and the "
               f"Chainguard image has no {name} to delete (busybox's {applet} would fail)")
    return Outcome(remove=True, findings=[codes.SOURCE_ACCOUNT_REMOVED.finding(cmd.line, message)])


def _parse(cmd: Cmd, table: dict[str, tuple[str, bool]]) -> _Parsed:
    parsed = _Parsed()
    words = cmd.words
    position = 1
    while position < len(words):
        token = words[position]
        position += 1
        if not token.is_option:
            if _expands_to_options(token.text):
                parsed.unsupported.append(token.text)  # (left as written: busybox has no --non-unique)
            else:
                parsed.positional.append(token)
            continue
        text = token.value or ""
        if not text.startswith("--") and len(text) > 2 and "-" + text in table:
            text = "-" + text  # `-disabled-password`: Getopt::Long takes one dash for a long option
        if text.startswith("--") or len(text) == 2:
            name, equals, attached = text.partition("=") if text.startswith("--") else (text, "", "")
            options = [(name, Token(attached, attached, 0, 0, 0) if equals else None)]
        else:
            options = _cluster(text, table)
        for option, value in options:
            target = table.get(option)
            if target is None:
                parsed.unsupported.append(option)
                continue
            flag, takes_value = target
            if takes_value and value is None:
                if position >= len(words):
                    parsed.unsupported.append(option)
                    break
                value = words[position]
                position += 1
            if flag:
                parsed.flags[flag] = value.text if value is not None else ""
    return parsed


def _cluster(text: str, table: dict[str, tuple[str, bool]]) -> list[tuple[str, Token | None]]:
    """`-rm` -> [-r, -m]; `-ubob`-style attached values are kept with their option."""
    options: list[tuple[str, Token | None]] = []
    for offset, letter in enumerate(text[1:]):
        option = "-" + letter
        takes_value = table.get(option, ("", False))[1]
        rest = text[offset + 2 :]
        if takes_value and rest:
            options.append((option, Token(rest, rest, 0, 0, 0)))
            break
        options.append((option, None))
    return options


def _valid(name: str, parsed: _Parsed) -> bool:
    if name == "groupmod":
        return False  # busybox has no way to change a group's id or name
    if name == "usermod":
        return len(parsed.positional) == 1 and "groups" in parsed.flags
    return len(parsed.positional) == 1


def _as_group(parsed: _Parsed) -> _Parsed:
    flags = {"-g": parsed.flags["-G"]} if "-G" in parsed.flags else {}
    return _Parsed(flags, parsed.positional, parsed.unsupported)


def _render(name: str, parsed: _Parsed, ctx: Context) -> str | None:
    target = parsed.positional[0].text
    groups = _groups(parsed.flags.get("groups"))
    if groups is None:
        return None
    system = "-S" in parsed.flags
    if name in ("userdel", "groupdel"):
        applet = "deluser" if name == "userdel" else "delgroup"
        return " ".join([applet, *(["--remove-home"] if "--remove-home" in parsed.flags else []), target])
    if name == "usermod":
        if target not in known_users(ctx):  # (`usermod -aG staff www-data`: the writer creates a source image's user)
            ctx.stage.unresolved.setdefault(target, f"`usermod ... {target}`")
        return " && ".join(c for g in groups for c in (_ensure_group(g, ctx), f"addgroup {target} {g}") if c)
    if name in ("groupadd", "addgroup"):
        flags = ["-S"] if system else []
        if "-g" in parsed.flags:
            flags += ["-g", parsed.flags["-g"]]
        _remember_group(ctx, target, parsed.flags.get("-g"))
        return " ".join(["addgroup", *flags, target])
    first: list[str] = []
    primary = parsed.flags.get("-G")
    if primary is not None:
        primary, create = _primary_group(primary, target, system, ctx)
        first += [create] if create else []
    elif "group" in parsed.flags and system:  # a system user with a group of its own name
        if target not in known_group_names(ctx):  # (Debian's adduser takes a system group already made)
            first.append(f"addgroup -S {target}")
            _remember_group(ctx, target, None)
        primary = target
    elif not system:  # busybox gives a non-system user a group of its own name, gid = uid
        _remember_group(ctx, target, parsed.flags.get("-u"))
    ctx.stage.user_names.add(target)
    ctx.stage.rendered_users[target] = primary is None or primary == target
    options = dict(parsed.flags, **({"-G": primary} if primary is not None else {}))
    changes = ctx.stage.account_changes.get(target, {})
    options.update({flag: value for flag, value in changes.items() if flag in ("-u", "-h", "-s", "-G")})
    if "-G" in changes:  # (usermod -g GROUP: busybox adduser -G needs it to exist)
        first += [c for c in [_ensure_group(changes["-G"], ctx, system)] if c]
    if "gid" in changes and ctx.stage.rendered_users[target] and (system or changes["gid"] != options.get("-u")):
        # groupmod -g of the user's own group: created first with that gid (busybox's own gets gid = uid)
        first[:] = [c for c in first if not (c.startswith("addgroup ") and c.endswith(f" {target}"))]
        first.append(f"addgroup {'-S ' if system else ''}-g {changes['gid']} {target}")
        options["-G"] = target
    parts = ["adduser", "-D"]
    for flag in _ADDUSER_ORDER:
        if flag in options:
            parts += [flag, options[flag]] if options[flag] else [flag]
    parts.append(target)
    joins = [c for g in groups for c in (_ensure_group(g, ctx), f"addgroup {target} {g}") if c]
    return " && ".join([*first, " ".join(parts), *joins])


_BUSYBOX_VALUED = {"adduser": set("hgsGuk"), "addgroup": {"g"}}
_BUSYBOX_VALUED_LONG = {"--home": "-h", "--gecos": "-g", "--shell": "-s", "--ingroup": "-G", "--uid": "-u",
                        "--skel": "-k", "--gid": "-g"}
_BUSYBOX_LONG = {
    "adduser": {"--home", "--gecos", "--shell", "--ingroup", "--disabled-password", "--system",
                "--no-create-home", "--uid", "--skel"},
    "addgroup": {"--gid", "--system"},
}


def _busybox_options(cmd: Cmd) -> bool:
    """Every option is one busybox's applet accepts (its long options included)."""
    for word in cmd.words[1:]:
        text = word.value or ""
        if text.startswith("--") and text.partition("=")[0] not in _BUSYBOX_LONG[cmd.name]:
            return False
    return True


def _remember_busybox(cmd: Cmd, ctx: Context) -> None:
    """Note the user or group a busybox `adduser`/`addgroup` creates (not `adduser USER GROUP`)."""
    created = _busybox_created(cmd)
    if created is None:
        return
    target, options = created
    if cmd.name == "addgroup":
        _remember_group(ctx, target, options.get("-g"))
        return
    ctx.stage.user_names.add(target)
    if "-G" not in options and "-S" not in options:
        _remember_group(ctx, target, options.get("-u"))


def _busybox_created(cmd: Cmd) -> tuple[str, dict[str, str]] | None:
    """(name, options) of the user or group a busybox `adduser`/`addgroup` creates; None for `adduser USER
    GROUP` (which adds a user to a group)."""
    valued = _BUSYBOX_VALUED[cmd.name]
    positional: list[str] = []
    options: dict[str, str] = {}
    words = list(cmd.words[1:])
    while words:
        word = words.pop(0)
        text = word.value or word.text
        if word.is_option and text.startswith("--"):
            if "=" not in text and text in _BUSYBOX_VALUED_LONG and words:
                options[_BUSYBOX_VALUED_LONG[text]] = words.pop(0).value or ""
        elif word.is_option:  # getopt reads `-Sg app` letter by letter: -S, then -g with the next word
            for offset, letter in enumerate(text[1:], 2):
                if letter in valued:
                    attached = text[offset:]
                    options["-" + letter] = attached or (words.pop(0).value or "" if words else "")
                    break
                options["-" + letter] = ""
        elif not _expands_to_options(text):
            positional.append(text)
    return (positional[0], options) if len(positional) == 1 else None


_OPTIONS_EXPANSION = lazy_re(r"^\$\{[A-Za-z_][A-Za-z0-9_]*:?[+-]\s*-")


def _expands_to_options(text: str) -> bool:
    """`${UID:+--uid "$UID" --non-unique}`: a parameter expansion that gives options (or nothing), not the
    account's name."""
    return bool(_OPTIONS_EXPANSION.match(text))


def _known_groups(ctx: Context) -> dict[str, str]:
    """gid -> name of the groups that exist: Wolfi's base layout, the image's user, the stage's own."""
    from migrator.rules.data import builtin_data

    known = {str(gid): str(name) for name, gid in (builtin_data("wolfi/accounts.yaml").get("groups") or {}).items()}
    if ctx.stage.image_uid != 0:
        known[str(ctx.stage.image_uid)] = ctx.stage.image_user
    known.update(ctx.stage.groups)
    return known


def _remember_group(ctx: Context, name: str, gid: str | None) -> None:
    ctx.stage.group_names.add(name)
    if gid:
        ctx.stage.groups[gid] = name


def _primary_group(group: str, user: str, system: bool, ctx: Context) -> tuple[str, str | None]:
    """(group name for busybox `-G`, command creating it first or None) for a `-g`/`--gid` value."""
    known = _known_groups(ctx)
    if group in known:
        return known[group], None
    numeric = group.isdigit() or ("$" in group and "GID" in group.upper())
    if not numeric:
        return group, _ensure_group(group, ctx, system)
    # the source image had a group with that gid (Debian's users, node's node...): create it first
    name = user if user not in known.values() and user not in ctx.stage.group_names else f"group{group}"
    _remember_group(ctx, name, group)
    return name, f"addgroup {'-S ' if system else ''}-g {group} {name}"


def _ensure_group(name: str, ctx: Context, system: bool = True) -> str | None:
    """A command creating group `name` unless it surely exists. Packages installed in the stage may
    create it (`docker`), so it is created only when missing."""
    if "$" in name or name in _known_groups(ctx).values() or name in ctx.stage.group_names:
        return None
    _remember_group(ctx, name, None)
    return f"{{ grep -q '^{name}:' /etc/group || addgroup {'-S ' if system else ''}{name}; }}"


def _groups(value: str | None) -> list[str] | None:
    if value is None:
        return []
    if any(char in value for char in "$`\"'"):
        return None
    return [group for group in value.split(",") if group]


def _untranslatable(cmd: Cmd, parsed: _Parsed) -> Outcome:
    what = ", ".join(parsed.unsupported) if parsed.unsupported else "this form"
    message = (
        f"`{' '.join(w.text for w in cmd.words)}`: migrator has no busybox adduser/addgroup translation for "
        f"{what}: left as written, and {cmd.name} is not on Wolfi; add `shadow` to an apk add in this stage, "
        "or rewrite it"
    )
    return Outcome(users=True, fails=True, findings=[codes.USER_COMMAND_UNTRANSLATABLE.finding(cmd.line, message)])


def known_users(ctx: Context) -> set[str]:
    """Users that exist at this point: Wolfi's base layout, the image's user, the stage's own."""
    from migrator.rules.data import builtin_data

    return {*map(str, builtin_data("wolfi/accounts.yaml").get("users") or {}), ctx.stage.image_user,
            *ctx.stage.image_accounts, *ctx.stage.user_names}


def known_group_names(ctx: Context) -> set[str]:
    return {*_known_groups(ctx).values(), *ctx.stage.image_accounts, *ctx.stage.group_names}
