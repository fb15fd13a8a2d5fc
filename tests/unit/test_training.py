from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import yaml

from knowledge.loader import load_entries, load_topics
from nlu.training import (
    compile_data,
    current_fingerprint,
    fingerprint,
    heldout_items,
    render_nlu_yaml,
    train,
)
from tests.helpers.fake_model import write_model


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


def test_the_current_fingerprint_is_the_compiled_datas(tmp_path: Path) -> None:
    """The bot finds the in-process model by this hash without compiling the data."""
    entries = list(load_entries().values())
    assert current_fingerprint(entries) == fingerprint(compile_data(entries, tmp_path / "a"))
    assert current_fingerprint(entries[1:]) == fingerprint(
        compile_data(entries[1:], tmp_path / "b")
    )


def test_heldout_is_disjoint_from_training() -> None:
    def key(text: str) -> str:  # the loader folds spaces between Chinese characters
        return "".join(text.split())

    trained = {key(text) for entry in load_entries().values() for text in entry.examples}
    items = heldout_items()
    assert items
    assert {item["topic"] for item in items} <= set(load_topics())
    assert [item["text"] for item in items if key(item["text"]) in trained] == []


FAKE_RASA = """#!/bin/sh
# Stands in for `rasa train nlu`: counts its runs, takes a moment, writes the model file.
echo run >> "$(dirname "$0")/runs"
sleep 1
while [ $# -gt 0 ]; do
  case "$1" in
    --out) out="$2"; shift ;;
    --fixed-model-name) name="$2"; shift ;;
  esac
  shift
done
echo model > "$out/$name.tar.gz"
"""


def test_trainings_asked_for_at_once_train_once(tmp_path: Path) -> None:
    """`make run`, the tests and the bench may ask together: one trains, the others reuse it."""
    venv = tmp_path / "rasa-venv"
    (venv / "bin").mkdir(parents=True)
    rasa = venv / "bin" / "rasa"
    rasa.write_text(FAKE_RASA, encoding="utf-8")
    rasa.chmod(0o755)
    entries = list(load_entries().values())

    def one(number: int) -> Path:
        return train(
            entries,
            build_dir=tmp_path / f"build{number}",
            models_dir=tmp_path / "models",
            rasa_venv=venv,
        )

    with ThreadPoolExecutor(3) as pool:
        models = list(pool.map(one, range(3)))
    assert len(set(models)) == 1 and models[0].exists()
    assert (venv / "bin" / "runs").read_text().splitlines() == ["run"]
    # the stand-in's "model" is no archive: no export, but the training stands
    assert not list((tmp_path / "models").glob("*.classifier.zip"))


def test_a_model_is_exported_once_beside_it(tmp_path: Path) -> None:
    models = tmp_path / "models"
    models.mkdir()
    entries = list(load_entries().values())
    target = models / f"nlu-{current_fingerprint(entries)}.tar.gz"
    write_model(
        target,
        labels=["a", "b"],
        char_vocabulary={"工": 0},
        word_vocabulary={},
        weights_by_label=[[1.0], [-1.0]],
        bias=[0.0, 0.0],
    )
    stale = models / "nlu-0000000000000000.classifier.zip"
    stale.write_bytes(b"an older model's")
    venv = tmp_path / "no-rasa-needed"  # the model is up to date: Rasa is not run
    model = train(entries, build_dir=tmp_path / "build", models_dir=models, rasa_venv=venv)
    assert model == target
    exported = models / target.name.replace(".tar.gz", ".classifier.zip")
    assert exported.exists() and not stale.exists()
    made = exported.stat().st_mtime_ns
    train(entries, build_dir=tmp_path / "build", models_dir=models, rasa_venv=venv)
    assert exported.stat().st_mtime_ns == made  # not made again
