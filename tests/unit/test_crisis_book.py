"""The crisis phrase files: they load, they stay reviewable, and a wrong edit fails loudly."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from bot.core.crisis_book import PHRASES_DIR, PhraseBookError, load_phrase_book, phrase_book


def test_the_shipped_files_load_with_every_section() -> None:
    book = phrase_book()
    assert book.negative and book.self_harm and book.means and book.farewells and book.violence
    names = [f.name for f in (*book.negative, *book.self_harm, *book.violence)]
    names += [p.name for p in (*book.means, *book.farewells)]
    assert len(names) == len(set(names)), "family names must be unique across the files"


def test_only_beatings_and_injuries_may_be_told_after_the_fact() -> None:
    # Weapons, threats, being held or followed and calls for help always count: none of their
    # families may carry past_able, whatever an edit of violence.yaml does.
    past_able = {f.name for f in phrase_book().violence if f.past_able}
    assert past_able == {"beaten_now", "injured_or_collapsing_now"}


def test_nothing_is_loaded_at_import_time() -> None:
    code = (
        "import bot.core.crisis, bot.core.crisis_book as b;"
        "print(b.phrase_book.cache_info().currsize)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "0"


@pytest.fixture
def phrases(tmp_path: Path) -> Path:
    target = tmp_path / "phrases"
    shutil.copytree(PHRASES_DIR, target, ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    return target


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_a_copy_of_the_files_loads_the_same(phrases: Path) -> None:
    copy, shipped = load_phrase_book(phrases), phrase_book()
    assert [rx.pattern for rx in copy.patterns()] == [rx.pattern for rx in shipped.patterns()]


@pytest.mark.parametrize(
    ("file", "old", "new", "message"),
    [
        ("violence.yaml", "    past_able: true", "    pastable: true", "unknown keys"),
        ("violence.yaml", "    past_able: true", "    past_able: 'yes'", "true or false"),
        ("self_harm.yaml", "    must_not_catch:", "    must_not:", "unknown keys"),
        ("means.yaml", "  - name: rope", "  - name: charcoal", "used twice"),
        ("negative.yaml", "(?:{HYPER})", "(?:{HYPERBOLE})", "unknown word list"),
        ("self_harm.yaml", "'自杀'", "'自杀(('", "self_harm.yaml family 'direct'"),
        ("words.yaml", "'88'", "88", "not text"),
        ("farewells.yaml", "  goodbye:", "  goodbyes:", "unknown keys"),
    ],
)
def test_a_wrong_edit_names_the_file_and_family(
    phrases: Path, file: str, old: str, new: str, message: str
) -> None:
    _edit(phrases / file, old, new)
    with pytest.raises(PhraseBookError, match=message):
        load_phrase_book(phrases)


def test_a_family_without_its_review_notes_is_refused(phrases: Path) -> None:
    _edit(phrases / "self_harm.yaml", "    must_not_catch:", "    # must_not_catch:")
    with pytest.raises(PhraseBookError, match="must not"):
        load_phrase_book(phrases)
