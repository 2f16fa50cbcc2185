"""The options and operands of a command's words, read the way getopt does.

    scan(["-m", "0755", "--owner=root", "-Dvt/bin", "app"], "mt", {"--owner"})
        -> options [("-m", "0755"), ("--owner", "root"), ("-D", None), ("-v", None), ("-t", "/bin")],
           operands ["app"]

A short option that takes a value takes the rest of its word (`-C/dir`) or the next word (`-C /dir`);
a long one its `=value` (`--prefix=/x`) or the next word. After `--` every word is an operand, and so
is `-` alone.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence

from migrator.records import dataclass


@dataclass(frozen=True)
class Scanned:
    options: tuple[tuple[str, str | None], ...]  # ("-m", "0755"), ("--force", None), in order
    operands: tuple[str, ...]

    def has(self, *names: str) -> bool:
        return any(name in names for name, _ in self.options)

    def value(self, *names: str) -> str | None:
        """The value of the last of these options given with one."""
        found = None
        for name, value in self.options:
            if name in names and value is not None:
                found = value
        return found


def scan(words: Sequence[str], valued_short: str = "", valued_long: Collection[str] = (),
         attached_short: str = "") -> Scanned:
    """Options and operands of `words` (the words after the program's name). `attached_short`: short options whose
    value is optional and only ever the rest of their word (sed's `-i.bak`; `-i` alone has none)."""
    options: list[tuple[str, str | None]] = []
    operands: list[str] = []
    index = 0
    while index < len(words):
        word = words[index]
        index += 1
        if word == "--":
            operands.extend(words[index:])
            break
        if not word.startswith("-") or word == "-":
            operands.append(word)
        elif word.startswith("--"):
            name, equals, value = word.partition("=")
            if equals:
                options.append((name, value))
            elif name in valued_long:
                options.append((name, words[index] if index < len(words) else None))
                index += 1
            else:
                options.append((name, None))
        else:
            index = _short(word, words, index, valued_short, options, attached_short)
    return Scanned(tuple(options), tuple(operands))


def operands(words: Sequence[str], valued_short: str = "", valued_long: Collection[str] = ()) -> list[str]:
    """The words that are no options nor an option's value."""
    return list(scan(words, valued_short, valued_long).operands)


def _short(word: str, words: Sequence[str], index: int, valued: str,
           options: list[tuple[str, str | None]], attached: str = "") -> int:
    """Read a cluster of short options (`-Dm755`); the index of the next word to read."""
    for position, letter in enumerate(word[1:], start=1):
        if letter in attached:
            options.append((f"-{letter}", word[position + 1:] or None))
            return index
        if letter in valued:
            rest = word[position + 1:]
            if rest:
                options.append((f"-{letter}", rest))
                return index
            options.append((f"-{letter}", words[index] if index < len(words) else None))
            return index + 1
        options.append((f"-{letter}", None))
    return index


def first_operand(words: Sequence[str], valued_short: str = "", valued_long: Collection[str] = ()) -> int:
    """The index in `words` of the first operand, for a command whose options stop there (`tini -s -- app`,
    `sudo -u app sh`); len(words) when there is none."""
    index = 0
    while index < len(words):
        word = words[index]
        if word == "--":
            return index + 1
        if not word.startswith("-") or word == "-":
            return index
        if word.startswith("--"):
            index += 2 if "=" not in word and word in valued_long else 1
        else:
            index = _short(word, words, index + 1, valued_short, [])
    return index
