from __future__ import annotations

from pathlib import Path

import yaml

from knowledge.loader import load_entries, load_topics
from nlu.training import compile_data, fingerprint, heldout_items, render_nlu_yaml


def test_every_intent_has_an_entry_and_every_entry_an_intent(tmp_path: Path) -> None:
    data = compile_data(load_entries().values(), tmp_path / "data")
    compiled = yaml.safe_load((data / "examples.yml").read_text(encoding="utf-8"))
    intents = {block["intent"] for block in compiled["nlu"] if "intent" in block}
    assert intents == set(load_entries()) == set(load_topics())


def test_annotation_characters_are_kept_literal() -> None:
    text = render_nlu_yaml({"a.b": ["罚款[200](元)了{x}"]})
    assert "[" not in text.split("examples: |")[1] and "罚款［200］（元）了｛x｝" in text


def test_fingerprint_changes_with_the_data(tmp_path: Path) -> None:
    entries = list(load_entries().values())
    first = fingerprint(compile_data(entries, tmp_path / "a"))
    again = fingerprint(compile_data(entries, tmp_path / "b"))
    fewer = fingerprint(compile_data(entries[1:], tmp_path / "c"))
    assert first == again
    assert first != fewer


def test_heldout_is_disjoint_from_training() -> None:
    def key(text: str) -> str:  # the loader folds spaces between Chinese characters
        return "".join(text.split())

    trained = {key(text) for entry in load_entries().values() for text in entry.examples}
    items = heldout_items()
    assert items
    assert {item["topic"] for item in items} <= set(load_topics())
    assert [item["text"] for item in items if key(item["text"]) in trained] == []
