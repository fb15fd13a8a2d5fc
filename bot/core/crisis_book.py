"""The crisis phrase book: the YAML files in bot/core/crisis_phrases/, checked and compiled.

The files are written for counsellors to review (one family per block, what it catches and what
it must not); this module only reads them. Nothing is read at import time: `phrase_book()` loads
and compiles once, on first use, and keeps the result.

Pattern shorthand, expanded here: "~" is up to three optional fillers (the FILL words: 真的/都/就/了
...); "…" is a gap of up to four characters inside one clause (never across punctuation or a
masked span); {NAME} is a word list from words.yaml, or {GAP} (one character inside a clause) and
{WIDE} (one character that may cross commas but not the end of a sentence).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

PHRASES_DIR = Path(__file__).with_name("crisis_phrases")
MASK = "\u2591"  # stands in for a masked (everyday) span
GAP = r"[^,.!?;:，。！？；：、\u2026\x7e\s\u2591]"
WIDE = "[^.!?。！？\u2591]"
_PLACEHOLDER = re.compile(r"\{([A-Z][A-Z_]*)\}")
FLAGS = frozenset({"past_able"})


class PhraseBookError(ValueError):
    """A phrase file that cannot be used: the message names the file and the family."""


@dataclass(frozen=True, slots=True)
class Family:
    """One reviewed family of phrases, compiled into one pattern."""

    name: str
    pattern: re.Pattern[str]
    past_able: bool = False  # violence only: may describe something over (see after_the_fact)


@dataclass(frozen=True, slots=True)
class Pair:
    """A cue that needs a second look: `first` counts only with (or without) `second`."""

    name: str
    first: re.Pattern[str]
    second: re.Pattern[str]


@dataclass(frozen=True, slots=True)
class PhraseBook:
    negative: tuple[Family, ...]  # masked before any search
    self_harm: tuple[Family, ...]
    means: tuple[Pair, ...]  # first: a cue; second: an ordinary purpose that cancels it
    farewells: tuple[Pair, ...]  # first: a context; second: a goodbye elsewhere
    violence: tuple[Family, ...]
    aftermath: re.Pattern[str]
    rights_question: re.Pattern[str]
    danger_now: re.Pattern[str]
    closing: re.Pattern[str]  # a whole message of thanks and goodbye words

    def patterns(self) -> list[re.Pattern[str]]:
        """Every compiled pattern, for checks over the whole book."""
        out = [f.pattern for f in (*self.negative, *self.self_harm, *self.violence)]
        out += [rx for pair in (*self.means, *self.farewells) for rx in (pair.first, pair.second)]
        return [*out, self.aftermath, self.rights_question, self.danger_now, self.closing]


class _Expander:
    def __init__(self, words: Mapping[str, str]) -> None:
        self._words = {**words, "GAP": GAP, "WIDE": WIDE}
        self._fill = words["FILL"]

    def compile(self, items: list[str], where: str) -> re.Pattern[str]:
        """Alternatives -> one pattern; each alternative is one phrase shape."""
        body = "|".join(f"(?:{self._expand(item, where)})" for item in items)
        body = body.replace("~", self._fill).replace("\u2026", GAP + "{0,4}")
        try:
            return re.compile(body)
        except re.error as exc:
            raise PhraseBookError(f"{where}: {exc}") from exc

    def _expand(self, item: str, where: str) -> str:
        def word_list(m: re.Match[str]) -> str:
            if m.group(1) not in self._words:
                raise PhraseBookError(f"{where}: unknown word list {{{m.group(1)}}}")
            return self._words[m.group(1)]

        return _PLACEHOLDER.sub(word_list, item)


def _strings(value: object, where: str) -> list[str]:
    if not isinstance(value, list) or not value:
        raise PhraseBookError(f"{where}: expected a non-empty list of phrases")
    for item in value:
        # YAML reads 88 as a number and yes as a boolean: every phrase must be quoted text.
        if not isinstance(item, str) or not item:
            raise PhraseBookError(f"{where}: {item!r} is not text (quote it)")
    return value


def _read(path: Path) -> Any:
    try:
        return yaml.load(path.read_text(encoding="utf-8"), Loader=_LOADER)  # noqa: S506
    except yaml.YAMLError as exc:
        raise PhraseBookError(f"{path.name}: {exc}") from exc


_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _families(
    path: Path, ex: _Expander, parts: tuple[str, ...], flags: frozenset[str] = frozenset()
) -> list[tuple[str, dict[str, Any], list[re.Pattern[str]]]]:
    data = _read(path)
    if not isinstance(data, dict) or not isinstance(data.get("families"), list):
        raise PhraseBookError(f"{path.name}: expected a mapping with a list of families")
    out: list[tuple[str, dict[str, Any], list[re.Pattern[str]]]] = []
    for number, block in enumerate(data["families"], start=1):
        where = f"{path.name} family {number}"
        if not isinstance(block, dict) or not isinstance(block.get("name"), str):
            raise PhraseBookError(f"{where}: each family needs a name")
        where = f"{path.name} family {block['name']!r}"
        known = {"name", "catches", "must_not_catch", *parts, *flags}
        if unknown := set(block) - known:
            raise PhraseBookError(f"{where}: unknown keys {sorted(unknown)}")
        for key in ("catches", "must_not_catch"):
            if not isinstance(block.get(key), str) or not block[key].strip():
                raise PhraseBookError(f"{where}: say in {key!r} what it catches and must not")
        for flag in flags & set(block):
            if not isinstance(block[flag], bool):
                raise PhraseBookError(f"{where}: {flag} must be true or false")
        if block["name"] in {name for name, _, _ in out}:
            raise PhraseBookError(f"{where}: the name is used twice")
        compiled = [
            ex.compile(_strings(block.get(p), f"{where} {p}"), f"{where} {p}") for p in parts
        ]
        out.append((block["name"], block, compiled))
    return out


def load_phrase_book(directory: Path = PHRASES_DIR) -> PhraseBook:
    """Read, check and compile the phrase files in `directory`; PhraseBookError if one is wrong."""
    raw_words = _read(directory / "words.yaml")
    if not isinstance(raw_words, dict) or "FILL" not in raw_words:
        raise PhraseBookError("words.yaml: expected a mapping of word lists with FILL")
    words = {
        str(name): "|".join(_strings(items, f"words.yaml {name}"))
        for name, items in raw_words.items()
    }
    ex = _Expander(words)

    def families(file: str, flags: frozenset[str] = frozenset()) -> tuple[Family, ...]:
        return tuple(
            Family(name, rx, past_able=block.get("past_able", False))
            for name, block, (rx,) in _families(directory / file, ex, ("patterns",), flags)
        )

    def pairs(file: str, first: str, second: str) -> tuple[Pair, ...]:
        return tuple(
            Pair(name, a, b) for name, _, (a, b) in _families(directory / file, ex, (first, second))
        )

    checks = _read(directory / "after_the_fact.yaml")
    if not isinstance(checks, dict):
        raise PhraseBookError("after_the_fact.yaml: expected a mapping")

    def check(key: str) -> re.Pattern[str]:
        return ex.compile(_strings(checks.get(key), f"after_the_fact.yaml {key}"), key)

    return PhraseBook(
        negative=families("negative.yaml"),
        self_harm=families("self_harm.yaml"),
        means=pairs("means.yaml", "cue", "unless"),
        farewells=pairs("farewells.yaml", "context", "goodbye"),
        violence=families("violence.yaml", FLAGS),
        aftermath=check("aftermath"),
        rights_question=check("rights_question"),
        danger_now=check("danger_now"),
        closing=re.compile(f"(?:(?:{words['CLOSING_WORD']})|[\\W_])+"),
    )


@functools.cache
def phrase_book() -> PhraseBook:
    """The shipped phrase book, loaded and compiled on first use."""
    return load_phrase_book()
