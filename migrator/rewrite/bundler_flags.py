"""Bundler flags that Bundler 4 removed (`bundle install --without ...`) -> the `bundle config set --local`
they stood for.

Chainguard's ruby images serve Ruby 4.0 with Bundler 4 (and the tool's builder installs the newest
bundler), while the Docker Hub ruby images people migrate from carry Bundler 2, where these flags
only printed a deprecation warning. Bundler 4 stops on them ("The `--without` flag has been removed
because it relied on being remembered across bundler invocations, which bundler no longer does.
Instead please use `bundle config set without 'test'`"), and a bare `bundle` prints its help instead
of installing. The local configuration the translation writes works the same on Bundler 2.1+.

Sources:
- bundler.io/doc/upgrading.html (Bundler 4): "Flags passed to bundle install that relied on being
  remembered across invocations will be removed": --clean, --deployment, --frozen, --no-prune, --path,
  --shebang, --system, --without, --with; "Running just bundle will print help usage".
- bundler.io/man/bundle-config.1.html: the setting names (deployment, frozen, clean, no_prune, path,
  path.system, shebang, with, without: groups separated by spaces or colons), and the load order:
  local config (<project_root>/.bundle/config or $BUNDLE_APP_CONFIG/config) before the environment,
  so `path` set locally wins over the BUNDLE_PATH the migration sets.
- The error text as users hit it: cloudfoundry/bosh-windows-stemcell-builder#133,
  yippee-fun/phlex-rails#325 (`bundle config set --local without development && bundle install`).
- ruby/rubygems#8978 (Bundler 4.0.0's release notes: "Make `bundle install --binstubs` raise an error"),
  rubygems/guides#508 for its text ("The `--binstubs` option has been removed in favor of `bundle binstubs
  --all`"): Bundler 2 wrote the binstubs into the remembered `bin` setting; that setting plus `bundle
  binstubs --all` after the install does the same.
- ruby/ruby spec/bundler/other/major_deprecation_spec.rb (Bundler's own tests, as vendored in Ruby): the
  error of each removed flag and the `bundle config set` it names, for `bundle install` (--no-deployment:
  deployment false), `bundle check --path`, `bundle binstubs --path` (bin), `bundle cache` (--all: cache_all,
  --no-all, --frozen, --no-prune; --path: cache_path); `bundle config NAME VALUE` without `set` still works
  in Bundler 4 (a deprecation warning), so it is left alone.
- rubygems/rubygems#6703: the `deployment` setting implies path vendor/bundle unless BUNDLE_PATH is
  set, which then wins (the migration's BUNDLE_PATH keeps gems where the runtime copies them).

The flag table stays here rather than in rules/: it is Bundler's command line, read with the parsing each
kind of flag needs, not a mapping a user extends. Bundler reads `--without`/`--with` as Thor array
options: the words after the flag up to the next option, and a repeated flag replaces the earlier one
(the last one counts).
"""

from __future__ import annotations

from migrator.findings import area
from migrator.model import Finding
from migrator.parse.dockerfile import Instruction
from migrator.regex import lazy as lazy_re
from migrator.rewrite.command import Cmd, Context, Outcome, Token
from migrator.rules.loader import RuleSet

TYPE_CHECKING = False  # not typing's: importing typing costs 2 ms of a cold run (docs/performance.md)
if TYPE_CHECKING:
    from migrator.findings import shell as codes
else:
    codes = area("shell")  # (imported at the first shell code said)


# flag -> (setting, kind): "switch" sets the setting to true ("off": false), "value" takes one word, "groups" a
# list of words, "optional" one word or none; by subcommand (ruby/ruby spec/bundler/other/major_deprecation_spec.rb)
REMOVED_FLAGS: dict[str, tuple[str, str]] = {
    "--clean": ("clean", "switch"),
    "--deployment": ("deployment", "switch"),
    "--no-deployment": ("deployment", "off"),
    "--frozen": ("frozen", "switch"),
    "--no-prune": ("no_prune", "switch"),
    "--system": ("path.system", "switch"),
    "--path": ("path", "value"),
    "--shebang": ("shebang", "value"),
    "--without": ("without", "groups"),
    "--with": ("with", "groups"),
    "--binstubs": ("bin", "optional"),  # and `bundle binstubs --all` after the install (ruby/rubygems#8978)
}
_SUBCOMMAND_FLAGS: dict[str, dict[str, tuple[str, str]]] = {
    "install": REMOVED_FLAGS,
    "check": {"--path": ("path", "value")},
    "binstubs": {"--path": ("bin", "value")},
    "cache": {"--all": ("cache_all", "switch"), "--no-all": ("cache_all", "off"), "--frozen": ("frozen", "switch"),
              "--no-prune": ("no_prune", "switch"), "--path": ("cache_path", "value")},
}
_ALIASES = {"i": "install", "package": "cache", "pack": "cache"}
_BINSTUBS_DEFAULT = "bin"
_INSTALL = frozenset({"install", "i"})
_INSTALL_SWITCHES = frozenset({"--local", "--prefer-local", "--quiet", "--full-index", "--force", "--redownload",
                               "--no-cache", "--verbose"})
_SHELLS = frozenset({"sh", "bash", "dash", "ash"})
_ASSIGNMENT = lazy_re(r"[A-Za-z_][A-Za-z0-9_]*=")
_VALUE_OPTIONS = frozenset({"--jobs", "-j", "--retry", "--gemfile", "--standalone", "--trust-policy",
                            "--target-rbconfig", "--lockfile"})


def translate(cmd: Cmd, ctx: Context) -> Outcome | None:
    cmd = _seen_through(cmd)
    if cmd.name in _SHELLS:
        return _shell_string(cmd, ctx)
    if cmd.name != "bundle":
        return None
    selector = int(len(cmd.words) > 1 and _is_version_selector(cmd.words[1].value))
    words = cmd.words[1 + selector:]
    bare = _bare([w.value for w in words])
    subcommand = "install" if bare else _subcommand(words[0].value if words else None)
    if subcommand is None:
        return None
    table = _SUBCOMMAND_FLAGS[subcommand]
    arguments = list(words if bare else words[1:])
    hidden = [w.text for w in arguments
              if w.value is None and _option_name(w) is None and not _after_value_flag(arguments, w)]
    hidden = hidden if subcommand == "install" else []
    settings, dropped = _settings(arguments, table)
    if valueless := _without_value(arguments, table):
        return _valueless_warning(cmd, valueless)
    if not settings and not bare:
        return _variable_warning(cmd, hidden) if hidden else None
    tokens = cmd.tokens
    bundle = " ".join(w.text for w in cmd.words[:1 + selector])  # (`bundle _2.4.22_`: that bundler's config)
    config_prefix = "".join(f"{t.text} " for t in _config_prefix(cmd.prefix) if not _ASSIGNMENT.match(t.text) or
                            t.text.startswith(("BUNDLE_", "HOME=")))  # sudo, BUNDLE_GEMFILE=...: where it goes
    configs = [f"{config_prefix}{bundle} config set --local {name} {value}" for name, value in settings.items()]
    replace = {0: " && ".join([*configs, tokens[0].text])} if configs else {}
    if bare:
        position = cmd.word_index(selector)
        replace[position] = replace.get(position, tokens[position].text) + " install"
    delete = {cmd.word_index(1 + selector + int(not bare) + i) for i in dropped}
    binstubs = f" && {config_prefix}{bundle} binstubs --all" if subcommand == "install" and "bin" in settings else ""
    if binstubs:
        last = max(i for i in range(len(tokens)) if i not in delete)
        replace[last] = replace.get(last, tokens[last].text) + binstubs
    original = " ".join(t.text for t in tokens)
    reasons = []
    if settings:
        flags = ", ".join(dict.fromkeys(_flags_of(table, name) for name in settings))
        reasons.append(f"Bundler 4 (Chainguard's ruby) removed {flags} of `bundle {subcommand}`, so the original "
                       "stops the build; "
                       + ("`bundle binstubs --all` writes the binstubs, into the directory of the `bin` setting; "
                          if binstubs else "") +
                       "the local configuration it stood for (.bundle/config under the app, or $BUNDLE_APP_CONFIG) "
                       "is read by `bundle exec` at run time as well")
    if bare:
        reasons.append("a bare `bundle` prints Bundler 4's help instead of installing")
    rest = [w.text for i, w in enumerate(arguments) if i not in dropped]
    verb = "install" if bare else words[0].text
    done = " && ".join([*configs, " ".join([*(t.text for t in cmd.prefix), bundle, verb, *rest])])
    message = f"`{original}` -> `{done}{binstubs}`: {'; '.join(reasons)}"
    findings = [codes.BUNDLER_FLAGS_TRANSLATED.finding(cmd.line, message)]
    if hidden:
        findings += _variable_warning(cmd, hidden).findings
    return Outcome(replace=replace, delete=delete, findings=findings, program_kept=True)


def runs_install(words: tuple[str, ...]) -> bool:
    """Does `bundle ...` (its argv) install the bundle: `bundle install`, `bundle i`, a bare `bundle`
    (also of one version: `bundle _2.4.22_ install`)?"""
    words = _without_selector(words)
    return (bool(words[1:]) and words[1] in _INSTALL) or _bare(list(words[1:]))


def writes_local_config(words: tuple[str, ...]) -> bool:
    """Does `bundle ...` write the app's local configuration, once translated (`bundle config`, a flag
    that becomes `bundle config set --local`)?"""
    words = _without_selector(words)
    flags = {w.partition("=")[0] for w in words[1:]}
    subcommand = "install" if _bare(list(words[1:])) else _subcommand(words[1] if words[1:] else None)
    return words[1:2] == ("config",) or (subcommand is not None and bool(flags & _SUBCOMMAND_FLAGS[subcommand].keys()))


_VERSION_SELECTOR = lazy_re(r"_\d[\w.-]*_")


def _is_version_selector(word: str | None) -> bool:
    """`_2.4.22_` in `bundle _2.4.22_ install`: RubyGems runs that version of bundler; the command follows."""
    return word is not None and _VERSION_SELECTOR.fullmatch(word) is not None


def _without_selector(words: tuple[str, ...]) -> tuple[str, ...]:
    return words[:1] + words[2:] if len(words) > 1 and _is_version_selector(words[1]) else words


def _seen_through(cmd: Cmd) -> Cmd:
    """`nice bundle install`, `time sh -c "..."`: the wrappers join the prefix, so the command is bundle's
    (or the shell's); the tokens, and so the indexes of the edits, stay the same."""
    from migrator.rewrite.wrappers import wrapper_words

    skip = wrapper_words([w.value for w in cmd.words])
    if not skip or skip >= len(cmd.words):
        return cmd
    name = (cmd.words[skip].value or "").rsplit("/", 1)[-1]
    if name != "bundle" and name not in _SHELLS:
        return cmd
    return Cmd(cmd.prefix + cmd.words[:skip], cmd.words[skip:], cmd.line)


def _config_prefix(prefix: tuple[Token, ...]) -> tuple[Token, ...]:
    """The prefix the `bundle config set` written before the install takes: all but `exec` (with its
    options), which would end the shell before the install ran."""
    kept: list[Token] = []
    tokens = iter(prefix)
    for token in tokens:
        if token.value != "exec":
            kept.append(token)
            continue
        for option in tokens:
            if not option.is_option:
                kept.append(option)
                break
            if option.value == "-a":
                next(tokens, None)  # (`exec -a NAME`)
    return tuple(kept)


def _subcommand(word: str | None) -> str | None:
    name = _ALIASES.get(word or "", word or "")
    return name if name in _SUBCOMMAND_FLAGS else None


def _bare(arguments: list[str | None]) -> bool:
    """`bundle`, `bundle --jobs 4`: Bundler 2 installs, Bundler 4 prints its help."""
    first = (arguments[0] or "").partition("=")[0] if arguments else ""
    if any(word in _INSTALL for word in arguments):
        return False  # `bundle --verbose install`: left to Bundler
    return not arguments or first in REMOVED_FLAGS or first in _VALUE_OPTIONS or first in _INSTALL_SWITCHES


def _flags_of(table: dict[str, tuple[str, str]], setting: str) -> str:
    return ", ".join(flag for flag, (name, _) in table.items() if name == setting)


def _after_value_flag(arguments: list[Token], word: Token) -> bool:
    """`--path $DIR`, `--without $GROUPS`, `--jobs $N`: the variable is an option's value, not more flags."""
    index = arguments.index(word)
    for position in range(index - 1, -1, -1):
        previous = arguments[position]
        if _option_name(previous) is None:
            continue  # (a group word of `--without a $MORE`)
        flag, equals, _ = (previous.value or previous.text).partition("=")
        kind = REMOVED_FLAGS.get(flag, ("", "value" if flag in _VALUE_OPTIONS else ""))[1]
        return not equals and (kind == "groups" or (kind in ("value", "optional") and position == index - 1))
    return False


def _settings(arguments: list[Token], table: dict[str, tuple[str, str]]) -> tuple[dict[str, str], list[int]]:
    """The settings the removed flags stood for (in order, as shell text), and the indexes of the words
    they took (the flags and their values)."""
    settings: dict[str, str] = {}
    dropped: list[int] = []
    index = 0
    while index < len(arguments):
        word = arguments[index]
        index += 1
        flag = _option_name(word)
        equals = "=" in (word.value or word.text)
        if flag is None or flag not in table:
            continue
        dropped.append(index - 1)
        name, kind = table[flag]
        settings.pop(name, None)  # a repeated flag: the last one counts
        if kind in ("switch", "off"):
            settings[name] = "true" if kind == "switch" else "false"
            continue
        values = [_inline_text(word.text)] if equals else []
        while index < len(arguments) and _option_name(arguments[index]) is None and (kind == "groups" or not values):
            if kind == "optional" and arguments[index].value in _INSTALL:
                break  # `bundle --binstubs install`
            values.append(arguments[index].text)
            dropped.append(index)
            index += 1
        settings[name] = _shell_value(values or [_BINSTUBS_DEFAULT], kind)
    return settings, dropped


def _without_value(arguments: list[Token], table: dict[str, tuple[str, str]]) -> list[str]:
    """The removed flags given without the value they take (`--without` last or before another option, `--path=`):
    Bundler 2 refuses them too, and no value can be written for them."""
    missing: list[str] = []
    for index, word in enumerate(arguments):
        flag = _option_name(word)
        if flag is None or flag not in table or table[flag][1] in ("switch", "off"):
            continue
        text = word.value if word.value is not None else word.text
        if "=" in text:
            if not text.partition("=")[2].strip("'\""):
                missing.append(flag)
        elif table[flag][1] != "optional" and (index + 1 == len(arguments)
                                              or _option_name(arguments[index + 1]) is not None):
            missing.append(flag)
    return missing


def _valueless_warning(cmd: Cmd, flags: list[str]) -> Outcome:
    names = ", ".join(dict.fromkeys(flags))
    value = "its value" if len(flags) == 1 else "their values"
    message = (f"`{' '.join(t.text for t in cmd.words)}`: {names} without {value} is refused by Bundler 2 as "
               "well, and Bundler 4 (Chainguard's ruby) removed it: the command is left as written, as no value can "
               "be made up for it; write the setting meant with `bundle config set --local NAME VALUE` before the "
               "install")
    return Outcome(findings=[codes.BUNDLER_FLAGS_HIDDEN.finding(cmd.line, message)], program_kept=True)


def _option_name(word: Token) -> str | None:
    """`--without` of `--without=a`, also when the value is expanded (`--path=$DIR`, `-j$(nproc)`); None for a
    word that is not an option."""
    if word.value is not None:
        return word.value.partition("=")[0] if word.is_option else None
    text = word.text.lstrip("'\"")
    return text.partition("=")[0] if text.startswith("-") else None


def _inline_text(text: str) -> str:
    """The shell text of the value in `--without=a:b` (or `"--path=vendor/bundle"`)."""
    head, _, tail = text.partition("=")
    quote = head[:1] if head[:1] in "'\"" else ""
    return quote + tail


def _shell_value(values: list[str], kind: str) -> str:
    if kind != "groups" or len(values) == 1:
        value = values[0] if values else "''"
        return f'"{value}"' if value.startswith("$") and _VARIABLE.fullmatch(value) else value
    if all(_plain(v) for v in values):
        return "'" + " ".join(values) + "'"
    return " ".join(values)  # quoted or expanded words: `bundle config set` joins its values with spaces


_VARIABLE = lazy_re(r"\$(?:[A-Za-z_][A-Za-z0-9_]*|\{[A-Za-z_][A-Za-z0-9_]*\})")


def _shell_string(cmd: Cmd, ctx: Context) -> Outcome | None:
    """`sh -c "bundle install --without test"`: translated inside the string when it is a plain quoted
    literal whose only change is this one (anything else in it is reported where it is checked)."""
    from migrator.plan.facts import shell_script_index
    from migrator.rewrite.shell import apply_edits, rewrite_script

    words = cmd.words
    index = shell_script_index([w.value for w in words])
    if index is None or "bundle" not in words[index].text:
        return None
    token = words[index]
    quote, inner = token.text[:1], token.value or ""
    special = "\"\\$`" if quote == '"' else ""  # what a double-quoted literal would expand or escape
    literal = token.value is not None and quote in "'\"" and token.text == quote + inner + quote
    if not literal or any(c in inner for c in special):
        return _untranslated(cmd, token.value if token.value is not None else token.text.strip("'\""))
    rewrite = rewrite_script(inner, ctx.family, ctx.rules, cmd.line)
    codes_seen = {f.code for f in rewrite.findings}
    if codes.BUNDLER_FLAGS_TRANSLATED.code in codes_seen and not codes_seen <= {
            codes.BUNDLER_FLAGS_TRANSLATED.code, codes.BUNDLER_FLAGS_HIDDEN.code}:
        return _untranslated(cmd, inner)
    if not rewrite.edits or not codes_seen <= {codes.BUNDLER_FLAGS_TRANSLATED.code, codes.BUNDLER_FLAGS_HIDDEN.code}:
        return Outcome(findings=[f for f in rewrite.findings if f.code == codes.BUNDLER_FLAGS_HIDDEN.code]) \
            if codes_seen == {codes.BUNDLER_FLAGS_HIDDEN.code} else None
    result = apply_edits(inner, rewrite.edits)
    if quote == "'":
        result = result.replace("'", '"')  # the only single quotes are ours: the literal had none
    tokens = cmd.tokens
    return Outcome(replace={tokens.index(token): quote + result + quote}, findings=rewrite.findings)


def exec_form_translated(instruction: Instruction, argv: list[str], family: str,
                         rules: RuleSet) -> tuple[str, list[Finding]] | None:
    """`RUN ["bundle", "install", "--without", "test"]`, `RUN ["sh", "-c", "bundle install --without test"]`: the
    RUN in shell form, translated, with its findings; None when there is nothing to change. Exec form cannot
    chain `bundle config set` before the install. A shell's script that cannot be rewritten stays as it is,
    with the error that says so (MIG422)."""
    import shlex

    from migrator.rewrite.shell import apply_edits, rewrite_script

    script = " ".join(shlex.quote(word) for word in argv)
    rewrite = rewrite_script(script, family, rules, instruction.line)
    untranslated = [f for f in rewrite.findings if f.code == codes.BUNDLER_FLAGS_UNTRANSLATED.code]
    if untranslated:
        return instruction.raw, untranslated  # (`["sh", "-c", "bundle install --without $GROUPS"]`)
    if not rewrite.edits and rewrite.findings and all(f.code == codes.BUNDLER_FLAGS_HIDDEN.code
                                                      for f in rewrite.findings):
        return instruction.raw, list(rewrite.findings)  # (left as written: a flag without its value)
    if not rewrite.edits or any(f.code != codes.BUNDLER_FLAGS_TRANSLATED.code for f in rewrite.findings):
        return None
    body = instruction.body.strip()
    start = instruction.raw.rfind(body)
    if start < 0:
        return None
    translated = apply_edits(script, rewrite.edits)
    raw = instruction.raw[:start] + translated + instruction.raw[start + len(body):]
    return raw, [codes.BUNDLER_FLAGS_TRANSLATED.finding(instruction.line, f"{f.message}; the RUN is now in shell "
                                                        "form, which `&&` needs") for f in rewrite.findings]


def _untranslated(cmd: Cmd, script: str) -> Outcome | None:
    """MIG422 when the shell's script runs bundle with a flag Bundler 4 removed that cannot be rewritten there."""
    from migrator.rewrite.shell_syntax import simple_commands

    try:
        runs = [c.words for c in simple_commands(script)]
    except ValueError:
        runs = [tuple(script.split())]
    for words in runs:
        if "bundle" not in words:
            continue
        rest = _without_selector(words[words.index("bundle"):])[1:]
        subcommand = "install" if _bare(list(rest)) else _subcommand(rest[0] if rest else None)
        table = _SUBCOMMAND_FLAGS.get(subcommand or "", {})
        flags = [w for w in rest if w.partition("=")[0] in table]
        if flags:
            shown = " ".join(t.text for t in cmd.words)
            shown = shown if len(shown) <= 100 else shown[:97] + "..."
            message = (f"`{shown}` runs `bundle {subcommand}` with {', '.join(dict.fromkeys(flags))}, which Bundler 4 "
                       "(Chainguard's ruby) removed, in a shell script migrator cannot rewrite safely: left as "
                       "written, and the build stops there. Write `bundle config set --local NAME VALUE` before "
                       "the install instead")
            return Outcome(findings=[codes.BUNDLER_FLAGS_UNTRANSLATED.finding(cmd.line, message)], program_kept=True)
    return None


def _plain(text: str) -> bool:
    return bool(text) and all(c.isalnum() or c in "_-.:/" for c in text)


def _variable_warning(cmd: Cmd, hidden: list[str]) -> Outcome:
    flags = ", ".join(REMOVED_FLAGS)  # of `bundle install`
    message = (f"`{' '.join(t.text for t in cmd.words)}`: {' '.join(hidden)} is only known at build time; "
               f"Bundler 4 (Chainguard's ruby) refuses {flags} and stops the build if it holds any of them. "
               "Set those with `bundle config set --local NAME VALUE` (or BUNDLE_* environment variables) instead")
    return Outcome(findings=[codes.BUNDLER_FLAGS_HIDDEN.finding(cmd.line, message)], program_kept=True)
