"""Reading the YAML a repository controls (`.migrator.yaml`, rules files) without letting it cost more
than its size.

A repository's configuration is input from whoever opened the pull request, so the YAML reader
refuses two things a few hundred bytes can turn into minutes and gigabytes:

- aliases (`*name`): ten nested levels of ten aliases each expand to 10^10 values wherever the data
  is walked (an error message that shows it, a check that visits every entry). Neither our
  configuration nor our rules need them;
- nesting deeper than MAX_DEPTH: each level is a few frames of recursion in the composer and in
  the checks, and 5,000 levels exceed Python's stack.

Both are YAML errors with the line where they occur, reported as the other syntax errors are.
"""

from __future__ import annotations

from typing import Any

MAX_DEPTH = 64  # the deepest real configuration or rules file nests 5 levels


def yaml_reader(typ: str) -> Any:
    """A ruamel.yaml YAML() ('safe' or 'rt') that refuses aliases and deep nesting (ComposerError)."""
    from ruamel.yaml import YAML

    yaml = YAML(typ=typ, pure=True)
    yaml.Composer = _composer_class()  # type: ignore[assignment]
    return yaml


_COMPOSER: list[type] = []


def _composer_class() -> type:
    if _COMPOSER:
        return _COMPOSER[0]
    from ruamel.yaml.composer import Composer, ComposerError
    from ruamel.yaml.events import AliasEvent

    class BoundedComposer(Composer):  # type: ignore[misc]
        nesting = 0

        def compose_node(self, parent: Any, index: Any) -> Any:
            event = self.parser.peek_event()
            if self.parser.check_event(AliasEvent):
                raise ComposerError(None, None, f"aliases are not allowed (*{event.anchor}): write the value out",
                                    event.start_mark)
            if self.nesting >= MAX_DEPTH:
                raise ComposerError(None, None, f"nested more than {MAX_DEPTH} levels deep", event.start_mark)
            self.nesting += 1
            try:
                return super().compose_node(parent, index)
            finally:
                self.nesting -= 1

    _COMPOSER.append(BoundedComposer)
    return BoundedComposer


def short_repr(value: Any, limit: int = 160) -> str:
    """`repr(value)` cut to about `limit` characters, for one-line messages about a value read from a file."""
    import reprlib

    shortener = reprlib.Repr()
    shortener.maxstring = shortener.maxother = limit
    shortener.maxlist = shortener.maxtuple = shortener.maxdict = shortener.maxset = 8
    shortener.maxlevel = 3
    text = shortener.repr(value)
    return text if len(text) <= limit + 20 else text[:limit] + "..."
