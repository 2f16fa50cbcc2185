"""Does a Ruby app load Bundler when it starts, without `bundle exec`?

Wolfi's ruby runtime has no bundler (wolfi-dev/os ruby-3.X.yaml deletes lib/ruby/3.X/bundler and the bundler
default gem; it is in the -dev image only), so `require "bundler/setup"` raises LoadError at start. Rails'
binstubs load it (bin/rails -> config/boot.rb), and so do many config.ru and app.rb files. The build context on
disk says so when it is there: the started Ruby files are read, and the files they require by path.
"""

from __future__ import annotations

import posixpath

from migrator.plan.ecosystems.base import EcosystemContext
from migrator.records import dataclass
from migrator.regex import lazy as lazy_re

_LOADS_BUNDLER = lazy_re(r"""(?m)^[^#\n]*(?:\brequire\s*\(?\s*["']bundler(?:/setup|/inline)?["']"""
                         r"""|\bBundler\s*\.\s*(?:require|setup)\b|\bGem\.bin_path\(\s*["']bundler["'])""")
_REQUIRE_RELATIVE = lazy_re(r"""(?m)^[^#\n]*\brequire_relative\s*\(?\s*["']([^"'#$]+)["']""")
_REQUIRE_EXPANDED = lazy_re(r"""(?m)^[^#\n]*\b(?:require|load)\s*\(?\s*File\.expand_path\(\s*["']([^"'#$]+)["']\s*,"""
                            r"""\s*(?:__dir__|File\.dirname\(\s*__FILE__\s*\))\s*\)""")
_REQUIRE_CWD = lazy_re(r"""(?m)^[^#\n]*\brequire\s*\(?\s*["']\./([^"'#$]+)["']""")
# servers that load the app's config.ru (by name, from GEM_HOME/bin), and commands that start the app's binstub
_RACK_SERVERS = frozenset({"rackup", "puma", "unicorn", "thin", "falcon", "passenger", "iodine"})
_RAILS_COMMANDS = {"rails": "bin/rails", "rake": "bin/rake"}
_MOST_FILES = 12


@dataclass(frozen=True)
class BundlerUse:
    """Whether the start loads Bundler: `loads` True (a file says so, or nothing could be read), and why."""

    loads: bool
    why: str


def bundler_use(context: EcosystemContext, argv: list[str], gemfile_app: bool) -> BundlerUse | None:
    """How the start command `argv` loads Bundler, read from the build context; None when it does not (every
    Ruby file it starts was read), or when nothing says it may (no Gemfile app: `gemfile_app` False)."""
    from migrator.plan.scripts import context_files

    workdir = context.facts.workdir or "/"
    copies = context_files(context.facts.stage.chain())
    waiting = _started_files(argv, workdir)
    seen: set[str] = set()
    unread: list[str] = []
    while waiting and len(seen) < _MOST_FILES:
        path = waiting.pop(0)
        if path in seen:
            continue
        seen.add(path)
        text = _text(path, copies, context)
        if text is None:
            unread.append(path)
            continue
        if not _is_ruby(path, text):
            continue
        if (match := _LOADS_BUNDLER.search(text)) is not None:
            return BundlerUse(True, f"{path} loads Bundler (`{match.group(0).strip()}`)")
        waiting += _required_files(text, path, workdir)
    if unread and gemfile_app:
        shown = ", ".join(unread[:3])
        return BundlerUse(True, f"the app may load Bundler: {shown} could not be read from the build context "
                          "(--context DIR), and Rails' bin/rails loads it (config/boot.rb "
                          "`require \"bundler/setup\"`), as most apps built with `bundle install` do; one more gem "
                          "costs little, a missing one stops the app at start")
    return None


def _started_files(argv: list[str], workdir: str) -> list[str]:
    """The image paths of the files the command may start as Ruby: each word that is a path (`./bin/rails`,
    `app.rb`), the binstub `rails`/`rake` run by name, and config.ru for a Rack server."""
    found: list[str] = []
    for index, word in enumerate(argv):
        name = posixpath.basename(word)
        if "$" in word or "://" in word or "=" in word or word.startswith("-") or not word:
            continue
        if "/" in word or word.endswith((".rb", ".ru")):
            found.append(_absolute(word, workdir))
        elif name in _RAILS_COMMANDS and index < 3:
            found.append(_absolute(_RAILS_COMMANDS[name], workdir))
        if name in _RACK_SERVERS:
            found.append(_absolute("config.ru", workdir))
    return list(dict.fromkeys(found))


def _required_files(text: str, path: str, workdir: str) -> list[str]:
    """The app's own files that `text` (the file at `path`) requires or loads by path."""
    directory = posixpath.dirname(path)
    found = [_rb(posixpath.normpath(posixpath.join(directory, m))) for m in _REQUIRE_RELATIVE.findall(text)]
    # File.expand_path("../config/boot", __dir__): relative to the file's directory
    found += [_rb(posixpath.normpath(posixpath.join(directory, m))) for m in _REQUIRE_EXPANDED.findall(text)]
    found += [_rb(_absolute(m, workdir)) for m in _REQUIRE_CWD.findall(text)]
    return found


def _text(path: str, copies: list[tuple[str, str, bool]], context: EcosystemContext) -> str | None:
    from migrator.plan.scripts import context_path

    source = context_path(path, copies)
    return context.files.text(source) if source is not None else None


def _is_ruby(path: str, text: str) -> bool:
    first = text.split("\n", 1)[0]
    return path.endswith((".rb", ".ru")) or (first.startswith("#!") and "ruby" in first) or not first.startswith("#!")


def _rb(path: str) -> str:
    return path if path.endswith((".rb", ".ru")) else path + ".rb"


def _absolute(word: str, workdir: str) -> str:
    return posixpath.normpath(word if word.startswith("/") else posixpath.join(workdir, word))

